using Srn.Models;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Tests.Models;

[TestFixture]
public sealed class ResNetTests
{
    private static string FixturePath(string file) =>
        Path.Combine(Path.GetDirectoryName(typeof(ResNetTests).Assembly.Location)!, "Fixtures", "Models", file);

    [Test]
    public void Same_seed_gives_torchvisions_weights_and_names_in_torchvisions_order()
    {
        var (expected, metadata) = SafeTensors.Read(FixturePath("resnet18_init.safetensors"));
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(123);
        using var model = ModelRegistry.Create("resnet18", numClasses: 7);
        var state = model.StateDict();
        Assert.That(string.Join(",", state.Keys), Is.EqualTo(metadata["names"]));
        foreach (var key in new[] { "conv1.weight", "layer2.0.downsample.0.weight", "fc.weight", "fc.bias" })
        {
            Assert.That(state[key].ToBytes(), Is.EqualTo(expected[key].ToBytes()), key);
        }

        var floatNames = metadata["float_names"].Split(',');
        var sums = expected["sums"].ToArray<double>();
        var squares = expected["sums_of_squares"].ToArray<double>();
        for (var i = 0; i < floatNames.Length; i++)
        {
            var v = state[floatNames[i]].To(ScalarType.Float64);
            Assert.That(v.Sum().Item<double>(), Is.EqualTo(sums[i]), floatNames[i]);
            Assert.That((v * v).Sum().Item<double>(), Is.EqualTo(squares[i]), floatNames[i]);
        }

        foreach (var t in expected.Values)
        {
            t.Dispose();
        }
    }

    [TestCase("resnet18", 512, 11_689_512)]
    [TestCase("resnet34", 512, 21_797_672)]
    [TestCase("resnet50", 2048, 25_557_032)]
    [TestCase("resnet101", 2048, 44_549_160)]
    [TestCase("resnet152", 2048, 60_192_808)]
    public void Torchvision_architectures_have_torchvisions_parameter_counts(string name, long features, long parameters)
    {
        using var model = ModelRegistry.Create(name);
        Assert.That(model.NumFeatures, Is.EqualTo(features));
        Assert.That(model.ParameterCount(), Is.EqualTo(parameters));
        Assert.That(ModelRegistry.Config(name).Stages.Select(s => s.Stride), Is.EqualTo(new[] { 4, 8, 16, 32 }));
    }

    [Test]
    public void Stages_have_the_documented_shapes_at_224_and_448()
    {
        using var model = ModelRegistry.Create("resnet50");
        model.Eval();
        using var noGrad = Autograd.NoGrad();
        foreach (var size in new[] { 224L, 448L })
        {
            using var scope = DisposeScope.Enter();
            var x = Tensor.Randn([1, 3, size, size]);
            var stages = model.ForwardStages(x);
            for (var i = 0; i < 4; i++)
            {
                var stride = 4L << i;
                Assert.That(stages[i].Shape, Is.EqualTo(new[] { 1, model.Config.StageChannels(i + 1), size / stride, size / stride }), $"layer{i + 1} at {size}");
            }

            Assert.That(model.ForwardFeatures(x, lastStage: 3).Shape, Is.EqualTo(new[] { 1, 1024, size / 16, size / 16 }));
            Assert.That(model.Forward(x).Shape, Is.EqualTo(new long[] { 1, 1000 }));
        }
    }

    [Test]
    public void The_classifier_can_be_replaced_for_C_classes()
    {
        using var model = ModelRegistry.Create("resnet-small");
        var oldFc = model.Fc;
        model.ResetClassifier(20);
        Assert.That(oldFc.IsDisposed, Is.True);
        Assert.That(model.Fc.Weight.Shape, Is.EqualTo(new long[] { 20, 128 }));
        using var scope = DisposeScope.Enter();
        Assert.That(model.Forward(Tensor.Randn([2, 3, 112, 112])).Shape, Is.EqualTo(new long[] { 2, 20 }));
        Assert.That(model.StateDict().Keys, Has.Member("fc.weight"));
    }

    [Test]
    public void Unknown_models_are_named_with_the_known_ones()
    {
        Assert.That(() => ModelRegistry.Config("resnet99"), Throws.TypeOf<KeyNotFoundException>().With.Message.Contains("resnet50"));
    }

    [Test]
    public void A_training_step_leaks_no_tensor()
    {
        using var model = ModelRegistry.Create("resnet-small", numClasses: 5);
        var baseline = 0L;
        for (var step = 0; step < 4; step++)
        {
            using (var scope = DisposeScope.Enter())
            {
                var logits = model.Forward(Tensor.Randn([2, 3, 64, 64]));
                Functional.BinaryCrossEntropyWithLogits(logits, Tensor.Ones([2, 5])).Backward();
                model.ZeroGrad();
            }

            if (step == 1)
            {
                baseline = LiveTensors.Settled();
            }
        }

        Assert.That(LiveTensors.Settled(), Is.EqualTo(baseline));
    }
}
