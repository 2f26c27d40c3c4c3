using Srn.PartialLabels.Blending;
using Srn.PartialLabels.Methods;
using Srn.PartialLabels.Transfer;
using Srn.Torch;
using Srn.Training;

namespace Srn.Tests.PartialLabels;

/// <summary>
/// SST and HST as trainer methods: training with a class without known positives, no native leak, exact resume, what
/// each option switches, and the refusal of bad options.
/// </summary>
[TestFixture]
[NonParallelizable] // counts live tensors
public sealed class SemanticTransferMethodTests
{
    private static readonly string[] Classes = ["c0", "c1", "c2", "c3"];

    [TestCase("sst")]
    [TestCase("hst")]
    public void Trains_with_a_class_without_known_positives_and_no_nan(string name)
    {
        var (train, labels) = BlendingMethodTests.PartialTrain();
        using var scope = DisposeScope.Enter();
        using var method = (SemanticTransferMethod)MethodCatalog.Create(Setup(name, labels));
        var history = Trainer.Fit(method, BlendingMethodTests.Data(train, labels), BlendingMethodTests.Options());

        Assert.That(history, Has.Count.EqualTo(3));
        Assert.That(history.Select(h => h.TrainLoss), Has.All.Matches<double>(double.IsFinite));
        Assert.That(history[^1].Metrics!.Map, Is.InRange(0.0, 100.0));
        foreach (var (parameterName, parameter) in method.Model.NamedParameters())
        {
            Assert.That(parameter.IsFinite().All().Item<bool>(), Is.True, parameterName);
        }

        if (name == "sst")
        {
            var bank = method.Network.Bank!.Features;
            Assert.That(bank.Index(0).Abs().Sum().Item<float>(), Is.Zero, "class 0 has no known positive: its memory stays empty");
            Assert.That(bank.Index(1).Abs().Sum().Item<float>(), Is.GreaterThan(0f), "known positives of class 1 are remembered");
            Assert.That(method.Prototypes, Is.Null);
        }
        else
        {
            Assert.That(method.Prototypes, Is.Not.Null, "prototypes are built from epoch transfer_start");
            Assert.That(method.Prototypes!.IsPresent(0), Is.False, "class 0 has no known positive: no prototype");
            var (intra, inter) = method.Margins(2);
            Assert.That(intra, Is.Not.EqualTo(1.0), "the intra-image margin is trained");
            Assert.That(inter, Is.Not.EqualTo(1.0), "the cross-image margin is trained");
        }
    }

    [TestCase("sst")]
    [TestCase("hst")]
    public void A_training_step_leaks_no_tensor(string name)
    {
        LibTorch.ManualSeed(11);
        var labels = new sbyte[,] { { 1, 0, -1, 0 }, { 0, 1, 1, 0 }, { 1, 1, 0, 0 }, { -1, 0, 1, 0 } };
        using var method = (SemanticTransferMethod)MethodCatalog.Create(Setup(name, labels, ("transfer_start", "0"), ("intra_margin", "0.3"), ("inter_margin", "0.1")));
        var net = method.Network;
        using var images = Tensor.Randn([4, 3, 64, 64]);
        using var targets = Tensor.FromArray(new float[] { 1, 0, -1, 0, 0, 1, 1, 0, 1, 1, 0, 0, -1, 0, 1, 0 }, [4, 4]);
        if (name == "hst")
        {
            LoadPrototypes(method, images, targets);
        }

        net.Train();
        var rng = new Random(3);
        long before = 0;
        for (var step = 0; step < 8; step++)
        {
            if (step == 3)
            {
                before = LiveTensors.Settled();
            }

            using var scope = DisposeScope.Enter();
            using var output = net.Net.Forward(images);
            var pairs = net.Cooccurrence.Forward(output.Vectors);
            net.Bank?.Update(output.Vectors, targets);
            using var terms = method.Losses(output.Logits, pairs, output.Vectors, targets, epoch: 1, ramp: 1, rng);
            Assert.That(float.IsFinite(terms.Total.Item<float>()), Is.True, $"step {step}");
            Assert.That(terms.Intra, Is.Not.Null);
            net.ZeroGrad();
            terms.Total.Backward();
            if (step == 0)
            {
                var trainable = method.Stages[0].Groups.SelectMany(g => g.Parameters).ToList();
                Assert.That(trainable.Where(p => !ReferenceEquals(p, net.Net.WordFeatures)).All(p => p.Grad is not null), Is.True, "every trained parameter gets a gradient");
            }
        }

        Assert.That(LiveTensors.Settled(), Is.EqualTo(before), "live native tensors must not grow across steps");
    }

