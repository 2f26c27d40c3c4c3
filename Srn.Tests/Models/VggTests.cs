using System.IO.Compression;
using Srn.Models;
using Srn.PartialLabels.Methods;
using Srn.Torch;
using Srn.Torch.IO;
using Srn.Training;
using Srn.Training.Methods;

namespace Srn.Tests.Models;

/// <summary>
/// VGG against torchvision (Fixtures/Models/make_vgg_fixtures.py): VGG16's state-dict keys, shapes and seeded
/// initialisation; a width-reduced VGG16 checkpoint written by torch.save gives PyTorch's logits, region map and gradients;
/// the reference's wrapped checkpoints load as backbone weights; methods that need a ResNet say so.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class VggTests
{
    [Test]
    public void Vgg16_has_torchvisions_keys_shapes_and_initialisation_and_a_full_torchvision_state_dict_loads()
    {
        var (expected, metadata) = SafeTensors.Read(FixturePath("vgg16_init.safetensors"));
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(123);
        using var model = ModelRegistry.CreateBackbone("vgg16");
        Assert.That(model, Is.TypeOf<Vgg>());
        Assert.That(model.ParameterCount(), Is.EqualTo(138_357_544), "torchvision's vgg16");
        var state = model.StateDict();
        var names = metadata["names"].Split(',');
        Assert.That(state.Keys, Is.EqualTo(names), "vgg16-397923af.pth's keys, in order");
        var shapes = expected["shapes"].ToArray<long>();
        var sums = expected["sums"].ToArray<double>();
        var squares = expected["sums_of_squares"].ToArray<double>();
        for (var i = 0; i < names.Length; i++)
        {
            var shape = shapes.Skip(4 * i).Take(4).Where(d => d >= 0).ToArray();
            Assert.That(state[names[i]].Shape, Is.EqualTo(shape), names[i]);
            var v = state[names[i]].To(ScalarType.Float64);
            Assert.That(v.Sum().Item<double>(), Is.EqualTo(sums[i]).Within(1e-9 * (1 + Math.Abs(sums[i]))), $"{names[i]}: sum");
            Assert.That((v * v).Sum().Item<double>(), Is.EqualTo(squares[i]).Within(1e-9 * squares[i]), $"{names[i]}: sum of squares");
        }

        foreach (var key in new[] { "features.0.weight", "features.28.bias", "classifier.6.bias" })
        {
            Assert.That(state[key].ToBytes(), Is.EqualTo(expected[key].ToBytes()), key);
        }

        // A state dict with torchvision's keys and shapes loads strictly (zero-stride views: no 500 MB of data).
        var full = names.Select((n, i) => KeyValuePair.Create(n, Tensor.Full([1], 0.25f).Expand(shapes.Skip(4 * i).Take(4).Where(d => d >= 0).ToArray())))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        model.LoadStateDict(full);
        Assert.That(model.Vgg().Fc7.Weight.Max().Item<float>(), Is.EqualTo(0.25f));
        foreach (var t in expected.Values)
        {
            t.Dispose();
        }
    }

    [TestCase("vgg16", 512, 4096, 224)]
    [TestCase("vgg-small", 64, 256, 112)]
    public void Registry_vggs_have_the_documented_layout(string name, long features, long hidden, int input)
    {
        var config = ModelRegistry.Config(name);
        Assert.That(config.IsResNet, Is.False);
        Assert.That(config.NumFeatures, Is.EqualTo(features));
        Assert.That(config.DefaultInputSize, Is.EqualTo(input));
        Assert.That(((VggConfig)config.Architecture).Hidden, Is.EqualTo(hidden));
        Assert.That(config.Stages.Select(s => (s.Name, s.Stride)),
            Is.EqualTo(new[] { ("features.4", 2), ("features.9", 4), ("features.16", 8), ("features.23", 16), ("features.30", 32) }));
        Assert.That(() => ModelRegistry.Create(name), Throws.ArgumentException.With.Message.Contains("not a ResNet").And.Message.Contains("CreateBackbone"));
        if (name == "vgg-small")
        {
            using var model = ModelRegistry.CreateBackbone(name, numClasses: 10);
            Assert.That(model.ParameterCount(), Is.EqualTo(1_102_002), "docs/models.md");
            var vgg = model.Vgg();
            var (fc6, relu) = (vgg.Fc6, vgg.Classifier[1]);
            model.ResetClassifier(3);
            Assert.That(model.ClassifierLayer.Weight.Shape, Is.EqualTo(new long[] { 3, 256 }));
            Assert.That(ReferenceEquals(vgg.Fc6, fc6) && ReferenceEquals(vgg.Classifier[1], relu) && ReferenceEquals(vgg.Classifier[6], model.ClassifierLayer), Is.True, "only classifier.6 is new");
            Assert.That(model.StateDict().Keys, Does.Contain("classifier.6.weight"));
            using var scope = DisposeScope.Enter();
            Assert.That(model.Forward(Tensor.Randn([2, 3, 64, 64])).Shape, Is.EqualTo(new long[] { 2, 3 }));
        }
    }

    [Test]
    public void A_width_reduced_vgg16_checkpoint_gives_PyTorchs_logits_region_map_and_gradients()
    {
        var (expected, metadata) = SafeTensors.Read(FixturePath("vgg_small.safetensors"));
        var pth = Decompress("vgg_small.pth.br");
        try
        {
            using var scope = DisposeScope.Enter();
            var stateDict = TorchCheckpoint.Load(pth);
            using var model = ModelRegistry.CreateBackbone("vgg-small", stateDict, numClasses: 10);
            LibTorch.ManualSeed(2);
            var x = Tensor.Randn([2, 3, 112, 112]);
            var upstream = Tensor.Randn([2, 10]);

            model.Eval();
            using (Autograd.NoGrad())
            {
                AssertClose(model.Forward(x), expected["eval_logits"], "eval logits");
                AssertClose(model.ForwardRegionMap(x), expected["region_map"], "region map (conv5_3, stride 16)");
                Assert.That(model.ForwardHead(model.ForwardFeatures(x)).ToArray<float>(), Is.EqualTo(model.Forward(x).ToArray<float>()));
            }

            model.Train();
            LibTorch.ManualSeed(3);
            var logits = model.Forward(x);
            AssertClose(logits, expected["train_logits"], "train-mode logits (same dropout masks)");
            (logits * upstream).Sum().Backward();
            var parameters = model.NamedParameters().ToArray();
            Assert.That(string.Join(",", parameters.Select(p => p.Name)), Is.EqualTo(metadata["parameters"]));
            var norms = expected["grad_norm"].ToArray<double>();
            var projections = expected["grad_projection"].ToArray<double>();
            for (var i = 0; i < parameters.Length; i++)
            {
                var (name, p) = parameters[i];
                var g = p.Grad!.To(ScalarType.Float64);
                LibTorch.ManualSeed((ulong)(1000 + i));
                var r = Tensor.Randn(p.Shape).To(ScalarType.Float64);
                // Equal here to the last digit; 16 layers amplify other CPUs' float32 rounding far less than ResNet-101's 101
                // (ResNetCheckpointParityTests), while a wrong or missing gradient moves the projection by about the norm.
                Assert.That(g.Norm().Item<double>(), Is.EqualTo(norms[i]).Within((1e-3 * norms[i]) + 1e-9), $"{name}: gradient norm");
                Assert.That((g * r).Sum().Item<double>(), Is.EqualTo(projections[i]).Within((1e-2 * norms[i]) + 1e-9), $"{name}: gradient projection");
            }
        }
        finally
        {
            File.Delete(pth);
            foreach (var t in expected.Values)
            {
                t.Dispose();
            }
        }
    }

    [Test]
    public void A_reference_checkpoint_of_a_whole_network_loads_as_backbone_weights_and_says_what_was_unwrapped()
    {
        var plain = Decompress("vgg_small.pth.br");
        var wrapped = Decompress("vgg_small_wrapped.pth.br");
        try
        {
            using var scope = DisposeScope.Enter();
            var notes = new List<string>();
            var setup = new MethodSetup
            {
                Method = "resnet", Backbone = "vgg-small", ClassNames = [.. Enumerable.Range(0, 10).Select(i => $"c{i}")], ImageSize = 112,
                BackboneWeights = wrapped, Log = notes.Add,
            };
            using var model = Backbones.CreateAny(setup);
            Assert.That(notes, Has.Count.EqualTo(1));
            Assert.That(notes[0], Does.Contain("the state dict under 'state_dict' (next to 'epoch', 'best_mAP')")
                .And.Contain("'module.' stripped from its 34 keys").And.Contain("its 'backbone.' entries (32 of 34)"));
            var reference = TorchCheckpoint.Load(plain);
            var loaded = model.StateDict();
            Assert.That(loaded.Keys, Is.EqualTo(reference.Keys));
            foreach (var (key, t) in reference)
            {
                Assert.That(loaded[key].ToBytes(), Is.EqualTo(t.ToBytes()), key);
            }

            // Weights for another class count keep the fresh class layer.
            using var twenty = Backbones.CreateAny(setup with { ClassNames = [.. Enumerable.Range(0, 20).Select(i => $"c{i}")], Log = null });
            Assert.That(twenty.ClassifierLayer.Weight.Shape, Is.EqualTo(new long[] { 20, 256 }));
            Assert.That(twenty.StateDict()["features.0.weight"].ToBytes(), Is.EqualTo(reference["features.0.weight"].ToBytes()));
        }
        finally
        {
            File.Delete(plain);
            File.Delete(wrapped);
        }
    }

    [TestCase("srn")]
    [TestCase("ssgrl")]
    [TestCase("dsrb")]
    public void Methods_that_split_a_resnet_refuse_a_vgg_naming_the_methods_that_take_it(string method)
    {
        var setup = new MethodSetup { Method = method, Backbone = "vgg-small", ClassNames = ["a", "b"], ImageSize = 64, Epochs = 4 };
        Assert.That(() => MethodCatalog.Create(setup), Throws.ArgumentException
            .With.Message.Contains($"Method '{method}' needs a ResNet backbone").And.Message.Contains("'vgg-small' is a VGG")
            .And.Message.Contains("resnet, partial-bce, kd-wsd and kd-wsd-student"));
    }

    [TestCase("resnet")]
    [TestCase("partial-bce")]
    public void The_baseline_trains_a_vgg(string method)
    {
        using var scope = DisposeScope.Enter();
        var setup = new MethodSetup { Method = method, Backbone = "vgg-small", ClassNames = ["c0", "c1", "c2", "c3"], ImageSize = 32, Epochs = 1, Seed = 1 };
        using var baseline = (ResNetBaseline)MethodCatalog.Create(setup);
        Assert.That(baseline.Network, Is.TypeOf<Vgg>());
        var before = baseline.Network.ClassifierLayer.Weight.ToArray<float>();
        var transform = new Srn.Vision.Transforms.Compose(new Srn.Vision.Transforms.ToFloat(), new Srn.Vision.Transforms.Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]));
        var data = new TrainingData(new Training.TinyScenes(16, seed: 1), transform, new Training.TinyScenes(8, seed: 2), transform);
        var history = Trainer.Fit(baseline, data, new TrainerOptions { Seed = 2, BatchSize = 8, EvalBatchSize = 8 });
        Assert.That(history, Has.Count.EqualTo(1));
        Assert.That(double.IsFinite(history[0].TrainLoss), Is.True);
        Assert.That(baseline.Network.ClassifierLayer.Weight.ToArray<float>(), Is.Not.EqualTo(before));
    }

    private static void AssertClose(Tensor actual, Tensor expected, string what)
    {
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape), what);
        var maxAbs = (actual - expected).Abs().Max().Item<float>();
        var tolerance = 1e-4 * Math.Max(1.0, expected.Abs().Max().Item<float>());
        TestContext.Out.WriteLine($"{what}: max |Srn - PyTorch| = {maxAbs:G3} (tolerance {tolerance:G3})");
        Assert.That(maxAbs, Is.LessThanOrEqualTo(tolerance), what);
    }

    private static string Decompress(string file)
    {
        var pth = Path.Combine(Path.GetTempPath(), $"srn-{Guid.NewGuid():N}.pth");
        using var compressed = File.OpenRead(FixturePath(file));
        using var brotli = new BrotliStream(compressed, CompressionMode.Decompress);
        using var output = File.Create(pth);
        brotli.CopyTo(output);
        return pth;
    }

    private static string FixturePath(string file) =>
        Path.Combine(Path.GetDirectoryName(typeof(VggTests).Assembly.Location)!, "Fixtures", "Models", file);
}

/// <summary>Test helpers on backbones.</summary>
internal static class BackboneTestExtensions
{
    public static Vgg Vgg(this Backbone backbone) => (Vgg)backbone;
}
