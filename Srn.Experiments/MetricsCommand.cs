using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Srn.Metrics;

namespace Srn.Experiments;

/// <summary>
/// <c>srn metrics --scores S.csv --targets T.csv --out DIR</c>: every metric of docs/metrics.md for a score file
/// against a target manifest. Both files are manifest-shaped (<c>image,&lt;class 1&gt;,...</c>); rows are matched by
/// image and columns by class name, and the output follows the targets' order. Writes <c>DIR/metrics.csv</c> (one row,
/// percent) and <c>DIR/per_class_ap.csv</c> (a class without a known positive has empty AP cells), each atomically.
/// </summary>
internal static class MetricsCommand
{
    public static Command Create()
    {
        var scoresOption = new Option<string>("--scores")
        {
            Description = "CSV of scores: header image,<class 1>,...; one row per image; logits or probabilities.",
            Required = true,
        };
        var targetsOption = new Option<string>("--targets")
        {
            Description = "CSV of targets (a manifest): the same images and classes; cells 1, -1 or 0 (unknown, left out).",
            Required = true,
        };
        var outOption = new Option<string>("--out")
        {
            Description = "Output directory: metrics.csv (one row, percent) and per_class_ap.csv (empty AP cells for a class without a known positive).",
            Required = true,
        };
        var kindOption = new Option<ScoreKind>("--score-kind")
        {
            Description = "auto (any score outside [0, 1] means logits), probabilities (threshold 0.5) or logits (threshold 0).",
            DefaultValueFactory = _ => ScoreKind.Auto,
        };
        var noThresholdOption = new Option<bool>("--top3-without-threshold")
        {
            Description = "Top-3 metrics predict each image's 3 highest labels whatever their score (NUS-WIDE convention) "
                + "instead of those that also pass the threshold (COCO convention, the default).",
        };
        var conventionOption = new Option<string>("--convention")
        {
            Description = "Thresholded metrics: ml-gcn (predicted when probability >= 0.5, a class without predictions has precision 0) "
                + "or srn (SRN's MATLAB evaluation: > 0.5, precision 1).",
            DefaultValueFactory = _ => "ml-gcn",
        }.AcceptOnlyFromAmong("ml-gcn", "srn");
        var command = new Command("metrics", "Compute mAP (voc12, noninterp, voc07), CP/CR/CF1/OP/OR/OF1 and top-3 metrics of a score file against a target manifest.")
        {
            scoresOption, targetsOption, outOption, kindOption, noThresholdOption, conventionOption,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var options = new MultiLabelMetricsOptions
            {
                ScoreKind = parse.GetValue(kindOption),
                TopKThreshold = !parse.GetValue(noThresholdOption),
                Convention = parse.GetValue(conventionOption) == "srn" ? MetricsConvention.Srn : MetricsConvention.MlGcn,
            };
            try
            {
                Run(parse.GetValue(scoresOption)!, parse.GetValue(targetsOption)!, parse.GetValue(outOption)!, options, output);
                return 0;
            }
            catch (Exception e)
            {
                return CommandGuard.Report(e, error);
            }
        });
        return command;
    }

    /// <summary>Reads both files, computes the metrics, prints the table and writes the two CSV files.</summary>
    /// <param name="scoresPath">The score CSV.</param>
    /// <param name="targetsPath">The target CSV.</param>
    /// <param name="outDir">The output directory.</param>
    /// <param name="options">Score kind, top-k and thresholded-metrics conventions (k = 3).</param>
    /// <param name="output">Where the table goes.</param>
    /// <returns>The metrics.</returns>
    public static MultiLabelMetrics Run(string scoresPath, string targetsPath, string outDir, MultiLabelMetricsOptions options, TextWriter output)
    {
        var scores = ManifestMatrix.ReadScores(scoresPath);
        var targets = ManifestMatrix.ReadTargets(targetsPath);
        var aligned = ManifestMatrix.AlignScores(scores, targets);
        var metrics = MultiLabelMetrics.Compute(aligned, targets.Values, targets.Classes.Count, options with { TopK = 3, ClassNames = targets.Classes });
        MetricsCsv.Write(outDir, metrics);

        var srn = metrics.Convention == MetricsConvention.Srn;
        var empty = srn ? "1" : "0";
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        console.MarkupLine($"[bold]srn metrics[/]: {targets.Images.Count} images, {targets.Classes.Count} classes; scores read as "
            + $"{metrics.ScoreKind.ToString().ToLowerInvariant()} (predicted positive: score {(srn ? ">" : ">=")} {metrics.Threshold.ToString(CultureInfo.InvariantCulture)}, "
            + $"{(srn ? "SRN" : "ML-GCN")} convention); top-3 {(metrics.TopKThreshold ? "with" : "without")} the threshold");
        var table = new Table().AddColumns("metric (%)", "all labels", "top-3");
        table.AddRow("mAP (voc12)", F(metrics.Map), string.Empty);
        table.AddRow("mAP (noninterp)", F(metrics.MapNonInterpolated), string.Empty);
        table.AddRow("mAP (voc07)", F(metrics.MapVoc07), string.Empty);
        var t = metrics.Thresholded;
        var k = metrics.TopK;
        table.AddRow("CP", F(t.CP), F(k.CP));
        table.AddRow("CR", F(t.CR), F(k.CR));
        table.AddRow("CF1", F(t.CF1), F(k.CF1));
        table.AddRow("CF1 mean (SRN)", F(t.CF1Mean), F(k.CF1Mean));
        table.AddRow("OP", F(t.OP), F(k.OP));
        table.AddRow("OR", F(t.OR), F(k.OR));
        table.AddRow("OF1", F(t.OF1), F(k.OF1));
        console.Write(table);

        if (metrics.ExcludedClasses.Count > 0)
        {
            console.MarkupLine($"[yellow]{metrics.ExcludedClasses.Count} class(es) without a known positive, excluded from mAP and the class means "
                + $"(empty cells in {MetricsCsv.PerClassFileName}):[/] {Names(metrics, metrics.ExcludedClasses)}");
        }

        if (t.ClassesWithoutPredictions.Count > 0)
        {
            console.MarkupLine($"[yellow]{t.ClassesWithoutPredictions.Count} class(es) with no predicted positive (precision counted as {empty} in CP):[/] "
                + Names(metrics, t.ClassesWithoutPredictions));
        }

        if (k.ClassesWithoutPredictions.Count > 0)
        {
            console.MarkupLine($"[yellow]{k.ClassesWithoutPredictions.Count} class(es) with no top-3 predicted positive (precision counted as {empty} in CP3):[/] "
                + Names(metrics, k.ClassesWithoutPredictions));
        }

        console.MarkupLine($"wrote [green]{Markup.Escape(Path.GetFullPath(Path.Combine(outDir, MetricsCsv.SummaryFileName)))}[/] and "
            + $"[green]{Markup.Escape(MetricsCsv.PerClassFileName)}[/]");
        return metrics;
    }

    private static string F(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Names(MultiLabelMetrics metrics, IReadOnlyList<int> classes) =>
        Markup.Escape(string.Join(", ", classes.Take(20).Select(c => metrics.Classes[c].Name)) + (classes.Count > 20 ? $", ... ({classes.Count - 20} more)" : string.Empty));
}
