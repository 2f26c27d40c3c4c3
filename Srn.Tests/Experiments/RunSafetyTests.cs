using System.CommandLine;
using System.Globalization;
using Srn.Data;
using Srn.Experiments;
using Srn.Experiments.Runs;

namespace Srn.Tests.Experiments;

/// <summary>
/// The run layer never mixes, overwrites or mis-evaluates runs: each observed case of the run-configuration issue, end to
/// end through <c>srn train</c> and <c>srn eval</c> on a small FashionScenes.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RunSafetyTests
{
    private string dir = null!;
    private TextWriter savedError = null!;
    private StringWriter error = null!;

    [OneTimeSetUp]
    public void MakeData()
    {
        dir = Directory.CreateTempSubdirectory("srn-run-safety-").FullName;
        var generator = new FashionScenesGenerator(FashionMnist.Load(), new FashionScenesOptions { Seed = 7, TrainScenes = 48, TestScenes = 24, CanvasSize = 64 });
        FashionScenesDataset.Write(Path.Combine(dir, "data"), generator, new PngImageWriter());
    }

    [OneTimeTearDown]
    public void RemoveData() => Directory.Delete(dir, recursive: true);

    [SetUp]
    public void CaptureErrors()
    {
        savedError = Console.Error;
        error = new StringWriter(CultureInfo.InvariantCulture);
        Console.SetError(error);
    }

    [TearDown]
    public void RestoreErrors()
    {
        Console.SetError(savedError);
        TestContext.Out.WriteLine(error.ToString());
        error.Dispose();
    }

    private static int Invoke(params string[] args) =>
        new RootCommand { TrainCommand.Create(), EvalCommand.Create() }.Parse(args).Invoke();

    private string DataDir => Path.Combine(dir, "data");

    // srn train with small defaults; an option in `more` replaces its default.
    private string[] Train(string run, params string[] more)
    {
        string[] defaults = ["--method", "partial-bce", "--epochs", "1", "--batch-size", "16", "--image-size", "64", "--data", DataDir];
        var args = new List<string> { "train", "--out", Path.Combine(dir, run) };
        for (var i = 0; i < defaults.Length; i += 2)
        {
            if (!more.Contains(defaults[i]))
            {
                args.AddRange([defaults[i], defaults[i + 1]]);
            }
        }

        return [.. args, .. more];
    }

    private string Checkpoint(string run) => Path.Combine(dir, run, "checkpoint.safetensors");

    [Test]
    public void Observed_5_a_data_directory_made_with_other_parameters_is_used_as_it_is_and_never_regenerated()
    {
        var stamp = File.ReadAllText(Path.Combine(DataDir, FashionScenesDataset.StampFile));
        var manifest = File.GetLastWriteTimeUtc(Path.Combine(DataDir, "fashion_scenes.train.csv"));
        var source = DataSource.FashionScenes(DataDir);
        Assert.That((source.Train.Count, source.Test.Count), Is.EqualTo((48, 24)));
        Assert.That(source.Description, Does.Contain("seed 7"));
        Assert.That(File.ReadAllText(Path.Combine(DataDir, FashionScenesDataset.StampFile)), Is.EqualTo(stamp));
        Assert.That(File.GetLastWriteTimeUtc(Path.Combine(DataDir, "fashion_scenes.train.csv")), Is.EqualTo(manifest));

        // Asking for another generation in that directory is refused, not silently overwritten.
        var other = new FashionScenesGenerator(FashionMnist.Load(), new FashionScenesOptions { Seed = 0, TrainScenes = 10, TestScenes = 10, CanvasSize = 64 });
        Assert.That(() => FashionScenesDataset.Write(DataDir, other, new PngImageWriter()), Throws.TypeOf<IOException>().With.Message.Contains("seed 7 (asked: 0)"));

        // A directory with someone else's files is never generated into.
        var foreign = Directory.CreateDirectory(Path.Combine(dir, "foreign")).FullName;
        File.WriteAllText(Path.Combine(foreign, "notes.txt"), "mine");
        Assert.That(() => DataSource.FashionScenes(foreign), Throws.TypeOf<IOException>().With.Message.Contains("notes.txt"));
        Assert.That(() => DataSource.FashionScenes(Path.Combine(foreign, "notes.txt")), Throws.TypeOf<IOException>().With.Message.Contains("is a file"));
        Assert.That(File.ReadAllText(Path.Combine(foreign, "notes.txt")), Is.EqualTo("mine"));
    }

    [Test]
    public void Observed_5_a_bad_method_option_fails_before_any_data_is_generated()
    {
        var empty = Path.Combine(dir, "not-generated");
        Assert.That(Invoke("train", "--method", "partial-bce", "--option", "foo=1", "--data", empty, "--out", Path.Combine(dir, "bad-option")), Is.EqualTo(2));
        Assert.That(Directory.Exists(empty), Is.False, "no data generated");
        Assert.That(error.ToString(), Does.Contain("'foo'"));
    }

    [Test]
    public void Observed_2_a_second_process_is_refused_a_locked_run_directory_with_the_holders_pid()
    {
        using (RunLock.Acquire(Path.Combine(dir, "locked"), "another srn train"))
        {
            Assert.That(Invoke(Train("locked")), Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain("is in use by another srn train (pid " + Environment.ProcessId));
            Assert.That(File.Exists(Checkpoint("locked")), Is.False);
        }

        Assert.That(Invoke(Train("locked")), Is.EqualTo(0), "released with its holder");
    }

    [Test]
    public void Observed_3_resume_refuses_every_changed_setting_and_lists_each()
    {
        Assert.That(Invoke(Train("resume", "--proportion", "1")), Is.EqualTo(0));
        var before = File.ReadAllBytes(Checkpoint("resume"));
        Assert.That(Invoke(Train("resume", "--resume", "--proportion", "0.1", "--batch-size", "8", "--option", "lr=0.5", "--epochs", "2")), Is.EqualTo(1));
        Assert.That(error.ToString(), Does.Contain("proportion: 1 -> 0.1").And.Contain("batch_size: 16 -> 8").And.Contain("option.lr: (unset) -> 0.5"));
        Assert.That(File.ReadAllBytes(Checkpoint("resume")), Is.EqualTo(before), "the checkpoint is untouched");

        // The check reads the header only, and that header holds what a full load holds.
        var (metadata, history) = Srn.Training.TrainingCheckpoint.ReadInfo(Checkpoint("resume"));
        using (var full = Srn.Training.TrainingCheckpoint.Load(Checkpoint("resume")))
        {
            Assert.That(metadata, Is.EquivalentTo(full.Metadata));
            Assert.That(history.Select(h => h.Epoch), Is.EqualTo(full.History.Select(h => h.Epoch)));
        }

        var truncated = Path.Combine(dir, "truncated.safetensors");
        File.WriteAllBytes(truncated, before[..(before.Length / 2)]);
        Assert.That(() => Srn.Training.TrainingCheckpoint.ReadInfo(truncated), Throws.TypeOf<InvalidDataException>().With.Message.StartsWith(truncated));

        // The same settings resume (nothing left to train: the run is finished and stays equal).
        Assert.That(Invoke(Train("resume", "--resume")), Is.EqualTo(0));
        var config = File.ReadAllText(Path.Combine(dir, "resume", "config.yaml"));
        Assert.That(config, Does.Contain("proportion: 1").And.Contain("image_size: 64").And.Match("threads: [0-9]+").And.Contain("commit: "));
    }

    [Test]
    public void Observed_4_a_finished_run_is_replaced_only_with_force_and_only_once_the_new_checkpoint_exists()
    {
        Assert.That(Invoke(Train("finished")), Is.EqualTo(0));
        var before = File.ReadAllBytes(Checkpoint("finished"));
        var epochs = File.ReadAllText(Path.Combine(dir, "finished", "epochs.csv"));

        Assert.That(Invoke(Train("finished")), Is.EqualTo(1), "neither --resume nor --force");
        Assert.That(error.ToString(), Does.Contain("holds a run").And.Contain("--resume").And.Contain("--force"));

        // A forced run that fails before its first epoch leaves the old run whole: checkpoint and epochs.csv agree.
        Assert.That(Invoke(Train("finished", "--force", "--batch-size", "1000")), Is.EqualTo(2));
        Assert.That(File.ReadAllBytes(Checkpoint("finished")), Is.EqualTo(before));
        Assert.That(File.ReadAllText(Path.Combine(dir, "finished", "epochs.csv")), Is.EqualTo(epochs));

        Assert.That(Invoke(Train("finished", "--force", "--seed", "1")), Is.EqualTo(0));
        Assert.That(File.ReadAllBytes(Checkpoint("finished")), Is.Not.EqualTo(before));
        Assert.That(File.ReadAllText(Path.Combine(dir, "finished", "config.yaml")), Does.Contain("seed: 1"));
    }

    [Test]
    public void Observed_1_eval_refuses_reordered_class_columns_unless_mapped_by_name_and_then_scores_the_same()
    {
        Assert.That(Invoke(Train("eval")), Is.EqualTo(0));
        var evalOut = Path.Combine(dir, "eval-out");
        Assert.That(Invoke("eval", "--checkpoint", Checkpoint("eval"), "--out", evalOut), Is.EqualTo(0), "the run's own test data, compared with its log");
        Assert.That(File.Exists(Path.Combine(evalOut, "scores.csv")), Is.True);
        var map = Column(Path.Combine(evalOut, "metrics.csv"), "map");

        var test = Manifest.Read(Path.Combine(DataDir, "fashion_scenes.test.csv"));
        var reversed = new Manifest(test.Classes.Reverse(), test.Rows.Select(r => new ManifestRow(r.Image, r.Labels.Reverse().ToArray())));
        var reversedPath = Path.Combine(dir, "reversed.csv");
        reversed.Write(reversedPath);
        string[] Eval(string outDir, params string[] more) =>
            ["eval", "--checkpoint", Checkpoint("eval"), "--dataset", "manifests", "--test-manifest", reversedPath, "--image-root", DataDir, "--out", Path.Combine(dir, outDir), .. more];
        Assert.That(Invoke(Eval("eval-reversed")), Is.EqualTo(1));
        Assert.That(error.ToString(), Does.Contain("in another order").And.Contain("--match-classes-by-name"));
        Assert.That(Invoke(Eval("eval-mapped", "--match-classes-by-name")), Is.EqualTo(0));
        Assert.That(Column(Path.Combine(dir, "eval-mapped", "metrics.csv"), "map"), Is.EqualTo(map).Within(1e-9));

        var renamed = new Manifest(test.Classes.Select(c => c == test.Classes[0] ? "renamed" : c), test.Rows);
        renamed.Write(reversedPath);
        Assert.That(Invoke(Eval("eval-renamed", "--match-classes-by-name")), Is.EqualTo(1));
        Assert.That(error.ToString(), Does.Contain("missing: " + test.Classes[0]));
    }

    [Test]
    public void Observed_9_eval_flags_a_recomputed_map_that_differs_from_the_training_log()
    {
        // The run's own data, but images changed after training (the manifests, and so the fingerprint, stay equal).
        var data = Path.Combine(dir, "data-changed");
        CopyDirectory(DataDir, data);
        Assert.That(Invoke(Train("changed", "--data", data)), Is.EqualTo(0));
        Assert.That(Invoke("eval", "--checkpoint", Checkpoint("changed")), Is.EqualTo(0), "unchanged: equal to the log");

        var images = Directory.GetFiles(Path.Combine(data, "images", "test"), "*.png").Order(StringComparer.Ordinal).ToArray();
        foreach (var image in images.Skip(1))
        {
            File.Copy(images[0], image, overwrite: true);
        }

        Assert.That(Invoke("eval", "--checkpoint", Checkpoint("changed"), "--data", data), Is.EqualTo(1));
        Assert.That(error.ToString(), Does.Contain("differs from the training log's").And.Contain("on the run's own test data"));
    }

    [Test]
    public void Eval_runs_a_bf16_checkpoint_in_its_own_precision_and_equals_its_log()
    {
        Assert.That(Invoke(Train("bf16", "--precision", "bf16", "--channels-last", "true")), Is.EqualTo(0));
        var config = File.ReadAllText(Path.Combine(dir, "bf16", "config.yaml"));
        Assert.That(config, Does.Contain("precision: bf16").And.Contain("channels_last: true"));
        Assert.That(Invoke("eval", "--checkpoint", Checkpoint("bf16")), Is.EqualTo(0), "bf16 like the run, so equal to its log");
        Assert.That(Invoke("eval", "--checkpoint", Checkpoint("bf16"), "--precision", "fp32"), Is.EqualTo(0), "full precision on request, not compared");
        Assert.That(Invoke(Train("bf16", "--resume", "--precision", "fp32", "--channels-last", "true")), Is.EqualTo(1));
        Assert.That(error.ToString(), Does.Contain("precision: bf16 -> fp32"));
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static double Column(string csvPath, string column)
    {
        var lines = File.ReadAllLines(csvPath);
        var header = lines[0].Split(',');
        return double.Parse(lines[^1].Split(',')[Array.IndexOf(header, column)], CultureInfo.InvariantCulture);
    }
}
