using Srn.Data;
using Srn.PartialLabels.Methods;
using Srn.Tests.Training;
using Srn.Torch;
using Srn.Training;
using Srn.Vision.Transforms;

namespace Srn.Tests.PartialLabels;

/// <summary>SSGRL, SARB and DSRB as trainer methods: partial labels with a class that has no known positive, exact resume.</summary>
[TestFixture]
public sealed class BlendingMethodTests
{
    private const int Size = 64;

    // Partial training labels: about half unknown, and class 0 has no known positive at all.
    internal static (TinyScenes Train, sbyte[,] Labels) PartialTrain()
    {
        var train = new TinyScenes(48, size: Size, seed: 1);
        var rng = new Random(7);
        var full = DatasetViews.Labels(train);
        var labels = new sbyte[train.Count, train.Classes.Count];
        for (var i = 0; i < train.Count; i++)
        {
            for (var c = 0; c < labels.GetLength(1); c++)
            {
                var known = rng.NextDouble() < 0.5;
                labels[i, c] = c == 0 && full[i, c] == 1 ? (sbyte)0 : known ? full[i, c] : (sbyte)0;
            }
        }

        return (train, labels);
    }

    private static MethodSetup Setup(string method, sbyte[,] labels, params (string Key, string Value)[] options) => new()
    {
        Method = method, Backbone = "resnet-small", ClassNames = ["c0", "c1", "c2", "c3"], ImageSize = Size, Epochs = 3, Seed = 0,
        TrainLabels = labels, Options = new Dictionary<string, string>(options.Select(o => KeyValuePair.Create(o.Key, o.Value))) { ["blend_start"] = "1", ["prototype_every"] = "1" },
    };

