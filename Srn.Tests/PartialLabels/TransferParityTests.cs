using Srn.PartialLabels.Blending;
using Srn.PartialLabels.Methods;
using Srn.PartialLabels.Transfer;
using Srn.Tests.Fixtures;
using Srn.Torch;
using Srn.Training;

namespace Srn.Tests.PartialLabels;

/// <summary>
/// SST's and HST's parts and one training step of each against a PyTorch re-implementation of HCP-MLR-PL's code
/// (Fixtures/PartialLabels/make_transfer_fixtures.py): forward outputs, pseudo labels, loss terms and gradients.
/// </summary>
[TestFixture]
public sealed class TransferParityTests
{
    private SsgrlFixture fixture = null!;

    [OneTimeSetUp]
    public void Load() => fixture = new SsgrlFixture("transfer.safetensors");

    [OneTimeTearDown]
    public void Unload() => fixture.Dispose();

    [Test]
    public void Cooccurrence_branch_matches_PyTorch()
    {
        using var scope = DisposeScope.Enter();
        using var head = new CooccurrenceHead(4, 16, 12, 16);
        Assert.That(head.NumPairs, Is.EqualTo(6));
        head.LoadStateDict(fixture.Group("cooccurrence/sd"));
        var inputs = fixture.Inputs("cooccurrence");
        fixture.Check("cooccurrence", head, inputs, new Dictionary<string, Tensor> { ["pairs"] = head.Forward(inputs["vectors"]) });
    }

    [Test]
    public void Cooccurrence_loss_matches_the_reference_value_and_gradient()
    {
        using var scope = DisposeScope.Enter();
        var pairs = fixture["cooccurrence_loss/in/pairs"].Clone().RequiresGrad_();
        var loss = new CooccurrenceLoss().Compute(pairs, fixture["cooccurrence_loss/in/targets"]);
        ParityFixture.AssertClose(loss, fixture["cooccurrence_loss/out/loss"], 1e-5, 1e-6, "loss");
        loss.Backward();
        ParityFixture.AssertClose(pairs.Grad!, fixture["cooccurrence_loss/grad/pairs"], 1e-4, 1e-7, "gradient");
    }

    [Test]
    public void Sst_memory_keeps_the_newest_known_positives_first_as_updateFeature()
    {
        using var scope = DisposeScope.Enter();
        using var bank = new PositiveFeatureBank(4, 3, 16);
        Assert.That(bank.Features.Abs().Sum().Item<float>(), Is.Zero, "empty at first");
        bank.Update(fixture["sst_bank/in/vectors1"], fixture["sst_bank/in/targets1"]);
        ParityFixture.AssertClose(bank.Features, fixture["sst_bank/out/bank1"], 0, 0, "after one batch");
        bank.Update(fixture["sst_bank/in/vectors2"], fixture["sst_bank/in/targets2"]);
        ParityFixture.AssertClose(bank.Features, fixture["sst_bank/out/bank2"], 0, 0, "after two batches (class 0 overflows)");
        Assert.That(bank.StateDict().Keys, Is.EquivalentTo(new[] { "features" }), "a persistent buffer: checkpoints keep it");
    }

    [Test]
    public void Sst_hard_pseudo_labels_match_the_reference_and_a_margin_of_one_gives_none()
    {
        using var scope = DisposeScope.Enter();
        var targets = fixture["sst_pseudo/in/targets"];
        var margins = fixture["sst_pseudo/in/margins"].ToArray<double>();
        var intra = SemanticTransfer.IntraScores(fixture["sst_pseudo/in/pairs"], targets);
        var cross = SemanticTransfer.CrossScores(fixture["sst_pseudo/in/vectors"], fixture["sst_pseudo/in/memory"]);
        ParityFixture.AssertClose(intra, fixture["sst_pseudo/out/intra_scores"], 1e-5, 1e-6, "intra-image scores");
        ParityFixture.AssertClose(Tensor.Where(targets.Eq(0.0), cross, 0.0), fixture["sst_pseudo/out/inter_scores"], 1e-5, 1e-6, "cross-image scores at unknown entries");
        ParityFixture.AssertClose(PseudoLabels.Hard(intra, targets, margins[0]), fixture["sst_pseudo/out/intra"], 0, 0, "intra-image");
        ParityFixture.AssertClose(PseudoLabels.Hard(cross, targets, margins[1]), fixture["sst_pseudo/out/inter"], 0, 0, "cross-image");
        ParityFixture.AssertClose(PseudoLabels.Hard(intra, targets, 1.0), fixture["sst_pseudo/out/intra_at_1"], 0, 0, "intra-image at margin 1");
        ParityFixture.AssertClose(PseudoLabels.Hard(cross, targets, 1.0), fixture["sst_pseudo/out/inter_at_1"], 0, 0, "cross-image at margin 1");
    }

