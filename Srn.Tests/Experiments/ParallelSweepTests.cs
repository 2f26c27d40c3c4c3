using Srn.Data;
using Srn.Experiments.Runs;
using Srn.Experiments.Sweep;
using Srn.PartialLabels.Runs;
using Srn.Tests.TestSupport;

namespace Srn.Tests.Experiments;

/// <summary>
/// <c>srn sweep --parallel N</c>: runs trained side by side in child processes give the files a serial sweep gives, in
/// the same order; a child's failure stops the sweep with one line naming the run; a run a killed sweep finished but did
/// not record is taken in from its directory instead of being trained again.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ParallelSweepTests
{
    private string dir = null!;
    private string data = null!;

    [OneTimeSetUp]
    public void CreateData()
    {
        dir = Directory.CreateTempSubdirectory("srn-parallel-").FullName;
        data = Path.Combine(dir, "data");
        var generator = new FashionScenesGenerator(FashionMnist.Load(), new FashionScenesOptions { Seed = 5, TrainScenes = 48, TestScenes = 16, CanvasSize = 56 });
        FashionScenesDataset.Write(data, generator, new PngImageWriter());
    }

    [OneTimeTearDown]
    public void Delete() => Directory.Delete(dir, recursive: true);

    [Test]
    public void A_parallel_sweep_writes_what_a_serial_sweep_writes_in_the_same_order()
    {
        // dsrb's matrix products differ in their last bits with OpenBLAS's thread count: this also checks that the
        // serial (in-process) and the child runs use the same BLAS threads.
        var serial = Path.Combine(dir, "serial");
        var parallel = Path.Combine(dir, "parallel");
        Assert.That(Invoke([.. Sweep(serial), "--parallel", "1"]).Code, Is.EqualTo(0));
        var (code, output, error) = Invoke([.. Sweep(parallel), "--parallel", "2"]);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("2 runs at once"));

        Assert.That(WithoutSeconds(Path.Combine(parallel, "results.csv")), Is.EqualTo(WithoutSeconds(Path.Combine(serial, "results.csv"))));
        foreach (var file in new[] { "per_class_ap.csv", "summary.csv" })
        {
            Assert.That(File.ReadAllText(Path.Combine(parallel, file)), Is.EqualTo(File.ReadAllText(Path.Combine(serial, file))), file);
        }

        // Each run's own rows sit beside its checkpoint, in both modes.
        foreach (var runDir in Directory.GetDirectories(Path.Combine(parallel, "runs")))
        {
            Assert.That(File.Exists(Path.Combine(runDir, "results.csv")) && File.Exists(Path.Combine(runDir, "per_class_ap.csv")), Is.True, runDir);
        }
    }

    [Test]
    public void A_failed_run_in_a_child_stops_the_sweep_with_one_line_naming_the_run()
    {
        var first = Path.Combine(dir, "first");
        Assert.That(Invoke([.. Sweep(first), "--parallel", "1"]).Code, Is.EqualTo(0));
        var runId = Path.GetFileName(Directory.GetDirectories(Path.Combine(first, "runs")).Order(StringComparer.Ordinal).First());

        // A sweep directory holding a corrupt checkpoint for one of its runs: its child fails reading it.
        var broken = Path.Combine(dir, "broken");
        Directory.CreateDirectory(Path.Combine(broken, "runs", runId));
        File.WriteAllText(Path.Combine(broken, "runs", runId, "checkpoint.safetensors"), "not a checkpoint");
        var (code, _, error) = Invoke([.. Sweep(broken), "--parallel", "2", "--resume"]);
        Assert.That(code, Is.EqualTo(1), error);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), error);
        Assert.That(lines[0], Does.StartWith($"error: run {runId} failed: "));
        Assert.That(lines[0], Does.Contain("checkpoint.safetensors").And.Contain("log.txt"));
        Assert.That(File.ReadAllText(Path.Combine(broken, "runs", runId, "checkpoint.safetensors")), Is.EqualTo("not a checkpoint"), "the corrupt file is left as it was");
    }

    [Test]
    public void A_run_finished_but_not_recorded_is_taken_in_without_training_again()
    {
        var sweep = Path.Combine(dir, "takein");
        Assert.That(Invoke([.. Sweep(sweep), "--parallel", "2"]).Code, Is.EqualTo(0));
        var expected = WithoutSeconds(Path.Combine(sweep, "results.csv"));
        var checkpoints = Directory.GetFiles(Path.Combine(sweep, "runs"), "checkpoint.safetensors", SearchOption.AllDirectories);
        var written = checkpoints.ToDictionary(c => c, File.GetLastWriteTimeUtc);

        // As if the sweep had been killed after its runs finished but before it recorded them.
        File.Delete(Path.Combine(sweep, "results.csv"));
        File.Delete(Path.Combine(sweep, "per_class_ap.csv"));
        var (code, output, error) = Invoke([.. Sweep(sweep), "--parallel", "2", "--resume"]);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output.Split("took in the finished run").Length - 1, Is.EqualTo(checkpoints.Length), output);
        Assert.That(WithoutSeconds(Path.Combine(sweep, "results.csv")), Is.EqualTo(expected));
        Assert.That(checkpoints.Select(File.GetLastWriteTimeUtc), Is.EqualTo(checkpoints.Select(c => written[c])), "nothing trained again");
    }

    [TestCase(null, "cpu", null, false, 9, 2, 2)]
    [TestCase("auto", "cpu", 2, false, 9, 2, 1)]
    [TestCase("auto", "cpu", null, false, 1, 8, 1)]
    [TestCase("auto", "cpu", null, true, 9, 8, 1)]
    [TestCase("auto", "cuda", null, false, 9, 8, 1)]
    [TestCase("3", "cpu", null, false, 9, 2, 3)]
    [TestCase("3", "cpu", null, false, 2, 2, 2)]
    [TestCase("1", "cpu", null, false, 0, 2, 1)]
    public void Auto_uses_the_cores_per_run_thread_count_and_one_process_on_a_gpu(string? text, string device, int? threads, bool shareTeachers, int pending, int cores, int expected)
    {
        var config = new SweepConfig { Run = SweepConfig.Quick with { Device = device, Threads = threads }, ShareTeachers = shareTeachers };
        Assert.That(ParallelRuns.Resolve(text, config, pending, cores), Is.EqualTo(expected));
    }

    [TestCase("0")]
    [TestCase("-1")]
    [TestCase("two")]
    [TestCase("1.5")]
    public void A_bad_count_is_a_usage_error(string text) =>
        Assert.That(() => ParallelRuns.Resolve(text, new SweepConfig(), 4, 2), Throws.ArgumentException.With.Message.Contain($"--parallel '{text}'"));

    [Test]
    public void Shared_teachers_refuse_more_than_one_process() =>
        Assert.That(() => ParallelRuns.Resolve("2", new SweepConfig { ShareTeachers = true }, 4, 2), Throws.ArgumentException.With.Message.Contain("--share-teachers"));

    [Test]
    public void Progress_lines_round_trip_and_other_lines_are_not_progress()
    {
        Assert.That(RunWorkerProcess.ParseProgress(RunWorkerProcess.FormatProgress(2, 6, 17, 50)), Is.EqualTo((2, 6, 17, 50)));
        Assert.That(RunWorkerProcess.ParseProgress("@progress 1 2 3"), Is.Null);
        Assert.That(RunWorkerProcess.ParseProgress("@progress 1 2 x 4"), Is.Null);
        Assert.That(RunWorkerProcess.ParseProgress("epoch 1/6"), Is.Null);
    }

    private static (int Code, string Output, string Error) Invoke(params string[] args) => CommandRun.Invoke([SweepCommand.Create()], args);

    // results.csv without its seconds column (wall time), in file order.
    private static string[] WithoutSeconds(string path) =>
        [.. File.ReadAllLines(path).Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 23)))];

    private string[] Sweep(string outDir) => [
        "sweep", "--dataset", "manifests", "--image-root", data,
        "--train-manifest", Path.Combine(data, "fashion_scenes.train.csv"), "--test-manifest", Path.Combine(data, "fashion_scenes.test.csv"),
        "--methods", "partial-bce,dsrb", "--proportions", "0.3,0.7", "--seeds", "0", "--epochs", "1", "--batch-size", "8", "--image-size", "56",
        "--train-limit", "0", "--test-limit", "0", "--workers", "0", "--out", outDir];
}
