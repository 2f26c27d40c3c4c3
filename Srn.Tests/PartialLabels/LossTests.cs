using Srn.PartialLabels.Losses;
using Srn.Tests.Fixtures;
using Srn.Torch;
using Srn.Training.Losses;

namespace Srn.Tests.PartialLabels;

/// <summary>
/// The partial-label losses against PyTorch (Fixtures/PartialLabels/make_loss_fixtures.py): value and gradient w.r.t.
/// the logits for every loss on mixed, fully known, soft, sparse, all-unknown, saturated and float64 batches; then the
/// registry and the argument checks.
/// </summary>
[TestFixture]
public sealed class LossTests
{
    private const string File = "PartialLabels/losses.safetensors";

    /// <summary>The C# loss of each fixture loss name: the registry's names plus a few non-default settings.</summary>
    private static readonly Dictionary<string, IMultiLabelLoss> Losses = new()
    {
        ["partial-bce"] = LossRegistry.Create("partial-bce"),
        ["partial-bce-norm"] = LossRegistry.Create("partial-bce-norm"),
        ["partial-bce-norm-gamma-neg1"] = new PartialBceNormalized(gamma: -1.0),
        ["assume-negative"] = LossRegistry.Create("assume-negative"),
        ["asl"] = LossRegistry.Create("asl"),
        ["asl-sum"] = new AsymmetricLoss(reduction: Reduction.Sum),
        ["asl-focusing-grad"] = new AsymmetricLoss(detachFocusingWeight: false),
        ["asl-gamma-pos1-noclip"] = new AsymmetricLoss(gammaPositive: 1.0, clip: 0.0),
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
        var logits = fixture[$"{name}/logits"].Clone();
        logits.RequiresGrad = true;
        var value = loss.Compute(logits, fixture[$"{name}/targets"]);
        Assert.That(value.Shape, Is.Empty, "a 0-d tensor");
        ParityFixture.AssertClose(value, fixture[$"{name}/loss"], 1e-5, 1e-6, $"{name}: loss");
        value.Backward();
        Assert.That(logits.Grad, Is.Not.Null, $"{name}: the logits get a gradient");
        ParityFixture.AssertClose(logits.Grad!, fixture[$"{name}/grad"], 1e-4, 1e-7, $"{name}: gradient");
    }

    [Test]
    public void Every_loss_has_fixture_cases_and_every_case_a_loss()
    {
        var names = Cases().Select(n => n.Split('/')[0]).Distinct();
        Assert.That(names, Is.EquivalentTo(Losses.Keys));
        Assert.That(LossRegistry.Names.All(Losses.ContainsKey), Is.True, "every registered loss is checked");
    }

    [TestCase("partial-bce")]
    [TestCase("partial-bce-norm")]
    [TestCase("asl")]
    public void An_all_unknown_batch_gives_zero_loss_and_zero_gradient(string name)
    {
        using var scope = DisposeScope.Enter();
        var logits = Tensor.Randn([3, 5]) * 50.0;
        logits.RequiresGrad = true;
        var value = LossRegistry.Create(name).Compute(logits, Tensor.Zeros([3, 5]));
        value.Backward();
        Assert.That(value.Item<float>(), Is.Zero);
        Assert.That(logits.Grad!.ToDoubleArray(), Is.All.EqualTo(0.0), "zero, not NaN");
    }

    [TestCase("partial-bce")]
    [TestCase("partial-bce-norm")]
    [TestCase("assume-negative")]
    [TestCase("asl")]
    public void An_empty_batch_gives_zero(string name)
    {
        using var scope = DisposeScope.Enter();
        var value = LossRegistry.Create(name).Compute(Tensor.Zeros([0, 4]), Tensor.Zeros([0, 4]));
        Assert.That(value.Item<float>(), Is.Zero);
    }

    [TestCase("partial-bce")]
    [TestCase("partial-bce-norm")]
    [TestCase("assume-negative")]
    [TestCase("asl")]
    public void Leaves_only_its_result_alive(string name)
    {
        var loss = LossRegistry.Create(name);
        using var logits = Tensor.Randn([4, 6]);
        using var targets = Tensor.FromArray(new float[] { 1, -1, 0, 0.4f, -1, 1, 0, 0, 0, 0, 0, 0, 1, 1, -1, -1, 0, 0.7f, -1, -1, -1, -1, -1, 1 }, [4, 6]);
        var baseline = LiveTensors.Settled();
        using (var value = loss.Compute(logits, targets))
        {
            Assert.That(LiveTensors.Settled(), Is.EqualTo(baseline + 1));
        }

        Assert.That(LiveTensors.Settled(), Is.EqualTo(baseline));
    }

    [Test]
    public void Shapes_must_be_equal_and_2d()
    {
        using var scope = DisposeScope.Enter();
        foreach (var name in LossRegistry.Names)
        {
            var e = Assert.Throws<ArgumentException>(() => LossRegistry.Create(name).Compute(Tensor.Zeros([2, 3]), Tensor.Zeros([2, 4])))!;
            Assert.That(e.Message, Does.StartWith($"{name}:").And.Contain("[2, 3]").And.Contain("[2, 4]"));
            Assert.Throws<ArgumentException>(() => LossRegistry.Create(name).Compute(Tensor.Zeros([6]), Tensor.Zeros([6])));
        }
    }

    [Test]
    public void Registry_creates_each_loss_by_name_and_lists_the_names_otherwise()
    {
        Assert.That(LossRegistry.Names, Is.EqualTo(new[] { "partial-bce", "partial-bce-norm", "assume-negative", "asl" }));
        Assert.That(LossRegistry.Create("partial-bce"), Is.SameAs(PartialBce.Instance));
        Assert.That(LossRegistry.Create(" ASL "), Is.InstanceOf<AsymmetricLoss>());
        foreach (var name in LossRegistry.Names)
        {
            Assert.That(LossRegistry.Create(name).Name, Is.EqualTo(name));
        }

        var e = Assert.Throws<ArgumentException>(() => LossRegistry.Create("bce"))!;
        Assert.That(e.Message, Does.Contain("'bce'").And.Contain("partial-bce, partial-bce-norm, assume-negative, asl"));
    }

    [Test]
    public void PartialBceNormalized_weight_meets_its_two_points()
    {
        foreach (var gamma in new[] { 1.0, 2.0, -1.0, 0.5 })
        {
            var loss = new PartialBceNormalized(gamma);
            Assert.That(loss.G(0.1), Is.EqualTo(5.0).Within(1e-12), $"gamma {gamma}");
            Assert.That(loss.G(1.0), Is.EqualTo(1.0).Within(1e-12), $"gamma {gamma}");
        }

        Assert.That(PartialBceNormalized.Instance.Alpha, Is.EqualTo(-4.444).Within(1e-3));
        Assert.That(PartialBceNormalized.Instance.Beta, Is.EqualTo(5.444).Within(1e-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new PartialBceNormalized(0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new PartialBceNormalized(double.NaN));
    }

    [Test]
    public void AsymmetricLoss_defaults_are_the_papers_and_bad_settings_are_rejected()
    {
        var asl = AsymmetricLoss.Instance;
        Assert.That((asl.GammaNegative, asl.GammaPositive, asl.Clip, asl.Eps), Is.EqualTo((4.0, 0.0, 0.05, 1e-8)));
        Assert.That(asl.Reduction, Is.EqualTo(Reduction.Mean));
        Assert.That(asl.DetachFocusingWeight, Is.True);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AsymmetricLoss(reduction: Reduction.None));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AsymmetricLoss(gammaNegative: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AsymmetricLoss(clip: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AsymmetricLoss(eps: 0));
    }
}
