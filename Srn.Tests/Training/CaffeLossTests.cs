using Srn.Distillation;
using Srn.PartialLabels.Losses;
using Srn.Tests.Fixtures;
using Srn.Torch;
using Srn.Training;
using Srn.Training.Losses;

namespace Srn.Tests.Training;

/// <summary>
/// The Caffe-faithful losses against PyTorch (Fixtures/Training/make_caffe_loss_fixtures.py): WSDDN's loss as the
/// reference's Caffe layer computes it (forward and its hand-written backward, saturated scores included) and the old
/// clamped mean; every registry loss summed per image and divided by the batch size (<c>loss_norm=batch</c>).
/// </summary>
[TestFixture]
public sealed class CaffeLossTests
{
    private const string File = "Training/caffe_losses.safetensors";

    /// <summary>The C# computation of each fixture loss name.</summary>
    private static readonly Dictionary<string, Func<Tensor, Tensor, Tensor>> Losses = new()
    {
        ["wsddn"] = WsddnLoss.Compute,
        ["wsddn-clamped-mean"] = WsddnLoss.ClampedMean,
        ["partial-bce-batch"] = (s, t) => LossRegistry.Create("partial-bce").Compute(s, t, LossNormalization.Batch),
        ["partial-bce-norm-batch"] = (s, t) => LossRegistry.Create("partial-bce-norm").Compute(s, t, LossNormalization.Batch),
        ["assume-negative-batch"] = (s, t) => LossRegistry.Create("assume-negative").Compute(s, t, LossNormalization.Batch),
        ["asl-batch"] = (s, t) => LossRegistry.Create("asl").Compute(s, t, LossNormalization.Batch),
    };

    private static IEnumerable<string> Cases() => ParityFixture.CaseNames(File);

    private ParityFixture fixture = null!;

    [OneTimeSetUp]
    public void Load() => fixture = new ParityFixture(File);

    [OneTimeTearDown]
    public void Unload() => fixture.Dispose();

    [TestCaseSource(nameof(Cases))]
    public void Matches_PyTorch_value_and_gradient(string name)
    {
        var loss = Losses[name.Split('/')[0]];
        using var scope = DisposeScope.Enter();
        var input = fixture[$"{name}/input"].Clone();
        input.RequiresGrad = true;
        var value = loss(input, fixture[$"{name}/targets"]);
        Assert.That(value.Shape, Is.Empty, "a 0-d tensor");
        ParityFixture.AssertClose(value, fixture[$"{name}/loss"], 1e-5, 1e-6, $"{name}: loss");
        value.Backward();
        Assert.That(input.Grad, Is.Not.Null, $"{name}: the input gets a gradient");
        ParityFixture.AssertClose(input.Grad!, fixture[$"{name}/grad"], 1e-4, 1e-7, $"{name}: gradient");
    }

    [Test]
    public void Every_loss_has_fixture_cases_and_every_case_a_loss()
    {
        Assert.That(Cases().Select(n => n.Split('/')[0]).Distinct(), Is.EquivalentTo(Losses.Keys));
        Assert.That(LossRegistry.Names.All(n => Losses.ContainsKey(n + "-batch")), Is.True, "every registered loss is checked with loss_norm=batch");
        Assert.That(Cases(), Does.Contain("wsddn/saturated").And.Contain("wsddn/saturated_f64"));
    }

    [Test]
    public void Reference_wsddn_loss_keeps_a_gradient_at_saturated_scores_where_the_clamp_has_none()
    {
        using var scope = DisposeScope.Enter();

        // A positive scored 0, a negative scored 1, and an unknown one; batch of 2.
        var phi = Tensor.FromArray(new double[,] { { 0.0, 1.0, 0.5 }, { 1e-6, 1 - 1e-6, 0.5 } });
        using var targets = Tensor.FromArray(new double[,] { { 1, -1, 0 }, { 1, -1, 0 } });
        phi.RequiresGrad = true;
        var reference = WsddnLoss.Compute(phi, targets);
        reference.Backward();
        var g = phi.Grad!.ToArray<double>();
        Assert.That(g, Is.EqualTo(new[] { -1e4 / 2, 1e4 / 2, 0, -1e4 / 2, 1e4 / 2, 0 }).Within(1e-6));
        Assert.That(reference.Item<double>(), Is.EqualTo(4 * -Math.Log(1e-4) / 2).Within(1e-9), "sum of -log(1e-4) over 4 known entries / N");

        var clamped = Tensor.FromArray(new double[,] { { 0.0, 1.0, 0.5 }, { 1e-6, 1 - 1e-6, 0.5 } });
        clamped.RequiresGrad = true;
        var mean = WsddnLoss.ClampedMean(clamped, targets);
        mean.Backward();
        Assert.That(clamped.Grad!.ToArray<double>(), Is.All.EqualTo(0.0));
        Assert.That(mean.Item<double>(), Is.EqualTo(-Math.Log(1e-4)).Within(1e-9), "the mean over the 4 known entries");
    }