    internal static TrainingData Data(TinyScenes train, sbyte[,] labels)
    {
        var augment = new Compose(new RandomHorizontalFlip(), new ToFloat(), new Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]));
        var test = new Compose(new ToFloat(), new Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]));
        return new TrainingData(DatasetViews.WithLabels(train, labels), augment, new TinyScenes(24, size: Size, seed: 2), test);
    }

    internal static TrainerOptions Options(string? checkpoint = null, bool resume = false) => new()
    {
        Seed = 3, BatchSize = 8, EvalBatchSize = 16, Workers = 1, CheckpointPath = checkpoint, Resume = resume,
    };

    [TestCase("ssgrl")]
    [TestCase("sarb")]
    [TestCase("dsrb")]
    public void Trains_with_a_class_without_known_positives_and_no_nan(string name)
    {
        var (train, labels) = PartialTrain();
        using var scope = DisposeScope.Enter();
        using var method = (BlendingMethod)MethodCatalog.Create(Setup(name, labels));
        var history = Trainer.Fit(method, Data(train, labels), Options());

        Assert.That(history, Has.Count.EqualTo(3));
        Assert.That(history.Select(h => h.TrainLoss), Has.All.Matches<double>(double.IsFinite));
        Assert.That(history[^1].Metrics!.Map, Is.InRange(0.0, 100.0));
        foreach (var (parameterName, parameter) in method.Model.NamedParameters())
        {
            Assert.That(parameter.IsFinite().All().Item<bool>(), Is.True, parameterName);
        }

        if (name == "dsrb")
        {
            Assert.That(method.Bank, Is.Not.Null, "prototypes are built from epoch blend_start");
        }

        if (name == "sarb")
        {
            Assert.That(method.KMeans, Is.Not.Null, "k-means prototypes are built from epoch blend_start");
        }
    }

    [Test]
    public void Dsrb_training_three_epochs_equals_stopping_after_two_and_resuming_bit_for_bit()
    {
        var dir = Directory.CreateTempSubdirectory("srn-dsrb-resume-").FullName;
        try
        {
            var (train, labels) = PartialTrain();
            using var scope = DisposeScope.Enter();
            using var straight = MethodCatalog.Create(Setup("dsrb", labels));
            var full = Trainer.Fit(straight, Data(train, labels), Options(Path.Combine(dir, "a.safetensors")));

            // Stopped after epoch 2: the prototypes built at the start of epoch 2 must come back from the checkpoint.
            using var cancel = new CancellationTokenSource();
            using (var first = MethodCatalog.Create(Setup("dsrb", labels)))
            {
                var options = Options(Path.Combine(dir, "b.safetensors")) with { EpochFinished = r => { if (r.Epoch == 2) cancel.Cancel(); } };
                Assert.Catch<OperationCanceledException>(() => Trainer.Fit(first, Data(train, labels), options, cancel.Token));
            }

            using var resumed = MethodCatalog.Create(Setup("dsrb", labels));
            var rest = Trainer.Fit(resumed, Data(train, labels), Options(Path.Combine(dir, "b.safetensors"), resume: true));

            Assert.That(rest.Select(r => r.TrainLoss), Is.EqualTo(full.Select(r => r.TrainLoss)));
            Assert.That(rest.Select(r => r.Metrics!.Map), Is.EqualTo(full.Select(r => r.Metrics!.Map)));
            var a = straight.Model.StateDict();
            var b = resumed.Model.StateDict();
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
    public void Label_embeddings_from_a_glove_file_are_used_fixed_unless_asked_to_train()
    {
        var (_, labels) = PartialTrain();
        var path = Path.Combine(Path.GetTempPath(), $"srn-glove-{Guid.NewGuid():N}.txt");
        try
        {
            // GloVe format: word then values; an extra word and any order of lines.
            File.WriteAllLines(path, ["other 9 9 9", "c2 2 2.5 -2", "c0 0 0.5 1", "c3 3 3.5 -3", "c1 1 1.5 -1"]);
            using var scope = DisposeScope.Enter();
            using var method = (BlendingMethod)MethodCatalog.Create(Setup("dsrb", labels, ("embeddings", path)));
            var words = method.Network.Net.WordFeatures;
            Assert.That(words.Shape, Is.EqualTo(new long[] { 4, 3 }));
            Assert.That(words.ToArray<float>(), Is.EqualTo(new[] { 0f, 0.5f, 1f, 1f, 1.5f, -1f, 2f, 2.5f, -2f, 3f, 3.5f, -3f }));
            Assert.That(words.RequiresGrad, Is.False);
            Assert.That(method.Stages[0].Groups.SelectMany(g => g.Parameters), Has.None.SameAs(words));

            using var trained = (BlendingMethod)MethodCatalog.Create(Setup("dsrb", labels, ("embeddings", path), ("train_embeddings", "true")));
            Assert.That(trained.Network.Net.WordFeatures.RequiresGrad, Is.True);

            File.WriteAllLines(path, ["c0 0 0.5 1", "c1 1 1.5 -1"]);
            Assert.That(() => MethodCatalog.Create(Setup("dsrb", labels, ("embeddings", path))), Throws.Exception.With.Message.Contains("c2"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void An_unknown_prototype_transform_is_refused()
    {
        var (_, labels) = PartialTrain();
        var error = Assert.Throws<ArgumentException>(() => MethodCatalog.Create(Setup("dsrb", labels, ("prototype_transform", "random"))));
        Assert.That(error!.Message, Does.Contain("prototype_transform"));
    }

    [Test]
    public void Kmeans_init_takes_sklearn_or_plain()
    {
        var (_, labels) = PartialTrain();
        using (MethodCatalog.Create(Setup("sarb", labels, ("kmeans_init", "plain"))))
        using (MethodCatalog.Create(Setup("sarb", labels, ("kmeans_init", "sklearn"))))
        {
        }

        var error = Assert.Throws<ArgumentException>(() => MethodCatalog.Create(Setup("sarb", labels, ("kmeans_init", "random"))));
        Assert.That(error!.Message, Does.Contain("kmeans_init").And.Contain("'random'"));
    }
}