    [TestCase("sst")]
    [TestCase("hst")]
    public void Training_three_epochs_equals_stopping_after_two_and_resuming_bit_for_bit(string name)
    {
        var dir = Directory.CreateTempSubdirectory($"srn-{name}-resume-").FullName;
        try
        {
            var (train, labels) = BlendingMethodTests.PartialTrain();
            using var scope = DisposeScope.Enter();
            using var straight = MethodCatalog.Create(Setup(name, labels));
            var full = Trainer.Fit(straight, BlendingMethodTests.Data(train, labels), BlendingMethodTests.Options(Path.Combine(dir, "a.safetensors")));

            // Stopped after epoch 2: SST's memory (a buffer) and HST's prototypes and margins must come back.
            using var cancel = new CancellationTokenSource();
            using (var first = MethodCatalog.Create(Setup(name, labels)))
            {
                var options = BlendingMethodTests.Options(Path.Combine(dir, "b.safetensors")) with { EpochFinished = r => { if (r.Epoch == 2) cancel.Cancel(); } };
                Assert.Catch<OperationCanceledException>(() => Trainer.Fit(first, BlendingMethodTests.Data(train, labels), options, cancel.Token));
            }

            using var resumed = MethodCatalog.Create(Setup(name, labels));
            var rest = Trainer.Fit(resumed, BlendingMethodTests.Data(train, labels), BlendingMethodTests.Options(Path.Combine(dir, "b.safetensors"), resume: true));

            Assert.That(rest.Select(r => r.TrainLoss), Is.EqualTo(full.Select(r => r.TrainLoss)));
            Assert.That(rest.Select(r => r.Metrics!.Map), Is.EqualTo(full.Select(r => r.Metrics!.Map)));
            var a = straight.Model.StateDict();
            var b = resumed.Model.StateDict();
            Assert.That(b.Keys, Is.EquivalentTo(a.Keys));
            foreach (var key in a.Keys)
            {
                Assert.That(b[key].To(ScalarType.Float64).ToArray<double>(), Is.EqualTo(a[key].To(ScalarType.Float64).ToArray<double>()), key);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Sst_margins_follow_the_reference_schedule()
    {
        double[] expected = [0.95, 0.95, 0.925, 0.9, 0.875, 0.85, 0.825, 0.8, 0.775, 0.75, 0.75];
        var actual = Enumerable.Range(0, expected.Length).Select(e => SemanticTransferMethod.ScheduledMargin(0.95, e, 1, 0.025, 0.75));
        Assert.That(actual, Is.EqualTo(expected).Within(1e-12));
        Assert.That(SemanticTransferMethod.ScheduledMargin(0.7, 5, 5, 0.025, 0.75), Is.EqualTo(0.7), "the start value holds in E0");
        Assert.That(SemanticTransferMethod.ScheduledMargin(0.7, 6, 5, 0.025, 0.75), Is.EqualTo(0.75), "max(0.75, m - 0.025) raises a lower start");

        var (_, labels) = BlendingMethodTests.PartialTrain();
        using var method = (SemanticTransferMethod)MethodCatalog.Create(Setup("sst", labels, ("intra_margin", "0.9"), ("margin_step", "0.1"), ("margin_floor", "0.6")));
        Assert.That(method.Margins(3).Intra, Is.EqualTo(0.7).Within(1e-12), "options intra_margin, margin_step and margin_floor");
        Assert.That(method.Margins(3).Inter, Is.EqualTo(0.75).Within(1e-12), "inter_margin keeps its default 0.95");
    }

    [Test]
    public void Sst_terms_switch_with_the_epoch_the_weights_and_the_margins()
    {
        var (_, labels) = BlendingMethodTests.PartialTrain();
        using var scope = DisposeScope.Enter();
        var (logits, pairs, vectors, targets) = RandomOutputs();
        using var sst = (SemanticTransferMethod)MethodCatalog.Create(Setup("sst", labels, ("intra_margin", "0.2"), ("inter_margin", "0.2")));
        using (var before = sst.Losses(logits, pairs, vectors, targets, epoch: 0, ramp: 0.5, new Random(1)))
        using (var after = sst.Losses(logits, pairs, vectors, targets, epoch: 1, ramp: 1, new Random(1)))
        {
            Assert.That((before.Intra, before.Inter), Is.EqualTo(((Tensor?)null, (Tensor?)null)), "no pseudo labels before transfer_start");
            Assert.That(after.Intra, Is.Not.Null);
            Assert.That(after.Inter, Is.Not.Null);
            Assert.That(before.Cooccurrence!.Item<float>() * 2, Is.EqualTo(after.Cooccurrence!.Item<float>()).Within(1e-5f), "the ramp scales the co-occurrence term");
        }

        using var off = (SemanticTransferMethod)MethodCatalog.Create(Setup("sst", labels, ("intra_margin", "1"), ("inter_weight", "0"), ("cooccurrence_weight", "0"), ("contrastive_weight", "0")));
        using (var terms = off.Losses(logits, pairs, vectors, targets, epoch: 1, ramp: 1, new Random(1)))
        {
            Assert.That(new[] { terms.Intra, terms.Inter, terms.Cooccurrence, terms.Contrastive }, Has.All.Null, "margin 1 and zero weights switch the terms off");
            Assert.That(terms.Total.Item<float>(), Is.EqualTo(terms.Classification.Item<float>()));
        }

        using var heavy = (SemanticTransferMethod)MethodCatalog.Create(Setup("sst", labels, ("intra_margin", "0.2"), ("inter_margin", "0.2"), ("intra_weight", "3")));
        using var light = sst.Losses(logits, pairs, vectors, targets, epoch: 1, ramp: 1, new Random(1));
        using var scaled = heavy.Losses(logits, pairs, vectors, targets, epoch: 1, ramp: 1, new Random(1));
        Assert.That(scaled.Intra!.Item<float>(), Is.EqualTo(3 * light.Intra!.Item<float>()).Within(1e-5f), "intra_weight");
    }

    [Test]
    public void Hst_options_switch_margin_learning_their_decay_and_the_prototype_sign()
    {
        var (_, labels) = BlendingMethodTests.PartialTrain();
        using var scope = DisposeScope.Enter();
        using var learnt = (SemanticTransferMethod)MethodCatalog.Create(Setup("hst", labels));
        Assert.That(learnt.Network.IntraMargin!.RequiresGrad && learnt.Network.InterMargin!.RequiresGrad, Is.True);
        Assert.That(learnt.Stages[0].Groups, Has.Count.EqualTo(2));
        Assert.That(learnt.Stages[0].Groups[1].Parameters, Is.EqualTo(new[] { learnt.Network.IntraMargin, learnt.Network.InterMargin }));
        Assert.That(learnt.Stages[0].Groups[1].WeightDecay, Is.Null, "the margins decay as the rest, as in the reference");
        Assert.That(learnt.Margins(0), Is.EqualTo((1.0, 1.0)), "the reference starts both margins at 1");

        using var fixedIntra = (SemanticTransferMethod)MethodCatalog.Create(Setup("hst", labels, ("learn_intra_margin", "false"), ("intra_margin", "0.4"), ("decay_margins", "false")));
        Assert.That(fixedIntra.Network.IntraMargin!.RequiresGrad, Is.False);
        Assert.That(fixedIntra.Stages[0].Groups[1].Parameters, Is.EqualTo(new[] { fixedIntra.Network.InterMargin }));
        Assert.That(fixedIntra.Stages[0].Groups[1].WeightDecay, Is.EqualTo(0.0));
        Assert.That(fixedIntra.Margins(0).Intra, Is.EqualTo(0.4).Within(1e-7));

        using var fixedBoth = (SemanticTransferMethod)MethodCatalog.Create(Setup("hst", labels, ("learn_intra_margin", "false"), ("learn_inter_margin", "false")));
        Assert.That(fixedBoth.Stages[0].Groups, Has.Count.EqualTo(1), "no margin group when neither margin learns");

        var (logits, pairs, vectors, targets) = RandomOutputs();
        using var images = Tensor.Randn([4, 3, 64, 64]);
        using var pull = (SemanticTransferMethod)MethodCatalog.Create(Setup("hst", labels, ("prototype_contrast", "pull")));
        LoadPrototypes(learnt, images, targets);
        LoadPrototypes(pull, images, targets);
        using var reference = learnt.Losses(logits, pairs, vectors, targets, epoch: 1, ramp: 1, new Random(1));
        using var pulled = pull.Losses(logits, pairs, vectors, targets, epoch: 1, ramp: 1, new Random(1));
        Assert.That(reference.Prototype!.Item<float>() + pulled.Prototype!.Item<float>(), Is.EqualTo(0.1f).Within(1e-6f), "0.05 (1 + m) + 0.05 (1 - m)");
        Assert.That(reference.Prototype.Item<float>(), Is.Not.EqualTo(pulled.Prototype.Item<float>()));
    }

    [Test]
    public void Hst_prototype_count_is_the_number_of_k_means_centres()
    {
        var (train, labels) = BlendingMethodTests.PartialTrain();
        using var scope = DisposeScope.Enter();
        using var method = (SemanticTransferMethod)MethodCatalog.Create(Setup("hst", labels, ("prototype_count", "2"), ("transfer_start", "0")) with { Epochs = 1 });
        Trainer.Fit(method, BlendingMethodTests.Data(train, labels), BlendingMethodTests.Options());
        Assert.That(method.Prototypes!.MaxClusters, Is.EqualTo(2));
        Assert.That(Enumerable.Range(1, 3).Select(method.Prototypes.ClusterCount), Has.All.EqualTo(2));
    }

    [Test]
    public void Cross_scores_average_only_a_class_s_valid_references_and_give_zero_without_any()
    {
        using var scope = DisposeScope.Enter();
        var vectors = Tensor.FromArray(new float[] { 1, 0, 0, 1 }, [1, 2, 2]);                      // f_0 = (1, 0), f_1 = (0, 1)
        var references = Tensor.FromArray(new float[] { 1, 0, 0, 1, 5, 5, 2, 0 }, [2, 2, 2]);      // class 0: (1,0), (0,1); class 1: (5,5), (2,0)
        var all = SemanticTransfer.CrossScores(vectors, references).ToArray<float>();
        Assert.That(all, Is.EqualTo(new[] { 0.5f, (float)(Math.Sqrt(0.5) / 2) }).Within(1e-6f));
        var counted = SemanticTransfer.CrossScores(vectors, references, [1, 0]).ToArray<float>();
        Assert.That(counted, Is.EqualTo(new[] { 1f, 0f }).Within(1e-6f));
    }

    [Test]
    public void Intra_scores_are_the_mean_cooccurrence_with_the_known_positives()
    {
        using var scope = DisposeScope.Enter();
        // C = 3, pairs (0,1), (0,2), (1,2) with probabilities 0.8, 0.2, 0.6; image 0 knows class 0 positive, image 1 knows
        // classes 0 and 1, image 2 knows no positive.
        var pairs = Tensor.FromArray(new[] { 0.8, 0.2, 0.6 }.Select(p => (float)Math.Log(p / (1 - p))).ToArray(), [1, 3]).Expand(3, 3);
        var targets = Tensor.FromArray(new float[] { 1, 0, -1, 1, 1, 0, 0, -1, 0 }, [3, 3]);
        var scores = SemanticTransfer.IntraScores(pairs, targets).ToArray<float>();
        Assert.That(scores, Is.EqualTo(new[] { 1f, 0.8f, 0.2f, 0.9f, 0.9f, 0.4f, 0f, 0f, 0f }).Within(1e-6f));
    }

    [TestCase("sst", "intra_margin", "1.5")]
    [TestCase("sst", "bank_size", "0")]
    [TestCase("sst", "bank_size", "2.5")]
    [TestCase("sst", "intra_weight", "-1")]
    [TestCase("hst", "prototype_contrast", "push")]
    [TestCase("hst", "prototype_count", "0")]
    [TestCase("hst", "prototype_transform", "random")]
    [TestCase("hst", "recompute_prototypes", "sometimes")]
    [TestCase("hst", "transfer_start", "-1")]
    public void A_bad_option_value_is_refused_naming_the_option(string name, string option, string value)
    {
        var (_, labels) = BlendingMethodTests.PartialTrain();
        var error = Assert.Throws<ArgumentException>(() => MethodCatalog.Create(Setup(name, labels, (option, value))));
        Assert.That(error!.Message, Does.Contain(option).And.Contain(value).And.Not.Contain("\n"));
    }

    [TestCase("sst", "prototype_count")]
    [TestCase("hst", "bank_size")]
    [TestCase("sst", "top_k")]
    public void An_option_of_another_method_is_refused(string name, string option)
    {
        var (_, labels) = BlendingMethodTests.PartialTrain();
        var error = Assert.Throws<ArgumentException>(() => MethodCatalog.Create(Setup(name, labels, (option, "1"))));
        Assert.That(error!.Message, Does.Contain($"'{option}'"));
    }

    [Test]
    public void One_class_is_refused_with_the_reason()
    {
        var error = Assert.Throws<ArgumentException>(() => MethodCatalog.Create(new MethodSetup { Method = "sst", Backbone = "resnet-small", ClassNames = ["only"], ImageSize = 64 }));
        Assert.That(error!.Message, Does.Contain("at least 2 classes"));
    }

    private static MethodSetup Setup(string method, sbyte[,] labels, params (string Key, string Value)[] options) => new()
    {
        Method = method, Backbone = "resnet-small", ClassNames = Classes, ImageSize = 64, Epochs = 3, Seed = 0, TrainLabels = labels,
        Options = new Dictionary<string, string>(options.Select(o => KeyValuePair.Create(o.Key, o.Value)))
        {
            ["transfer_start"] = options.FirstOrDefault(o => o.Key == "transfer_start").Value ?? "1",
        },
    };

    // Stand-ins for the network's outputs of a batch of 4 (C = 4, P = 6, D = 128 as resnet-small's feature_dim).
    private static (Tensor Logits, Tensor Pairs, Tensor Vectors, Tensor Targets) RandomOutputs()
    {
        LibTorch.ManualSeed(5);
        var targets = Tensor.FromArray(new float[] { 1, 0, -1, 0, 0, 1, 1, 0, 1, 1, 0, 0, -1, 0, 1, 1 }, [4, 4]);
        return (Tensor.Randn([4, 4]), Tensor.Randn([4, 6]), Tensor.Randn([4, 4, 128]), targets);
    }

    // HST's prototypes from one eval-mode pass, as OnEpochStart builds them.
    private static void LoadPrototypes(SemanticTransferMethod method, Tensor images, Tensor targets)
    {
        using var scope = DisposeScope.Enter();
        var net = method.Network.Net;
        net.Eval();
        var builder = new KMeansPrototypesBuilder(4, net.Options.FeatureDim, seed: 1);
        using (Autograd.NoGrad())
        using (var output = net.Forward(images))
        {
            builder.AddBatch(output.Vectors, targets);
        }

        using var prototypes = builder.Build(3, seed: 1);
        var state = prototypes.ToStateDict("kmeans.");
        method.LoadExtraState(state);
        net.Train();
    }
}