    [Test]
    public void Wsddn_losses_give_zero_without_known_labels_and_refuse_other_shapes()
    {
        using var scope = DisposeScope.Enter();
        var phi = Tensor.Rand([3, 4]);
        phi.RequiresGrad = true;
        var value = WsddnLoss.Compute(phi, Tensor.Zeros([3, 4]));
        value.Backward();
        Assert.That(value.Item<float>(), Is.Zero);
        Assert.That(phi.Grad!.ToDoubleArray(), Is.All.EqualTo(0.0));
        Assert.That(WsddnLoss.Compute(Tensor.Zeros([0, 4]), Tensor.Zeros([0, 4])).Item<float>(), Is.Zero, "an empty batch");
        var e = Assert.Throws<ArgumentException>(() => WsddnLoss.Compute(Tensor.Zeros([2, 3]), Tensor.Zeros([2, 4])))!;
        Assert.That(e.Message, Does.StartWith("WSDDN loss:").And.Contain("[2, 3]").And.Contain("[2, 4]"));
        Assert.Throws<ArgumentException>(() => WsddnLoss.ClampedMean(Tensor.Zeros([6]), Tensor.Zeros([6])));
    }

    [Test]
    public void Batch_normalisation_of_a_loss_that_averages_over_known_entries_is_its_mean_times_known_over_batch()
    {
        // A loss without its own ComputeSumPerImage gets the interface's default.
        using var scope = DisposeScope.Enter();
        var logits = Tensor.Randn([5, 6]) * 2.0;
        using var targets = Tensor.FromArray(new float[,]
        {
            { 1, -1, 0, 0, 1, -1 }, { 0, 0, 0, 0, 0, 0 }, { -1, -1, -1, 1, 1, 1 }, { 0, 1, 0, -1, 0, 0 }, { 1, 0, 0, 0, 0, -1 },
        });
        IMultiLabelLoss plain = new MeanOnly();
        var expected = PartialBce.Instance.ComputeSumPerImage(logits, targets).Item<float>();
        Assert.That(plain.ComputeSumPerImage(logits, targets).Item<float>(), Is.EqualTo(expected).Within(1e-5 * Math.Abs(expected)));
        Assert.That(PartialBce.Instance.Compute(logits, targets, LossNormalization.Batch).Item<float>(), Is.EqualTo(expected));
        var mean = PartialBce.Instance.Compute(logits, targets).Item<float>();
        Assert.That(PartialBce.Instance.Compute(logits, targets, LossNormalization.Mean).Item<float>(), Is.EqualTo(mean));
        Assert.That(expected, Is.EqualTo(mean * 14 / 5).Within(1e-5 * expected), "14 known entries in 5 images");
    }

    [Test]
    public void Reduce_sums_over_entries_per_image_or_averages()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.That(LossNormalizations.Reduce(x, LossNormalization.Batch).Item<double>(), Is.EqualTo(21.0 / 2));
        Assert.That(LossNormalizations.Reduce(x, LossNormalization.Mean).Item<double>(), Is.EqualTo(21.0 / 6));
        Assert.That(LossNormalizations.Reduce(Tensor.Zeros([0, 3]), LossNormalization.Batch).Item<float>(), Is.Zero);
    }

    [Test]
    public void The_loss_norm_option_reads_batch_or_mean_and_names_itself_otherwise()
    {
        static MethodSetup Setup(params (string, string)[] options) => new()
        {
            Method = "srn", Backbone = "resnet-small", ClassNames = ["a"], ImageSize = 32,
            Options = options.ToDictionary(o => o.Item1, o => o.Item2),
        };

        Assert.That(LossNormalizations.Read(Setup(), LossNormalization.Batch), Is.EqualTo(LossNormalization.Batch));
        Assert.That(LossNormalizations.Read(Setup(), LossNormalization.Mean), Is.EqualTo(LossNormalization.Mean));
        Assert.That(LossNormalizations.Read(Setup(("loss_norm", "mean")), LossNormalization.Batch), Is.EqualTo(LossNormalization.Mean));
        Assert.That(LossNormalizations.Read(Setup(("loss_norm", " Batch ")), LossNormalization.Mean), Is.EqualTo(LossNormalization.Batch));
        var e = Assert.Throws<ArgumentException>(() => LossNormalizations.Read(Setup(("loss_norm", "sum")), LossNormalization.Batch))!;
        Assert.That(e.Message, Is.EqualTo("Method 'srn': loss_norm 'sum' is not one of batch, mean."));
    }

    // The partial BCE's mean, without an override of ComputeSumPerImage.
    private sealed class MeanOnly : IMultiLabelLoss
    {
        public string Name => "mean-only";

        public Tensor Compute(Tensor logits, Tensor targets) => PartialBce.Instance.Compute(logits, targets);
    }
}
