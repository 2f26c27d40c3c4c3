using System.CommandLine;
using System.Diagnostics;
using Srn.Data;
using Srn.Experiments;
using Srn.Experiments.Sweep;

namespace Srn.Tests.Experiments;

/// <summary>
/// A sweep process killed with SIGKILL in the middle of a run, then resumed, ends with the same results as an
/// uninterrupted sweep and without duplicate rows: the atomic writes and the per-run checkpoints at work.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SweepKillTests
{
    [Test]
    public void A_sweep_killed_mid_run_resumes_to_the_uninterrupted_results()
    {
        var dir = Directory.CreateTempSubdirectory("srn-kill-").FullName;
        try
        {
            var data = Path.Combine(dir, "data");
            var generator = new FashionScenesGenerator(FashionMnist.Load(), new FashionScenesOptions { Seed = 4, TrainScenes = 96, TestScenes = 16, CanvasSize = 56 });
            FashionScenesDataset.Write(data, generator, new PngImageWriter());
            string[] Sweep(string outDir) => [
                "sweep", "--dataset", "manifests", "--image-root", data,
                "--train-manifest", Path.Combine(data, "fashion_scenes.train.csv"), "--test-manifest", Path.Combine(data, "fashion_scenes.test.csv"),
                "--methods", "partial-bce", "--proportions", "0.2,0.5,0.8", "--seeds", "0", "--epochs", "3", "--batch-size", "8", "--image-size", "56",
                "--train-limit", "0", "--test-limit", "0", "--workers", "0", "--out", outDir];

            var whole = Path.Combine(dir, "whole");
            Assert.That(Invoke(Sweep(whole)), Is.EqualTo(0));

            // The same sweep as a separate process, killed once the second run has written a checkpoint.
            var killed = Path.Combine(dir, "killed");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "srn.dll"));
            foreach (var arg in Sweep(killed))
            {
                start.ArgumentList.Add(arg);
            }

            using (var process = Process.Start(start)!)
            {
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, _) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                var deadline = DateTime.UtcNow.AddMinutes(3);
                while (!process.HasExited && DateTime.UtcNow < deadline && !SecondRunStarted(killed))
                {
                    Thread.Sleep(10);
                }

                Assert.That(process.HasExited, Is.False, "the sweep ended before it could be killed");
                process.Kill(entireProcessTree: true); // SIGKILL: no handler runs
                process.WaitForExit();
            }

            var finishedBefore = RunIds(Path.Combine(killed, "results.csv"));
            // Killed inside the second run (rarely just after its last epoch): the third run never started.
            Assert.That(finishedBefore.Count, Is.InRange(1, 2));

            Assert.That(Invoke([.. Sweep(killed), "--resume"]), Is.EqualTo(0));
            Assert.That(SweepTests.Stable(Path.Combine(killed, "results.csv")), Is.EqualTo(SweepTests.Stable(Path.Combine(whole, "results.csv"))));
            Assert.That(File.ReadAllLines(Path.Combine(killed, "per_class_ap.csv")).Order(), Is.EqualTo(File.ReadAllLines(Path.Combine(whole, "per_class_ap.csv")).Order()));
            Assert.That(File.ReadAllLines(Path.Combine(killed, "results.csv")), Has.Length.EqualTo(1 + (3 * 3)), "3 runs x 3 epochs, no duplicates");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int Invoke(params string[] args) => new RootCommand { SweepCommand.Create() }.Parse(args).Invoke();

    // The first run finished (its rows are in results.csv) and the second has a checkpoint: it is mid-run.
    private static bool SecondRunStarted(string sweep)
    {
        var runs = Path.Combine(sweep, "runs");
        try
        {
            return RunIds(Path.Combine(sweep, "results.csv")).Count == 1
                && Directory.Exists(runs)
                && Directory.GetDirectories(runs).Count(d => File.Exists(Path.Combine(d, "checkpoint.safetensors"))) >= 2;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static HashSet<string> RunIds(string results) =>
        File.Exists(results) ? [.. File.ReadAllLines(results).Skip(1).Select(l => l.Split(',')[0])] : [];
}