    [Test]
    public void Hst_soft_pseudo_labels_and_their_gradients_match_the_reference()
    {
        using var scope = DisposeScope.Enter();
        var inputs = fixture.Inputs("hst_pseudo");
        var targets = inputs["targets"];
        var intra = PseudoLabels.Soft(SemanticTransfer.IntraScores(inputs["pairs"], targets), inputs["intra_margin"]);
        var inter = PseudoLabels.Soft(SemanticTransfer.CrossScores(inputs["vectors"], inputs["prototypes"], [3, 3, 3, 3]), inputs["inter_margin"]);
        ParityFixture.AssertClose(PseudoLabels.Complete(targets, intra), fixture["hst_pseudo/out/intra_target"], 0, 0, "completed targets, intra");
        ParityFixture.AssertClose(PseudoLabels.Complete(targets, inter), fixture["hst_pseudo/out/inter_target"], 0, 0, "completed targets, cross");
        ParityFixture.AssertClose(intra, fixture["hst_pseudo/out/intra"], 1e-5, 1e-6, "intra-image");
        ParityFixture.AssertClose(inter, fixture["hst_pseudo/out/inter"], 1e-5, 1e-6, "cross-image");
        ((intra * fixture["hst_pseudo/gout/intra"]).Sum() + (inter * fixture["hst_pseudo/gout/inter"]).Sum()).Backward();
        foreach (var name in new[] { "pairs", "vectors", "intra_margin", "inter_margin" })
        {
            ParityFixture.AssertClose(inputs[name].Grad!, fixture[$"hst_pseudo/grad/{name}"], 1e-4, 1e-6, $"gradient of {name}");
        }
    }

    [Test]
    public void Hst_prototype_contrastive_term_matches_the_reference_sign_and_pull_flips_it()
    {
        using var scope = DisposeScope.Enter();
        using var prototypes = new KMeansPrototypes(fixture["prototype_contrastive/in/prototypes"].Clone(), [3, 3, 3, 3]);
        var vectors = fixture["prototype_contrastive/in/vectors"].Clone().RequiresGrad_();
        var targets = fixture["prototype_contrastive/in/targets"];
        var loss = PrototypeContrastiveLoss.Compute(vectors, targets, prototypes);
        ParityFixture.AssertClose(loss, fixture["prototype_contrastive/out/loss"], 1e-5, 1e-6, "loss");
        loss.Backward();
        ParityFixture.AssertClose(vectors.Grad!, fixture["prototype_contrastive/grad/vectors"], 1e-4, 1e-7, "gradient");

        // 1 + m and 1 - m average to 1 (the mean signed similarity m cancels).
        var pull = PrototypeContrastiveLoss.Compute(vectors.Detach(), targets, prototypes, pull: true);
        Assert.That(pull.Item<float>() + loss.Item<float>(), Is.EqualTo(2f).Within(1e-5f));
    }

    [Test]
    public void Sst_training_step_matches_the_reference_terms_and_gradients()
    {
        using var scope = DisposeScope.Enter();
        var margins = fixture["sst_step/in/margins"].ToArray<double>();
        using var method = StepMethod("sst", ("intra_margin", margins[0]), ("inter_margin", margins[1]), ("bank_size", 3));
        var net = method.Network;
        var load = net.LoadStateDict(fixture.Group("sst_step/sd"), strict: false);
        Assert.That(load.UnexpectedKeys, Is.Empty);
        Assert.That(load.MissingKeys.Where(k => !k.StartsWith("net.backbone.", StringComparison.Ordinal)), Is.EqualTo(new[] { "bank.features" }));
        net.Bank!.Features.Copy_(fixture["sst_step/in/memory"]);
        var (terms, inputs, pairs, vectors) = Step(method);
        var targets = inputs["targets"];
        ParityFixture.AssertClose(net.Bank.Features, fixture["sst_step/out/memory_after"], 1e-5, 1e-6, "memory after the batch");
        ParityFixture.AssertClose(PseudoLabels.Hard(SemanticTransfer.IntraScores(pairs, targets), targets, margins[0]), fixture["sst_step/out/intra_target"], 0, 0, "intra-image pseudo labels");
        ParityFixture.AssertClose(PseudoLabels.Hard(SemanticTransfer.CrossScores(vectors, net.Bank.Features), targets, margins[1]), fixture["sst_step/out/inter_target"], 0, 0, "cross-image pseudo labels");
        Assert.That(terms.Prototype, Is.Null);
        CheckStep("sst_step", method, terms, inputs);
    }

