using System.CommandLine;
using Srn.Experiments;
using Srn.Experiments.Results;

namespace Srn.Tests.Experiments;

/// <summary><c>srn merge</c>: shards combined, runs/ copied, summary and plot rewritten, conflicts refused.</summary>
[TestFixture]
public sealed class ShardMergeTests
{
    private string dir = null!;

    [SetUp]
    public void MakeDir() => dir = Directory.CreateTempSubdirectory("srn-merge-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    private string Shard(string name, params ResultRow[] rows)
    {
        var path = Path.Combine(dir, name);
        var store = new ResultsStore(path);
        foreach (var run in rows.GroupBy(r => r.RunId))
        {
            store.AddRun(run.ToArray(), ResultRows.PerClass(run.Key, run.Max(r => r.Epoch), run.First().Map, null));
            Directory.CreateDirectory(Path.Combine(path, "runs", run.Key));
            File.WriteAllText(Path.Combine(path, "runs", run.Key, "log.txt"), $"log of {run.Key} in {name}\n");
        }

        return path;
    }

    private static (int Code, string Output, string Error) Invoke(params string[] args) =>
        TestSupport.CommandRun.Invoke([MergeCommand.Create()], ["merge", .. args]);

    [Test]
    public void Shards_are_combined_with_their_runs_summary_and_plot()
    {
        var a = Shard("shard-0", ResultRows.Make("partial-bce", 0.1, 0, 40), ResultRows.Make("dsrb", 0.1, 0, 45));
        var b = Shard("shard-1", ResultRows.Make("partial-bce", 0.5, 0, 50), ResultRows.Make("dsrb", 0.5, 0, 56, epoch: 1), ResultRows.Make("dsrb", 0.5, 0, 57, epoch: 2));
        var outDir = Path.Combine(dir, "merged");
        var (code, output, error) = Invoke("--out", outDir, "--baseline", "partial-bce", a, b);
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("4 runs, 5 rows").And.Contain("4 file(s) copied").And.Contain("57.00").And.Contain("avg"));

        var merged = new ResultsStore(outDir);
        Assert.That(merged.ReadResults().Select(r => (r.RunId, r.Epoch)), Is.EqualTo(new[]
        {
            ("partial-bce-p0.1-s0", 1), ("dsrb-p0.1-s0", 1), ("partial-bce-p0.5-s0", 1), ("dsrb-p0.5-s0", 1), ("dsrb-p0.5-s0", 2),
        }));
        Assert.That(merged.ReadPerClassAp(), Has.Count.EqualTo(8));
        Assert.That(File.ReadAllText(Path.Combine(outDir, "runs", "dsrb-p0.5-s0", "log.txt")), Is.EqualTo("log of dsrb-p0.5-s0 in shard-1\n"));
        var summary = File.ReadAllLines(Path.Combine(outDir, "summary.csv"));
        Assert.That(summary, Has.Length.EqualTo(7));
        Assert.That(summary[4], Does.StartWith("fashion-scenes,dsrb,proportion,0.1,1,45,").And.EndWith(",partial-bce,1,5,"));
        Assert.That(summary[5], Does.StartWith("fashion-scenes,dsrb,proportion,0.5,1,57,").And.EndWith(",partial-bce,1,7,"), "the final epoch counts");
        Assert.That(File.Exists(Path.Combine(outDir, "map_fashion-scenes.svg")), Is.True);
        Assert.That(Directory.EnumerateFiles(outDir, "*.tmp", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public void A_run_in_two_shards_with_equal_results_is_kept_once_whatever_its_seconds_and_the_baseline_comes_from_the_shard_summary()
    {
        var a = Shard("shard-0", ResultRows.Make("partial-bce", 0.1, 0, 40), ResultRows.Make("dsrb", 0.1, 0, 45, seconds: 10));
        var b = Shard("shard-1", ResultRows.Make("dsrb", 0.1, 0, 45, seconds: 99));
        ResultsReport.Write(a, "partial-bce");
        var outDir = Path.Combine(dir, "merged");
        var report = ShardMerge.Merge(outDir, [a, b]);
        Assert.That(report.Runs, Is.EqualTo(2));
        Assert.That(report.DuplicateRuns, Is.EqualTo(1));
        Assert.That(report.KeptFiles, Is.EqualTo(1));
        Assert.That(report.Baseline, Is.EqualTo("partial-bce"));
        Assert.That(new ResultsStore(outDir).ReadResults().Single(r => r.Method == "dsrb").Seconds, Is.EqualTo(10));
        Assert.That(File.ReadAllText(Path.Combine(outDir, "runs", "dsrb-p0.1-s0", "log.txt")), Does.Contain("shard-0"));

        // Merging again, with the output already holding the results, changes nothing.
        var before = File.ReadAllText(Path.Combine(outDir, "results.csv"));
        ShardMerge.Merge(outDir, [a, b]);
        Assert.That(File.ReadAllText(Path.Combine(outDir, "results.csv")), Is.EqualTo(before));
    }

    [Test]
    public void Conflicting_rows_of_one_run_are_an_error_naming_both_files_and_nothing_is_written()
    {
        var a = Shard("shard-0", ResultRows.Make("dsrb", 0.1, 0, 45));
        var b = Shard("shard-1", ResultRows.Make("partial-bce", 0.1, 0, 40), ResultRows.Make("dsrb", 0.1, 0, 46));
        var outDir = Path.Combine(dir, "merged");
        var (code, _, error) = Invoke("--out", outDir, a, b);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("conflicting rows for run 'dsrb-p0.1-s0' epoch 1: column 'map' is '45'")
            .And.Contain(Path.Combine(a, "results.csv") + " line 2").And.Contain("'46' in " + Path.Combine(b, "results.csv") + " line 3"));
        Assert.That(Directory.Exists(outDir), Is.False);
    }

    [Test]
    public void Different_epochs_and_per_class_values_conflict_too()
    {
        var a = Shard("shard-0", ResultRows.Make("dsrb", 0.1, 0, 45));
        var b = Shard("shard-1", ResultRows.Make("dsrb", 0.1, 0, 45), ResultRows.Make("dsrb", 0.1, 0, 47, epoch: 2));
        Assert.That(() => ShardMerge.Merge(Path.Combine(dir, "m1"), [a, b]),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("has epochs 1,").Or.Message.Contains("has epochs 1 2"));

        var c = Shard("shard-2", ResultRows.Make("dsrb", 0.1, 0, 45));
        new ResultsStore(c).AddRun([ResultRows.Make("dsrb", 0.1, 0, 45)], ResultRows.PerClass("dsrb-p0.1-s0", 1, 44, null));
        Assert.That(() => ShardMerge.Merge(Path.Combine(dir, "m2"), [a, c]),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("conflicting per-class AP for run 'dsrb-p0.1-s0' epoch 1 class 'class 0'"));
    }

    [Test]
    public void A_missing_shard_is_an_error_and_an_empty_one_is_noted()
    {
        var (code, _, error) = Invoke("--out", Path.Combine(dir, "m"), Path.Combine(dir, "nope"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("shard directory not found").And.Contain("nope"));

        var a = Shard("shard-0", ResultRows.Make("dsrb", 0.1, 0, 45));
        Directory.CreateDirectory(Path.Combine(dir, "empty"));
        var (code2, output, error2) = Invoke("--out", Path.Combine(dir, "m"), "--baseline", "nobody", a, Path.Combine(dir, "empty"));
        Assert.That(code2, Is.Zero, error2);
        Assert.That(output, Does.Contain("no results.csv, nothing to merge from it").And.Contain("baseline 'nobody' has no runs"));
    }

    [Test]
    public void A_malformed_shard_file_is_reported_with_its_line()
    {
        var a = Shard("shard-0", ResultRows.Make("dsrb", 0.1, 0, 45));
        File.AppendAllText(Path.Combine(a, "results.csv"), "broken,row\n");
        var (code, _, error) = Invoke("--out", Path.Combine(dir, "m"), a);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain(Path.Combine(a, "results.csv") + ":3:").And.Contain("2 cells, expected 34"));
    }
}
