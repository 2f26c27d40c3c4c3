using System.CommandLine;
using Srn.Experiments.Runs;
using Srn.PartialLabels.Runs;

namespace Srn.Experiments.Sweep;

/// <summary>
/// <c>srn sweep</c>, the main job: every (method, proportion, seed) of a sweep, with results, summary, plot and per-run
/// checkpoints in <c>--out</c> (docs/experiments.md). With no options it runs the default sweep, the preset <c>quick</c>,
/// on FashionScenes.
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var run = new RunOptions(SweepConfig.Quick, SweepConfig.GridSettings);
        var preset = new Option<string?>("--preset") { Description = $"quick (the default sweep: 6 epochs, 1600 training and 1000 test scenes) or a paper recipe for a GPU: {string.Join(", ", SweepConfig.PresetNames.Where(n => n != "quick"))} (data-manifests/presets/NAME.yaml says what each sets)." };
        var methods = new Option<string?>("--methods") { Description = "Comma-separated methods (default partial-bce,dsrb)." };
        var proportions = new Option<string?>("--proportions") { Description = "0.1:0.9:0.1 (start:stop:step) or a list 0.1,0.5,0.9." };
        var seeds = new Option<string?>("--seeds") { Description = "Comma-separated seeds (default 0)." };
        var baseline = new Option<string?>("--baseline") { Description = "Method the summary compares against (paired t-test over seeds); one of --methods." };
        var outOption = new Option<string>("--out") { Description = "Output directory.", DefaultValueFactory = _ => "runs/sweep" };
        var resume = new Option<bool>("--resume") { Description = "Continue a sweep in --out: skip finished runs, resume the interrupted one." };
        var shareTeachers = new Option<bool>("--share-teachers") { Description = "KD-WSD runs with the same training labels share one teacher (trained once, with seed 0)." };
        var shard = new Option<string?>("--shard") { Description = "i/N: run every N-th job from i, into OUT/shard-i-of-N (combine with srn merge)." };
        var parallel = new Option<string?>("--parallel") { Description = ParallelRuns.Help };
        var runWorker = new Option<bool>("--run-worker") { Description = "Internal: train the runs whose ids arrive on stdin (a --parallel child).", Hidden = true };
        var command = new Command("sweep", "Sweep methods x known-label proportions x seeds; write results.csv, per_class_ap.csv, summary.csv, a plot and checkpoints.");
        run.AddTo(command);
        foreach (var option in new Option[] { preset, methods, proportions, seeds, baseline, outOption, resume, shard, shareTeachers, parallel, runWorker })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, token) => Task.FromResult(CommandGuard.Run(() =>
        {
            var c = parse.GetValue(run.Config) is { } path ? SweepConfig.Load(path) : SweepConfig.FromPreset(parse.GetValue(preset) ?? "quick");
            if (parse.GetValue(run.Config) is not null && parse.GetValue(preset) is not null)
            {
                throw new RunConfigurationException("--config and --preset exclude each other: put 'preset: NAME' in the file.");
            }

            c = c with
            {
                Run = run.Apply(c.Run, parse),
                Methods = parse.GetValue(methods) is { } m ? RunOptions.ForOption("--methods", () => SweepConfig.ParseMethods(m)) : c.Methods,
                Proportions = parse.GetValue(proportions) is { } p ? RunOptions.ForOption("--proportions", () => SweepConfig.ParseProportions(p)) : c.Proportions,
                Seeds = parse.GetValue(seeds) is { } s ? RunOptions.ForOption("--seeds", () => SweepConfig.ParseSeeds(s)) : c.Seeds,
                Baseline = parse.GetValue(baseline) ?? c.Baseline,
                ShareTeachers = c.ShareTeachers || parse.GetValue(shareTeachers),
            };
            c = c.Validated(baselineGiven: parse.GetValue(baseline) is not null);
            DeviceOption.Parse(c.Run.Device);
            var outDir = parse.GetValue(outOption)!;
            (int, int)? sh = parse.GetValue(shard) is { } text ? SweepJob.ParseShard(text) : null;
            if (sh is { } x)
            {
                outDir = Path.Combine(outDir, $"shard-{x.Item1}-of-{x.Item2}");
            }

            if (parse.GetValue(runWorker))
            {
                new SweepRunner(c, outDir, resume: true, sh).RunWorker(token);
                return;
            }

            var arguments = parse.Tokens.Select(t => t.Value).ToArray();
            new SweepRunner(c, outDir, parse.GetValue(resume), sh, parse.GetValue(parallel), arguments).Run(token);
        })));
        return command;
    }
}
