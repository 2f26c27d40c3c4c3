using System.CommandLine;
using Srn.Data;
using Srn.Experiments;
using Srn.Experiments.Sweep;

namespace Srn.Tests.Experiments;

/// <summary>srn sweep end to end on a small FashionScenes: files, resume after an interruption, shards merged.</summary>
[TestFixture]
[NonParallelizable]
public sealed class SweepTests
{
    private string dir = null!;

    [OneTimeSetUp]
    public void MakeData()
    {
        dir = Directory.CreateTempSubdirectory("srn-sweep-").FullName;
        var generator = new FashionScenesGenerator(FashionMnist.Load(), new FashionScenesOptions { Seed = 2, TrainScenes = 48, TestScenes = 16, CanvasSize = 56 });
        FashionScenesDataset.Write(Path.Combine(dir, "data"), generator, new PngImageWriter());
    }

    [OneTimeTearDown]
    public void RemoveData() => Directory.Delete(dir, recursive: true);

    private static int Invoke(params string[] args) => new RootCommand { SweepCommand.Create(), MergeCommand.Create() }.Parse(args).Invoke();

    private string[] Sweep(string outDir, int epochs = 2) => [
        "sweep", "--dataset", "manifests", "--image-root", Path.Combine(dir, "data"),
        "--train-manifest", Path.Combine(dir, "data", "fashion_scenes.train.csv"), "--test-manifest", Path.Combine(dir, "data", "fashion_scenes.test.csv"),
        "--methods", "partial-bce,ssgrl", "--proportions", "0.3,0.6", "--seeds", "0,1", "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--batch-size", "8", "--image-size", "56",
        "--train-limit", "0", "--test-limit", "0", "--workers", "0", "--out", outDir];

