using Srn.PartialLabels.Network;
using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.Tests.PartialLabels;

/// <summary>Behaviour of the shared SSGRL network: adjacency, freezing, embeddings, Classify, shapes and finiteness.</summary>
[TestFixture]
public sealed class NetworkTests
{
    // Class 2 has no known positive at all; class 3 is known positive once.
    private static readonly sbyte[,] Labels =
    {
        { 1, 1, 0, -1 },
        { 1, 0, -1, 1 },
        { 0, 1, 0, 0 },
        { 1, -1, -1, 0 },
    };

    [Test]
    public void Adjacency_is_co_occurrence_over_known_positives_with_unit_diagonal_and_a_zero_row_without_positives()
    {
        using var a = LabelAdjacency.FromKnownPositives(Labels);
        var v = a.ToArray<float>();
        float At(int i, int j) => v[(i * 4) + j];
        Assert.Multiple(() =>
        {
            Assert.That(At(0, 0), Is.EqualTo(1f));
            Assert.That(At(0, 1), Is.EqualTo(1f / 3), "class 0 is known positive 3 times, with class 1 once");
            Assert.That(At(0, 3), Is.EqualTo(1f / 3));
            Assert.That(At(1, 0), Is.EqualTo(0.5f), "class 1 is known positive twice, with class 0 once");
            Assert.That(At(3, 0), Is.EqualTo(1f));
            Assert.That(At(3, 3), Is.EqualTo(1f));
            Assert.That(Enumerable.Range(0, 4).Select(j => At(2, j)), Is.All.EqualTo(0f), "no known positive: a zero row");
            Assert.That(v, Has.None.NaN);
        });
    }

    [Test]
    public void Adjacency_rejects_a_label_outside_minus_one_zero_one()
    {
        var labels = (sbyte[,])Labels.Clone();
        labels[2, 3] = 2;
        var e = Assert.Throws<ArgumentException>(() => LabelAdjacency.FromKnownPositives(labels));
        Assert.That(e!.Message, Does.Contain("[2, 3]"));
    }

    [Test]
    public void GatedGnn_rejects_a_NaN_adjacency_and_a_non_square_one()
    {
        using var nan = Tensor.FromArray(new[] { 1f, float.NaN, 0f, 1f }, [2, 2]);
        Assert.Throws<ArgumentException>(() => new GatedGnn(4, nan).Dispose());
        using var rect = Tensor.Zeros([2, 3]);
        Assert.Throws<ArgumentException>(() => new GatedGnn(4, rect).Dispose());
    }

