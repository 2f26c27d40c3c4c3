using Srn.Torch;
using Srn.Training;
using Srn.Training.Methods;
using Srn.Training.Losses;
using Srn.Vision.Transforms;

namespace Srn.Tests.Training;

/// <summary>Training and evaluation under bf16 autocast and channels-last: float32 state, exact resume, loader timing.</summary>
[TestFixture]
public sealed class MixedPrecisionTrainingTests
{
    private static readonly string[] Classes = ["c0", "c1", "c2", "c3"];

    private static MethodSetup Setup(int epochs) => new()
    {
        Method = "srn", Backbone = "resnet-small", ClassNames = Classes, ImageSize = 32, Epochs = epochs, Seed = 0,
        Options = new Dictionary<string, string> { ["stage_epochs"] = $"{epochs},0,0,0" },
    };

    private static TrainingData Data(int size = 32)
    {
        var transform = new Compose(new RandomHorizontalFlip(), new ToFloat(), new Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]));
        var test = new Compose(new ToFloat(), new Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]));
        return new TrainingData(new TinyScenes(48, seed: 1, size: size), transform, new TinyScenes(24, seed: 2, size: size), test);
    }

    private static TrainerOptions Options(string? checkpoint = null, bool resume = false) => new()
    {
        Seed = 5, BatchSize = 8, EvalBatchSize = 16, Workers = 2, CheckpointPath = checkpoint, Resume = resume,
        Precision = Precision.Bf16, ChannelsLast = true,
    };

    private static Dictionary<string, float[]> Snapshot(Srn.Torch.NN.Module module) =>
        module.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.To(ScalarType.Float32).ToArray<float>());

    [Test]
    public void Bf16_training_keeps_float32_parameters_and_batch_norm_statistics_and_logs_the_loader_wait()
    {
        using var scope = DisposeScope.Enter();
        using var method = new SrnMethod(Setup(2));
        var before = Snapshot(method.Model);
        var history = Trainer.Fit(method, Data(), Options());
        Assert.That(history.Select(h => h.TrainLoss), Has.All.Matches<double>(double.IsFinite));
        Assert.That(method.Model.StateDict().Values.Where(t => t.DType.IsFloatingPoint()).Select(t => t.DType), Has.All.EqualTo(ScalarType.Float32));
        Assert.That(method.Model.StateDict().Where(kv => kv.Key.EndsWith("running_mean", StringComparison.Ordinal)).Select(kv => before[kv.Key].SequenceEqual(kv.Value.ToArray<float>())),
            Has.Some.False, "batch-norm statistics are updated in float32");
        Assert.That(method.Model.Parameters().Where(p => p.Dim == 4), Has.All.Matches<Tensor>(p => p!.IsContiguousIn(MemoryFormat.ChannelsLast)));
        Assert.That(history.Select(h => h.LoaderWaitSeconds), Has.All.GreaterThanOrEqualTo(0));
        Assert.That(history.Select(h => h.LoaderWaitSeconds <= h.TrainSeconds), Has.All.True);
        Assert.That(history[^1].Metrics!.Map, Is.InRange(0, 100));
    }

    [Test]
    public void Bf16_training_differs_from_float32_but_resumes_bit_for_bit()
    {
        var dir = Directory.CreateTempSubdirectory("srn-amp-resume-").FullName;
        try
        {
            using var scope = DisposeScope.Enter();
            using var straight = new SrnMethod(Setup(3));
            var full = Trainer.Fit(straight, Data(), Options(Path.Combine(dir, "a.safetensors")));

            using (var fp32 = new SrnMethod(Setup(3)))
            {
                var exact = Trainer.Fit(fp32, Data(), Options() with { Precision = Precision.Fp32, ChannelsLast = false });
                Assert.That(exact.Select(r => r.TrainLoss), Is.Not.EqualTo(full.Select(r => r.TrainLoss)), "bf16 is really in use");
            }

            var path = Path.Combine(dir, "b.safetensors");
            using var cancel = new CancellationTokenSource();
            using (var first = new SrnMethod(Setup(3)))
            {
                var options = Options(path) with { EpochFinished = r => { if (r.Epoch == 1) cancel.Cancel(); } };
                Assert.Catch<OperationCanceledException>(() => Trainer.Fit(first, Data(), options, cancel.Token));
            }

            using var second = new SrnMethod(Setup(3));
            var resumed = Trainer.Fit(second, Data(), Options(path, resume: true));
            Assert.That(resumed.Select(r => r.TrainLoss), Is.EqualTo(full.Select(r => r.TrainLoss)));
            Assert.That(resumed.Select(r => r.Metrics!.Map), Is.EqualTo(full.Select(r => r.Metrics!.Map)));
            var a = Snapshot(straight.Model);
            var b = Snapshot(second.Model);
            foreach (var key in a.Keys)
            {
                Assert.That(b[key], Is.EqualTo(a[key]), key);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestCase("partial-bce")]
    [TestCase("srn")]
    [TestCase("ssgrl")]
    [TestCase("sarb", "blend_start", "1")]
    [TestCase("dsrb", "blend_start", "1")]
    [TestCase("sst", "transfer_start", "1")]
    [TestCase("hst", "transfer_start", "1")]
    [TestCase("kd-wsd", "stage_epochs", "2,1,1")]
    public void Every_method_trains_and_evaluates_under_bf16_and_channels_last(string name, params string[] option)
    {
        using var scope = DisposeScope.Enter();
        var setup = new MethodSetup
        {
            Method = name, Backbone = "resnet-small", ClassNames = Classes, ImageSize = 112, Epochs = 4, Seed = 0,
            Options = option.Length == 2 ? new Dictionary<string, string> { [option[0]] = option[1] } : new Dictionary<string, string>(),
        };
        // Half the labels unknown, so that instance and prototype blending have entries to blend.
        var full = Data(size: 112);
        var labels = Srn.PartialLabels.Masking.LabelMasking.Apply(
            Srn.Data.DatasetViews.Labels(full.Train), Srn.PartialLabels.Masking.MaskingProtocol.Hcp, 0.5, 0);
        var data = full with { Train = Srn.Data.DatasetViews.WithLabels(full.Train, labels) };
        setup = setup with { TrainLabels = labels };
        using var method = Srn.PartialLabels.Methods.MethodCatalog.Create(setup);
        var history = Trainer.Fit(method, data, Options());
        Assert.That(history, Has.Count.EqualTo(4));
        Assert.That(history.Select(h => h.TrainLoss), Has.All.Matches<double>(double.IsFinite), "prototype and instance blending, RoI pooling and distillation run in bf16 too");
        Assert.That(history[^1].Metrics!.Map, Is.InRange(0, 100));
    }

    [Test]
    public void Blending_bfloat16_features_with_float32_coefficients_and_prototypes_keeps_the_features_dtype()
    {
        // Under autocast the decoupled features are bfloat16 while beta and the prototype bank stay float32; PyTorch's
        // `features[idx] = ...` casts to the destination (a DSRB sweep in bf16 failed here before).
        using var scope = DisposeScope.Enter();
        var features = Tensor.Randn([2, 3, 4]).To(ScalarType.BFloat16);
        var targets = Tensor.FromArray(new float[] { 1, 0, -1, 0, 1, 0 }, [2, 3]);
        var beta = Tensor.FromArray(new float[] { 0.25f }, [1]);
        using var result = Srn.PartialLabels.Blending.SparseBlend.Apply(features, targets, beta, [0, 1], [1, 2], () => Tensor.Ones([2, 4]));
        Assert.That(result.Features.DType, Is.EqualTo(ScalarType.BFloat16));
        var expected = ((features.Index([0, 1]).To(ScalarType.Float32) * 0.25) + 0.75).To(ScalarType.BFloat16).To(ScalarType.Float32);
        Assert.That(result.Features.Index([0, 1]).To(ScalarType.Float32).ToArray<float>(), Is.EqualTo(expected.ToArray<float>()));
    }

    [Test]
    public void Losses_run_in_float32_on_low_precision_logits()
    {
        using var scope = DisposeScope.Enter();
        var logits = Tensor.Randn([4, 3]).To(ScalarType.BFloat16);
        var targets = Tensor.FromArray(new float[] { 1, -1, 0, 1, 1, -1, 0, 0, 1, -1, -1, 1 }, [4, 3]);
        var loss = PartialBce.Instance.Compute(logits, targets);
        Assert.That(loss.DType, Is.EqualTo(ScalarType.Float32));
        var reference = PartialBce.Instance.Compute(logits.To(ScalarType.Float32), targets);
        Assert.That(loss.Item<float>(), Is.EqualTo(reference.Item<float>()));
    }
}