    [Test]
    public void Hst_training_step_matches_the_reference_terms_and_gradients()
    {
        using var scope = DisposeScope.Enter();
        using var method = StepMethod("hst");
        var load = method.Network.LoadStateDict(fixture.Group("hst_step/sd"), strict: false);
        Assert.That(load.UnexpectedKeys, Is.Empty);
        Assert.That(load.MissingKeys, Has.All.StartsWith("net.backbone."));
        method.LoadExtraState(new Dictionary<string, Tensor>
        {
            ["kmeans.prototypes"] = fixture["hst_step/in/prototypes"],
            ["kmeans.clusters"] = Tensor.FromArray(new long[] { 3, 3, 3, 3 }),
        });
        var (terms, inputs, _, _) = Step(method);
        CheckStep("hst_step", method, terms, inputs);
    }

    // The method at the fixture's tiny sizes, its pseudo labels on from epoch 1 (so the step at epoch 1 has them, unramped).
    private SemanticTransferMethod StepMethod(string name, params (string Key, double Value)[] options)
    {
        var all = new Dictionary<string, string>
        {
            ["feature_dim"] = "16", ["intermediate_dim"] = "12", ["embedding_dim"] = "8", ["transfer_start"] = "1",
        };
        foreach (var (key, value) in options)
        {
            all[key] = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }

        return (SemanticTransferMethod)MethodCatalog.Create(new MethodSetup
        {
            Method = name, Backbone = "resnet-small", ClassNames = ["c0", "c1", "c2", "c3"], ImageSize = 64, Epochs = 4, Seed = 0,
            TrainLabels = SsgrlParityTests.LabelMatrix(fixture["labels"]), Options = all,
        });
    }

    private (TransferLosses Terms, Dictionary<string, Tensor> Inputs, Tensor Pairs, Tensor Vectors) Step(SemanticTransferMethod method)
    {
        var name = method.Variant == TransferVariant.Sst ? "sst_step" : "hst_step";
        var net = method.Network;
        net.Train();
        net.Net.Backbone.RequiresGrad(false); // the case covers what follows layer4
        var inputs = fixture.Inputs(name);
        var output = net.Net.ForwardFeatureMap(inputs["layer4"]);
        var pairs = net.Cooccurrence.Forward(output.Vectors);
        net.Bank?.Update(output.Vectors, inputs["targets"]);
        ParityFixture.AssertClose(output.Logits, fixture[$"{name}/out/logits"], 1e-4, 1e-5, "logits");
        ParityFixture.AssertClose(pairs, fixture[$"{name}/out/pairs"], 1e-4, 1e-5, "pair logits");
        ParityFixture.AssertClose(output.Vectors, fixture[$"{name}/out/vectors"], 1e-4, 1e-5, "category vectors");
        var terms = method.Losses(output.Logits, pairs, output.Vectors, inputs["targets"], epoch: 1, ramp: 1, new Random(5));
        return (terms, inputs, pairs, output.Vectors);
    }

    private void CheckStep(string name, SemanticTransferMethod method, TransferLosses terms, Dictionary<string, Tensor> inputs)
    {
        var expected = new Dictionary<string, Tensor?>
        {
            ["total"] = terms.Total, ["classification"] = terms.Classification, ["intra"] = terms.Intra, ["inter"] = terms.Inter,
            ["cooccurrence"] = terms.Cooccurrence, ["contrastive"] = terms.Contrastive, ["prototype"] = terms.Prototype,
        };
        foreach (var (key, value) in expected.Where(kv => kv.Key != "prototype" || method.Variant == TransferVariant.Hst))
        {
            Assert.That(value, Is.Not.Null, key);
            ParityFixture.AssertClose(value!, fixture[$"{name}/out/{key}"], 1e-4, 1e-6, $"{name}: {key}");
        }

        terms.Total.Backward();
        ParityFixture.AssertClose(inputs["layer4"].Grad!, fixture[$"{name}/grad/layer4"], 1e-3, 1e-6, $"{name}: gradient of layer4");
        var parameters = method.Network.NamedParameters().Where(p => p.Parameter.RequiresGrad).ToDictionary(p => p.Name, p => p.Parameter);
        var grads = fixture.Group($"{name}/pgrad");
        Assert.That(parameters.Keys, Is.EquivalentTo(grads.Keys), "trainable parameters");
        foreach (var (key, grad) in grads)
        {
            ParityFixture.AssertClose(parameters[key].Grad!, grad, 1e-3, 1e-6, $"{name}: gradient of {key}");
        }

        var state = method.Network.StateDict();
        foreach (var (key, after) in fixture.Group($"{name}/after"))
        {
            ParityFixture.AssertClose(state[key], after, 1e-5, 1e-6, $"{name}: {key} after the forward pass");
        }
    }
}
