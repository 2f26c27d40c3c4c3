using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Srn.Data;
using Srn.Experiments.Results;

namespace Srn.Experiments;

/// <summary>
/// <c>srn merge --out DIR SHARD_DIR...</c>: combines the output directories of sweep shards (results.csv, per_class_ap.csv,
/// runs/&lt;run_id&gt;/) into DIR and rewrites summary.csv and the plots (see <see cref="ShardMerge"/>).
/// </summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var outOption = new Option<string>("--out")
        {
            Description = "Merged output directory (created if needed; results already there are kept and merged too).",
            Required = true,
        };
        var baselineOption = new Option<string?>("--baseline")
        {
            Description = "Baseline method for summary.csv's map_diff and p_value; default: the one the shards' summary.csv names.",
        };
        var shardsArgument = new Argument<string[]>("shards")
        {
            Description = "Shard output directories, e.g. runs/sweep-0 runs/sweep-1.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("merge", "Merge the output directories of sweep shards (--shard i/N) into one and rewrite the summary and plots.")
        {
            outOption, baselineOption, shardsArgument,
        };
        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            try
            {
                Run(parse.GetValue(outOption)!, parse.GetValue(shardsArgument)!, parse.GetValue(baselineOption), parse.InvocationConfiguration.Output);
                return 0;
            }
            catch (Exception e)
            {
                return CommandGuard.Report(e, error);
            }
        });
        return command;
    }

    /// <summary>Merges and prints what it did and the summary table.</summary>
    /// <param name="outDir">The merged output directory.</param>
    /// <param name="shards">The shard directories.</param>
    /// <param name="baseline">The baseline method, or null.</param>
    /// <param name="output">Where the report goes.</param>
    /// <returns>The merge report.</returns>
    public static MergeReport Run(string outDir, IReadOnlyList<string> shards, string? baseline, TextWriter output)
    {
        var report = ShardMerge.Merge(outDir, shards, baseline);
        // Plain lines (not Spectre markup, which wraps at the console width and would split paths); Spectre for the table.
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"srn merge: {shards.Count} shard(s) -> {report.Runs} runs, {report.Rows} rows; {report.DuplicateRuns} run(s) found in several sources with equal results; "
            + $"{report.CopiedFiles} file(s) copied into runs/, {report.KeptFiles} already there kept"));
        foreach (var note in report.Notes)
        {
            output.WriteLine($"note: {note}");
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        SummaryTable.Write(console, report.Summary);
        output.WriteLine($"wrote {Path.GetFullPath(outDir)}: {ResultsCsv.FileName}, {PerClassApCsv.FileName}, {SummaryCsv.FileName}"
            + string.Concat(report.Summary.Select(r => r.Dataset).Distinct().Select(d => ", " + MapPlot.FileName(d))));
        return report;
    }
}
