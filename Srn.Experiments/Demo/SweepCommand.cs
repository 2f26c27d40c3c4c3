using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Experiments.Demo;

/// <summary>
/// <c>srn sweep</c>. Until the experiment runner of specs/experiments.md lands, this runs the demo sweep
/// of <see cref="SyntheticSweep"/>: known-label proportion 10%..90% on synthetic multi-label data.
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var outOption = new Option<string>("--out") { Description = "Output directory.", DefaultValueFactory = _ => "runs/demo-sweep" };
        var seedOption = new Option<int>("--seed") { Description = "Experiment seed.", DefaultValueFactory = _ => 0 };
        var stepsOption = new Option<int>("--steps") { Description = "Training steps per proportion.", DefaultValueFactory = _ => 300 };
        var command = new Command("sweep", "Sweep the known-label proportion (demo on synthetic data until the FashionScenes runner lands).")
        {
            outOption, seedOption, stepsOption,
        };
        command.SetAction(parse =>
        {
            var outDir = parse.GetValue(outOption)!;
            var seed = parse.GetValue(seedOption);
            var steps = parse.GetValue(stepsOption);
            if (steps < 1)
            {
                Console.Error.WriteLine($"--steps must be at least 1, got {steps}.");
                return 2;
            }

            return Run(outDir, seed, steps);
        });
        return command;
    }

    private static int Run(string outDir, int seed, int steps)
    {
        AnsiConsole.MarkupLine($"[bold]srn sweep[/] (demo): synthetic multi-label data, masked BCE, seed {seed}, {steps} steps per proportion");
        AnsiConsole.MarkupLine($"libtorch {LibTorch.Version}, BLAS {Markup.Escape(LibTorch.BlasLibrary)}, {LibTorch.NumThreads} threads");
        var proportions = Enumerable.Range(1, 9).Select(i => i / 10.0).ToArray();
        var rows = new List<SyntheticSweep.Result>();
        AnsiConsole.Progress().Start(ctx =>
        {
            var task = ctx.AddTask("proportions", maxValue: proportions.Length);
            foreach (var p in proportions)
            {
                rows.Add(SyntheticSweep.Run(p, seed, steps));
                task.Increment(1);
            }
        });

        var table = new Table().AddColumns("known labels", "test mAP (%)", "final loss", "seconds");
        foreach (var r in rows)
        {
            table.AddRow(
                r.Proportion.ToString("P0", CultureInfo.InvariantCulture),
                r.MeanAveragePrecision.ToString("F2", CultureInfo.InvariantCulture),
                r.FinalLoss.ToString("F4", CultureInfo.InvariantCulture),
                r.Seconds.ToString("F2", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        var csv = "proportion,seed,steps,map,final_loss,seconds\n" + string.Concat(rows.Select(r => string.Create(
            CultureInfo.InvariantCulture, $"{r.Proportion:F1},{seed},{steps},{r.MeanAveragePrecision:F4},{r.FinalLoss:F6},{r.Seconds:F3}\n")));
        var path = Path.Combine(outDir, "results.csv");
        AtomicFile.WriteAllText(path, csv);
        AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(Path.GetFullPath(path))}[/]");
        return 0;
    }
}
