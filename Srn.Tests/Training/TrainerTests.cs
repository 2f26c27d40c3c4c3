using Srn.Models;
using Srn.Torch;
using Srn.Training;
using Srn.Training.Methods;
using Srn.Vision.Transforms;

namespace Srn.Tests.Training;

/// <summary>The shared trainer: stages and freezing, exact resume, determinism, partial labels, no leaks.</summary>
[TestFixture]
public sealed class TrainerTests
{
    private static readonly string[] Classes = ["c0", "c1", "c2", "c3"];

    private static MethodSetup Setup(string method, int epochs, int seed = 0, params (string Key, string Value)[] options) => new()
    {
        Method = method, Backbone = "resnet-small", ClassNames = Classes, ImageSize = 32, Epochs = epochs, Seed = seed,
        Options = options.ToDictionary(o => o.Key, o => o.Value),
    };

    private static TrainingData Data(TinyScenes? train = null)
    {
        var transform = new Compose(new RandomHorizontalFlip(), new ToFloat(), new Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]));
        var test = new Compose(new ToFloat(), new Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]));
        return new TrainingData(train ?? new TinyScenes(48, seed: 1), transform, new TinyScenes(24, seed: 2), test);
    }

    private static TrainerOptions Options(string? checkpoint = null, bool resume = false) => new()
    {
        Seed = 5, BatchSize = 8, EvalBatchSize = 16, Workers = 2, CheckpointPath = checkpoint, Resume = resume,
    };

    private static Dictionary<string, float[]> Snapshot(Srn.Torch.NN.Module module) =>
        module.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.To(ScalarType.Float32).ToArray<float>());

    [Test]
    public void Srn_stages_change_only_their_own_parameters_and_frozen_batch_norms_keep_their_statistics()
    {
        using var scope = DisposeScope.Enter();
        using var method = new SrnMethod(Setup("srn", 4, options: ("stage_epochs", "0,1,0,0")));
        var net = method.Network;
        var before = Snapshot(net);
        Trainer.Fit(method, Data(), Options());
        var after = Snapshot(net);
        var changed = before.Keys.Where(k => !before[k].SequenceEqual(after[k])).ToArray();

        // Stage "att" trains f_att and the confidence conv only; the backbone (its batch-norm running statistics
        // included) and f_sr stay bit for bit.
        Assert.That(changed, Is.Not.Empty);
        Assert.That(changed, Has.All.StartWith("attention.").Or.StartWith("confidence."));
        Assert.That(changed.Count(k => k.StartsWith("attention.", StringComparison.Ordinal)), Is.GreaterThan(0));
        Assert.That(changed.Count(k => k.StartsWith("confidence.", StringComparison.Ordinal)), Is.GreaterThan(0));
    }

    [Test]
    public void Srn_stage_three_trains_only_the_regularizer()
    {
        using var scope = DisposeScope.Enter();
        using var method = new SrnMethod(Setup("srn", 4, options: ("stage_epochs", "0,0,1,0")));
        var before = Snapshot(method.Network);
        Trainer.Fit(method, Data(), Options());
        var after = Snapshot(method.Network);
        var changed = before.Keys.Where(k => !before[k].SequenceEqual(after[k])).ToArray();
        Assert.That(changed, Is.Not.Empty);
        Assert.That(changed, Has.All.StartWith("regularizer."));
    }

    [TestCase(1, Description = "stopped inside a stage: optimizer and schedule state must carry over")]
    [TestCase(3, Description = "stopped at a stage boundary")]
    public void Training_four_epochs_equals_stopping_and_resuming_bit_for_bit(int stopAfter)
    {
        var dir = Directory.CreateTempSubdirectory("srn-resume-").FullName;
        try
        {
            using var scope = DisposeScope.Enter();
            var setup = Setup("srn", 4, options: ("stage_epochs", "2,1,0,1"));

            using var straight = new SrnMethod(setup);
            var full = Trainer.Fit(straight, Data(), Options(Path.Combine(dir, "a.safetensors")));

            var path = Path.Combine(dir, "b.safetensors");
            using var cancel = new CancellationTokenSource();
            using (var first = new SrnMethod(setup))
            {
                var options = Options(path) with { EpochFinished = r => { if (r.Epoch == stopAfter) cancel.Cancel(); } };
                Assert.Catch<OperationCanceledException>(() => Trainer.Fit(first, Data(), options, cancel.Token));
            }

            using var second = new SrnMethod(setup);
            var resumed = Trainer.Fit(second, Data(), Options(path, resume: true));

            Assert.That(resumed.Select(r => r.Epoch), Is.EqualTo(new[] { 1, 2, 3, 4 }));
            Assert.That(resumed.Select(r => r.TrainLoss), Is.EqualTo(full.Select(r => r.TrainLoss)));
            Assert.That(resumed.Select(r => r.Metrics!.Map), Is.EqualTo(full.Select(r => r.Metrics!.Map)));
            var a = Snapshot(straight.Model);
            var b = Snapshot(second.Model);
            Assert.That(b.Keys, Is.EquivalentTo(a.Keys));
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

    [Test]
    public void The_same_seed_gives_the_same_model_and_another_seed_does_not()
    {
        using var scope = DisposeScope.Enter();
        float[] Train(int seed)
        {
            using var method = new ResNetBaseline(Setup("resnet", 1, seed));
            Trainer.Fit(method, Data(), Options() with { Seed = seed });
            return method.Network.ClassifierLayer.Weight.ToArray<float>();
        }

        var first = Train(3);
        var again = Train(3);
        var other = Train(4);
        Assert.That(again, Is.EqualTo(first));
        Assert.That(other, Is.Not.EqualTo(first));
    }

    [Test]
    public void Training_learns_the_tiny_scenes()
    {
        using var scope = DisposeScope.Enter();
        using var method = new ResNetBaseline(Setup("resnet", 6, options: ("lr", "0.05")));
        var history = Trainer.Fit(method, Data(new TinyScenes(96, seed: 1)), Options());
        Assert.That(history[^1].TrainLoss, Is.LessThan(history[0].TrainLoss));
        Assert.That(history[^1].Metrics!.Map, Is.GreaterThan(70), "a network that learns nothing scores about 40 here");
    }

    [Test]
    public void A_class_without_any_known_label_trains_without_NaN()
    {
        using var scope = DisposeScope.Enter();
        var data = Data();
        var labels = Srn.Data.DatasetViews.Labels(data.Train);
        for (var i = 0; i < labels.GetLength(0); i++)
        {
            labels[i, 0] = 0;
            if (i % 2 == 0)
            {
                labels[i, 1] = 0;
            }
        }

        var partial = data with { Train = Srn.Data.DatasetViews.WithLabels(data.Train, labels) };
        using var method = new SrnMethod(Setup("srn", 4));
        var history = Trainer.Fit(method, partial, Options());
        Assert.That(history.Select(h => h.TrainLoss), Has.All.Matches<double>(double.IsFinite));
        foreach (var (name, p) in method.Model.NamedParameters())
        {
            Assert.That(p.IsFinite().All().Item<bool>(), Is.True, name);
        }
    }

    [Test]
    public void Training_leaks_no_tensor()
    {
        // Warm up once (lazily created globals), then a whole run must leave the live count where it was.
        void Run()
        {
            using var scope = DisposeScope.Enter();
            using var method = new SrnMethod(Setup("srn", 4, options: ("stage_epochs", "1,1,1,1")));
            Trainer.Fit(method, Data(), Options());
        }

        Run();
        var before = LiveTensors.Settled();
        Run();
        Assert.That(LiveTensors.Settled(), Is.EqualTo(before));
    }

    [Test]
    public void A_checkpoint_of_another_method_is_refused_with_both_names()
    {
        var dir = Directory.CreateTempSubdirectory("srn-ckpt-").FullName;
        try
        {
            using var scope = DisposeScope.Enter();
            var path = Path.Combine(dir, "c.safetensors");
            using (var method = new ResNetBaseline(Setup("resnet", 1)))
            {
                Trainer.Fit(method, Data(), Options(path));
            }

            using var other = new SrnMethod(Setup("srn", 4));
            var e = Assert.Throws<InvalidDataException>(() => Trainer.Fit(other, Data(), Options(path, resume: true)));
            Assert.That(e!.Message, Does.Contain("resnet/").And.Contain("srn/"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Checkpoints_hold_the_setup_position_and_history()
    {
        var dir = Directory.CreateTempSubdirectory("srn-ckpt-").FullName;
        try
        {
            using var scope = DisposeScope.Enter();
            var path = Path.Combine(dir, "c.safetensors");
            using var method = new SrnMethod(Setup("srn", 4, options: ("stage_epochs", "1,1,0,0")));
            var history = Trainer.Fit(method, Data(), Options(path));
            using var checkpoint = TrainingCheckpoint.Load(path);
            Assert.That(checkpoint.Setup.Method, Is.EqualTo("srn"));
            Assert.That(checkpoint.Setup.Options["stage_epochs"], Is.EqualTo("1,1,0,0"));
            Assert.That((checkpoint.Stage, checkpoint.StageEpochsDone), Is.EqualTo((1, 1)));
            Assert.That(checkpoint.History.Select(h => h.Head), Is.EqualTo(new[] { "y_cls", "y_att" }));
            Assert.That(checkpoint.History.Select(h => h.Metrics!.Map), Is.EqualTo(history.Select(h => h.Metrics!.Map)));
            Assert.That(checkpoint.ModelState.Keys, Does.Contain("backbone.layer4.0.conv1.weight").And.Contain("regularizer.conv4.conv.weight"));
            Assert.That(checkpoint.RngState, Is.Not.Null);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void A_file_that_is_not_a_checkpoint_is_named_in_the_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"srn-not-ckpt-{Guid.NewGuid():N}.safetensors");
        try
        {
            using (var scope = DisposeScope.Enter())
            {
                Srn.Torch.IO.SafeTensors.Save(path, [KeyValuePair.Create("x", Tensor.Zeros([2]))]);
            }

            var e = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Load(path).Dispose());
            Assert.That(e!.Message, Does.Contain(path).And.Contain("not an Srn training checkpoint"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