    // Everything but the wall-clock column, which differs between runs.
    internal static string[] Stable(string path) =>
        [.. File.ReadAllLines(path).Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 23))).Order(StringComparer.Ordinal)];

    [Test]
    public void A_sweep_writes_every_file_and_an_interrupted_sweep_resumes_to_the_same_results_without_duplicates()
    {
        var full = Path.Combine(dir, "full");
        Assert.That(Invoke(Sweep(full)), Is.EqualTo(0));
        foreach (var file in new[] { "results.csv", "per_class_ap.csv", "summary.csv", "config.yaml", "map_manifests.svg" })
        {
            Assert.That(File.Exists(Path.Combine(full, file)) || (file.StartsWith("map_", StringComparison.Ordinal) && Directory.GetFiles(full, "map_*.svg").Length == 1), Is.True, file);
        }

        var results = File.ReadAllLines(Path.Combine(full, "results.csv"));
        Assert.That(results, Has.Length.EqualTo(1 + (8 * 2)), "8 runs x 2 epochs");
        Assert.That(Directory.GetDirectories(Path.Combine(full, "runs")), Has.Length.EqualTo(8));
        Assert.That(File.ReadAllText(Path.Combine(full, "summary.csv")), Does.Contain(",average,"));

        // Without --resume an existing sweep is refused before any work.
        Assert.That(Invoke(Sweep(full)), Is.EqualTo(1));

        // Resuming with other training settings is refused too: the finished runs would not match the new ones.
        Assert.That(Invoke([.. Sweep(full, epochs: 3), "--resume"]), Is.EqualTo(1));
        Assert.That(File.ReadAllLines(Path.Combine(full, "results.csv")), Is.EqualTo(results));

        // An interrupted sweep: the first three runs finished, the fourth stopped after its first epoch (its checkpoint
        // is on disk, its rows are not). Built by copying the finished sweep's files and dropping rows.
        var broken = Path.Combine(dir, "broken");
        Directory.CreateDirectory(broken);
        var runIds = results.Skip(1).Select(l => l.Split(',')[0]).Distinct().ToArray();
        File.WriteAllLines(Path.Combine(broken, "results.csv"), results.Where((l, i) => i == 0 || runIds.Take(3).Contains(l.Split(',')[0])));
        var perClass = File.ReadAllLines(Path.Combine(full, "per_class_ap.csv"));
        File.WriteAllLines(Path.Combine(broken, "per_class_ap.csv"), perClass.Where((l, i) => i == 0 || runIds.Take(3).Contains(l.Split(',')[0])));
        Directory.CreateDirectory(Path.Combine(broken, "runs"));

        Assert.That(Invoke([.. Sweep(broken), "--resume"]), Is.EqualTo(0));
        Assert.That(Stable(Path.Combine(broken, "results.csv")), Is.EqualTo(Stable(Path.Combine(full, "results.csv"))));
        Assert.That(File.ReadAllLines(Path.Combine(broken, "per_class_ap.csv")).Order(), Is.EqualTo(perClass.Order()));

        // Resuming a finished sweep runs nothing and duplicates nothing.
        Assert.That(Invoke([.. Sweep(broken), "--resume"]), Is.EqualTo(0));
        Assert.That(File.ReadAllLines(Path.Combine(broken, "results.csv")), Has.Length.EqualTo(results.Length));

        // Shards 0/2 and 1/2, merged, equal the unsharded sweep.
        var sharded = Path.Combine(dir, "sharded");
        Assert.That(Invoke([.. Sweep(sharded), "--shard", "0/2"]), Is.EqualTo(0));
        Assert.That(Invoke([.. Sweep(sharded), "--shard", "1/2"]), Is.EqualTo(0));
        var merged = Path.Combine(dir, "merged");
        Assert.That(Invoke("merge", "--out", merged, Path.Combine(sharded, "shard-0-of-2"), Path.Combine(sharded, "shard-1-of-2")), Is.EqualTo(0));
        Assert.That(Stable(Path.Combine(merged, "results.csv")), Is.EqualTo(Stable(Path.Combine(full, "results.csv"))));

        // Or: one shard finished, then an unsharded --resume takes it in and runs only the other shard's jobs.
        var half = Path.Combine(dir, "half");
        Assert.That(Invoke([.. Sweep(half), "--shard", "0/2"]), Is.EqualTo(0));
        var shardRuns = Directory.GetDirectories(Path.Combine(half, "shard-0-of-2", "runs")).Select(Path.GetFileName).ToArray();
        Assert.That(Invoke([.. Sweep(half), "--resume"]), Is.EqualTo(0));
        Assert.That(Stable(Path.Combine(half, "results.csv")), Is.EqualTo(Stable(Path.Combine(full, "results.csv"))));
        // The shard's runs were taken in, not trained again: their rows are the shard's to the letter, wall-clock seconds included.
        var shardRows = File.ReadAllLines(Path.Combine(half, "shard-0-of-2", "results.csv")).Skip(1).ToArray();
        Assert.That(shardRows, Has.Length.EqualTo(shardRuns.Length * 2));
        Assert.That(File.ReadAllLines(Path.Combine(half, "results.csv")), Is.SupersetOf(shardRows));
    }

    [Test]
    public void Kd_wsd_runs_with_the_same_labels_share_one_teacher()
    {
        var outDir = Path.Combine(dir, "kd");
        string[] args = [
            "sweep", "--dataset", "manifests", "--image-root", Path.Combine(dir, "data"),
            "--train-manifest", Path.Combine(dir, "data", "fashion_scenes.train.csv"), "--test-manifest", Path.Combine(dir, "data", "fashion_scenes.test.csv"),
            "--methods", "kd-wsd", "--proportions", "0.5", "--seeds", "0,1", "--epochs", "3", "--batch-size", "8", "--image-size", "56",
            "--train-limit", "0", "--test-limit", "0", "--workers", "0", "--option", "proposals=8", "--option", "hidden=16", "--share-teachers", "--out", outDir];
        Assert.That(Invoke(args), Is.EqualTo(0));

        // One teacher for both seeds; each run kept it bit for bit and trained only feature + predict (1 + 1 epochs).
        var teachers = Directory.GetFiles(Path.Combine(outDir, "teachers"));
        Assert.That(teachers, Has.Length.EqualTo(1));
        using var scope = Srn.Torch.DisposeScope.Enter();
        var stored = Srn.Torch.IO.SafeTensors.Load(teachers[0]);
        var runs = Directory.GetDirectories(Path.Combine(outDir, "runs"));
        Assert.That(runs, Has.Length.EqualTo(2));
        foreach (var run in runs)
        {
            var checkpoint = Srn.Torch.IO.SafeTensors.Load(Path.Combine(run, "checkpoint.safetensors"));
            foreach (var (key, tensor) in stored)
            {
                Assert.That(checkpoint["model.teacher." + key].Eq(tensor).All().Item<bool>(), Is.True, key);
            }
        }

        Assert.That(File.ReadAllLines(Path.Combine(outDir, "results.csv")), Has.Length.EqualTo(1 + (2 * 2)));
    }

    [Test]
    public void Bad_options_missing_images_and_a_missing_device_fail_before_anything_is_written()
    {
        var manifest = Path.Combine(dir, "missing.csv");
        File.WriteAllText(manifest, "image,a,b\nnot-there.png,1,-1\n");
        var outDir = Path.Combine(dir, "never");
        string[] Args(params string[] extra) => [
            "sweep", "--dataset", "manifests", "--image-root", dir, "--train-manifest", manifest, "--test-manifest", manifest, "--out", outDir, .. extra];

        string[] Good(params string[] extra) => [
            "sweep", "--dataset", "manifests", "--image-root", Path.Combine(dir, "data"), "--train-manifest", Path.Combine(dir, "data", "fashion_scenes.train.csv"),
            "--test-manifest", Path.Combine(dir, "data", "fashion_scenes.test.csv"), "--out", outDir, .. extra];

        Assert.That(Invoke(Args()), Is.EqualTo(1), "a missing image");
        Assert.That(Invoke(Good("--methods", "no-such-method")), Is.EqualTo(2));
        Assert.That(Invoke(Good("--proportions", "0,1.5")), Is.EqualTo(2));
        Assert.That(Invoke(Good("--option", "not-an-option=1")), Is.EqualTo(2), "an option no method knows");
        Assert.That(Invoke(Good("--methods", "srn", "--option", "stage_epochs=1,1")), Is.EqualTo(2), "a bad option value");
        if (!Srn.Torch.Device.CudaIsAvailable)
        {
            Assert.That(Invoke(Good("--device", "cuda")), Is.EqualTo(2));
        }

        Assert.That(Directory.Exists(outDir), Is.False);
    }
}