    [Test]
    public void Forward_and_backward_stay_finite_with_a_class_without_known_positives()
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(5);
        using var network = SsgrlParityTests.TinyNetwork(LabelAdjacency.FromKnownPositives(Labels));
        network.Train();
        var images = Tensor.Randn([2, 3, 128, 128]);
        using var output = network.Forward(images);
        Assert.That(output.Logits.Shape, Is.EqualTo(new long[] { 2, 4 }));
        Assert.That(output.Vectors.Shape, Is.EqualTo(new long[] { 2, 4, 16 }));
        Assert.That(output.Maps!.Shape, Is.EqualTo(new long[] { 2, 4, 4, 16 }));
        Assert.That(output.Attention.Shape, Is.EqualTo(new long[] { 2, 4, 4 }));
        Assert.That((output.GridHeight, output.GridWidth), Is.EqualTo((2, 2)));
        Assert.That(output.Logits.IsFinite().All().Item<bool>(), Is.True);
        (output.Logits.Sum() + output.Vectors.Square().Sum()).Backward();
        var trainable = network.NamedParameters().Where(p => p.Parameter.RequiresGrad).ToArray();
        Assert.That(trainable, Is.Not.Empty);
        foreach (var (name, p) in trainable)
        {
            Assert.That(p.Grad, Is.Not.Null, $"{name} got no gradient");
            Assert.That(p.Grad!.IsFinite().All().Item<bool>(), Is.True, $"{name}'s gradient is not finite");
        }
    }

    [Test]
    public void Classify_gives_the_forward_logits_from_maps_and_from_vectors()
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(6);
        using var network = SsgrlParityTests.TinyNetwork(LabelAdjacency.FromKnownPositives(Labels));
        network.Eval();
        using var noGrad = Autograd.NoGrad();
        using var output = network.Forward(Tensor.Randn([3, 3, 96, 96]));
        var fromVectors = network.Classify(output.Vectors);
        var fromMaps = network.Classify(output.Maps!);
        Assert.That((fromVectors - output.Logits).Abs().Max().Item<float>(), Is.Zero);
        Assert.That((fromMaps - output.Logits).Abs().Max().Item<float>(), Is.LessThan(1e-5f));
        Assert.Throws<ArgumentException>(() => network.Classify(Tensor.Zeros([3, 5, 16])));
        Assert.Throws<ArgumentException>(() => network.Classify(Tensor.Zeros([3, 4, 15])));
    }

    [Test]
    public void Early_stages_are_frozen_with_batch_norm_on_running_statistics_by_default()
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(7);
        using var network = SsgrlParityTests.TinyNetwork(LabelAdjacency.FromKnownPositives(Labels));
        network.Train();
        var frozenNames = new[] { "backbone.conv1.", "backbone.bn1.", "backbone.layer1.", "backbone.layer2.", "backbone.layer3.", "backbone.fc." };
        foreach (var (name, p) in network.NamedParameters())
        {
            var frozen = frozenNames.Any(f => name.StartsWith(f, StringComparison.Ordinal));
            Assert.That(p.RequiresGrad, Is.EqualTo(!frozen), name);
        }

        var before = network.StateDict().Where(kv => kv.Key.Contains("running_mean", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        using (network.Forward(Tensor.Randn([2, 3, 64, 64])))
        {
        }

        var after = network.StateDict();
        foreach (var (name, old) in before)
        {
            var changed = (after[name] - old).Abs().Max().Item<float>() > 0;
            var frozen = frozenNames.Any(f => name.StartsWith(f, StringComparison.Ordinal));
            Assert.That(changed, Is.EqualTo(!frozen), $"{name} {(frozen ? "must stay" : "must move")} in training mode");
        }
    }

    [Test]
    public void Without_freezing_the_whole_backbone_trains_except_its_unused_classifier()
    {
        using var network = SsgrlParityTests.TinyNetwork(
            LabelAdjacency.FromKnownPositives(Labels),
            SsgrlParityTests.TinyOptions with { FreezeEarlyStages = false });
        foreach (var (name, p) in network.NamedParameters())
        {
            Assert.That(p.RequiresGrad, Is.EqualTo(!name.StartsWith("backbone.fc.", StringComparison.Ordinal)), name);
        }

        Assert.That(network.Modules().OfType<BatchNorm2d>().Any(bn => bn.FrozenStatistics), Is.False);
    }

    [Test]
    public void Embeddings_are_learnable_and_seeded_by_default_and_fixed_when_given()
    {
        using var scope = DisposeScope.Enter();
        var adjacency = LabelAdjacency.FromKnownPositives(Labels);
        using var a = SsgrlParityTests.TinyNetwork(adjacency);
        using var b = SsgrlParityTests.TinyNetwork(adjacency);
        using var c = SsgrlParityTests.TinyNetwork(adjacency, SsgrlParityTests.TinyOptions with { EmbeddingSeed = 1 });
        Assert.That(a.WordFeatures.RequiresGrad, Is.True);
        Assert.That(a.WordFeatures.Shape, Is.EqualTo(new long[] { 4, 8 }));
        Assert.That(a.WordFeatures.ToArray<float>(), Is.EqualTo(b.WordFeatures.ToArray<float>()));
        Assert.That(a.WordFeatures.ToArray<float>(), Is.Not.EqualTo(c.WordFeatures.ToArray<float>()));

        var glove = Tensor.Randn([4, 5]);
        using var fixedWords = SsgrlParityTests.TinyNetwork(adjacency, embeddings: glove);
        Assert.That(fixedWords.WordFeatures.RequiresGrad, Is.False);
        Assert.That(fixedWords.WordFeatures.ToArray<float>(), Is.EqualTo(glove.ToArray<float>()));
        Assert.That(fixedWords.Decoupling.WordDim, Is.EqualTo(5));
        using var tuned = SsgrlParityTests.TinyNetwork(adjacency, SsgrlParityTests.TinyOptions with { TrainGivenEmbeddings = true }, glove);
        Assert.That(tuned.WordFeatures.RequiresGrad, Is.True);

        var e = Assert.Throws<ArgumentException>(() => SsgrlParityTests.TinyNetwork(adjacency, embeddings: Tensor.Zeros([3, 5])).Dispose());
        Assert.That(e!.Message, Does.Contain("[4, d]"));
    }

    [Test]
    public void Bad_inputs_get_clear_errors()
    {
        using var scope = DisposeScope.Enter();
        using var network = SsgrlParityTests.TinyNetwork(LabelAdjacency.FromKnownPositives(Labels));
        var e = Assert.Throws<ArgumentException>(() => network.Forward(Tensor.Zeros([2, 1, 64, 64])));
        Assert.That(e!.Message, Does.Contain("[2, 1, 64, 64]"));
        Assert.Throws<ArgumentException>(() => network.ForwardFeatureMap(Tensor.Zeros([2, 31, 4, 4])));
        using var decoupling = new SemanticDecoupling(16, 8, 12);
        Assert.Throws<ArgumentException>(() => decoupling.Forward((Tensor.Zeros([2, 9, 15]), Tensor.Zeros([4, 8]))));
        Assert.Throws<ArgumentException>(() => decoupling.Forward((Tensor.Zeros([2, 9, 16]), Tensor.Zeros([4, 7]))));
    }
}
