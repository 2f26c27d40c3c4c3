using Srn.Models;
using Srn.PartialLabels.Blending;
using Srn.PartialLabels.Network;
using Srn.Tests.Fixtures;
using Srn.Torch;

namespace Srn.Tests.PartialLabels;

/// <summary>
/// The shared SSGRL network and the contrastive term against a PyTorch re-implementation of HCP-MLR-PL's modules
/// (Fixtures/PartialLabels/make_ssgrl_fixtures.py): outputs and the gradients of inputs and parameters.
/// </summary>
[TestFixture]
public sealed class SsgrlParityTests
{
    private SsgrlFixture fixture = null!;

    [OneTimeSetUp]
    public void Load() => fixture = new SsgrlFixture();

    [OneTimeTearDown]
    public void Unload() => fixture.Dispose();

    [Test]
    public void Adjacency_matches_the_reference_graph_with_a_zero_row_for_a_class_without_positives()
    {
        using var scope = DisposeScope.Enter();
        var labels = LabelMatrix(fixture["labels"]);
        var a = LabelAdjacency.FromKnownPositives(labels);
        ParityFixture.AssertClose(a, fixture["adjacency"], 0, 1e-7, "adjacency");
        Assert.That(a.Index(3).Abs().Sum().Item<float>(), Is.Zero, "class 3 has no known positive");
    }

    [Test]
    public void SemanticDecoupling_matches_PyTorch()
    {
        using var scope = DisposeScope.Enter();
        using var module = new SemanticDecoupling(16, 8, 12);
        module.LoadStateDict(fixture.Group("decoupling/sd"));
        var inputs = fixture.Inputs("decoupling");
        using var output = module.Forward((inputs["features"], inputs["words"]));
        fixture.Check("decoupling", module, inputs, new Dictionary<string, Tensor>
        {
            ["vectors"] = output.Vectors,
            ["maps"] = output.Maps!,
            ["attention"] = output.Attention,
        });
    }

    [Test]
    public void SemanticDecoupling_without_maps_gives_the_same_vectors()
    {
        using var scope = DisposeScope.Enter();
        using var module = new SemanticDecoupling(16, 8, 12) { ComputeMaps = false };
        module.LoadStateDict(fixture.Group("decoupling/sd"));
        var inputs = fixture.Inputs("decoupling");
        using var output = module.Forward((inputs["features"], inputs["words"]));
        Assert.That(output.Maps, Is.Null);
        ParityFixture.AssertClose(output.Vectors, fixture["decoupling/out/vectors"], 1e-4, 1e-5, "vectors");
    }

    [Test]
    public void GatedGnn_matches_PyTorch()
    {
        using var scope = DisposeScope.Enter();
        using var module = new GatedGnn(16, fixture["adjacency"]);
        module.LoadStateDict(fixture.Group("gnn/sd"));
        var inputs = fixture.Inputs("gnn");
        fixture.Check("gnn", module, inputs, new Dictionary<string, Tensor> { ["hidden"] = module.Forward(inputs["nodes"]) });
    }

    [Test]
    public void SsgrlHead_matches_PyTorch()
    {
        using var scope = DisposeScope.Enter();
        using var module = new SsgrlHead(4, 16, 16);
        module.LoadStateDict(fixture.Group("head/sd"));
        var inputs = fixture.Inputs("head");
        fixture.Check("head", module, inputs, new Dictionary<string, Tensor> { ["logits"] = module.Forward((inputs["hidden"], inputs["vectors"])) });
    }

    [Test]
    public void Network_after_the_backbone_matches_PyTorch_in_training_mode()
    {
        using var scope = DisposeScope.Enter();
        using var network = TinyNetwork(LabelAdjacency.FromKnownPositives(LabelMatrix(fixture["labels"])));
        var load = network.LoadStateDict(fixture.Group("network/sd"), strict: false);
        Assert.That(load.UnexpectedKeys, Is.Empty);
        Assert.That(load.MissingKeys, Has.All.StartsWith("backbone."));
        network.Train();
        var inputs = fixture.Inputs("network");
        using var output = network.ForwardFeatureMap(inputs["layer4"]);
        Assert.That((output.GridHeight, output.GridWidth), Is.EqualTo((3, 3)));
        network.Backbone.RequiresGrad(false); // the case covers what follows layer4
        fixture.Check("network", network, inputs, new Dictionary<string, Tensor>
        {
            ["logits"] = output.Logits,
            ["vectors"] = output.Vectors,
            ["maps"] = output.Maps!,
            ["attention"] = output.Attention,
        });
        var state = network.StateDict();
        foreach (var (key, after) in fixture.Group("network/after"))
        {
            ParityFixture.AssertClose(state[key], after, 1e-5, 1e-6, $"{key} after the forward pass");
        }
    }

    [Test]
    public void ContrastiveLoss_matches_the_reference_when_its_random_part_is_the_whole_group()
    {
        using var scope = DisposeScope.Enter();
        var vectors = fixture["contrastive/in/vectors"].Clone().RequiresGrad_();
        var loss = ContrastiveLoss.Compute(vectors, fixture["contrastive/in/targets"], new Random(3));
        ParityFixture.AssertClose(loss, fixture["contrastive/out/loss"], 1e-5, 1e-6, "loss");
        loss.Backward();
        ParityFixture.AssertClose(vectors.Grad!, fixture["contrastive/grad/vectors"], 1e-4, 1e-6, "gradient");
    }

    internal static SsgrlNetwork TinyNetwork(Tensor adjacency, SsgrlNetworkOptions? options = null, Tensor? embeddings = null)
    {
        var backbone = new ResNet(new ResNetConfig(ResNetBlock.Basic, [1, 1, 1, 1], 8, [8, 8, 16, 32]), numClasses: 5);
        return new SsgrlNetwork(backbone, adjacency, options ?? TinyOptions, embeddings);
    }

    internal static SsgrlNetworkOptions TinyOptions { get; } = new() { FeatureDim = 16, IntermediateDim = 12, OutputDim = 16, EmbeddingDim = 8 };

    internal static sbyte[,] LabelMatrix(Tensor labels)
    {
        var values = labels.ToArray<sbyte>();
        var c = (int)labels.Size(1);
        var result = new sbyte[labels.Size(0), c];
        for (var i = 0; i < values.Length; i++)
        {
            result[i / c, i % c] = values[i];
        }

        return result;
    }
}
