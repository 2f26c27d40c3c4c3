using System.Globalization;
using System.Text;
using Srn.Torch.IO;

namespace Srn.Metrics;

/// <summary>
/// The CSV files of <c>srn metrics</c> (and of any run that reports metrics): <c>metrics.csv</c>, one row of percentages,
/// and <c>per_class_ap.csv</c>, one row per class. Numbers are written in the shortest form that reads back to the same
/// double (invariant culture).
/// </summary>
public static class MetricsCsv
{
    /// <summary>The file name of the summary row.</summary>
    public const string SummaryFileName = "metrics.csv";

    /// <summary>The file name of the per-class APs.</summary>
    public const string PerClassFileName = "per_class_ap.csv";

    /// <summary>The header of <c>per_class_ap.csv</c>.</summary>
    public const string PerClassHeader = "class,ap,ap_noninterp,ap_voc07";

    /// <summary>The header of <c>metrics.csv</c> for top-k metrics with k = 3 (cp3 ... of1_3); for another k the digits change.</summary>
    public const string SummaryHeader = "map,map_noninterp,map_voc07,cp,cr,cf1,cf1_mean,op,or,of1,cp3,cr3,cf1_3,op3,or3,of1_3";

    /// <summary>The header of <c>metrics.csv</c> for the top-k metrics of a given k.</summary>
    /// <param name="k">k of the top-k metrics.</param>
    /// <returns><see cref="SummaryHeader"/> for k = 3.</returns>
    public static string SummaryHeaderFor(int k) => string.Create(
        CultureInfo.InvariantCulture, $"map,map_noninterp,map_voc07,cp,cr,cf1,cf1_mean,op,or,of1,cp{k},cr{k},cf1_{k},op{k},or{k},of1_{k}");

    /// <summary>
    /// <c>metrics.csv</c>: the header and one row, in percent: map (voc12), map_noninterp, map_voc07, cp, cr, cf1, cf1_mean,
    /// op, or, of1, then cp, cr, cf1, op, or, of1 of the top-k predictions.
    /// </summary>
    /// <param name="metrics">The metrics.</param>
    /// <returns>The file content, lines ending with '\n'.</returns>
    public static string FormatSummary(MultiLabelMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var t = metrics.Thresholded;
        var k = metrics.TopK;
        double[] row = [metrics.Map, metrics.MapNonInterpolated, metrics.MapVoc07, t.CP, t.CR, t.CF1, t.CF1Mean, t.OP, t.OR, t.OF1, k.CP, k.CR, k.CF1, k.OP, k.OR, k.OF1];
        return SummaryHeaderFor(metrics.K) + "\n" + string.Join(",", row.Select(v => Number(v))) + "\n";
    }

    /// <summary>
    /// <c>per_class_ap.csv</c>: one row per class in column order, AP in percent for the three variants. A class without a
    /// known positive (excluded from mAP) has its three AP cells empty.
    /// </summary>
    /// <param name="metrics">The metrics.</param>
    /// <returns>The file content, lines ending with '\n'.</returns>
    public static string FormatPerClassAp(MultiLabelMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var text = new StringBuilder(PerClassHeader).Append('\n');
        foreach (var c in metrics.Classes)
        {
            text.Append(Quote(c.Name)).Append(',')
                .Append(Number(c.Ap)).Append(',')
                .Append(Number(c.ApNonInterpolated)).Append(',')
                .Append(Number(c.ApVoc07)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Writes <c>metrics.csv</c> and <c>per_class_ap.csv</c> into a directory (created if needed), each atomically.</summary>
    /// <param name="directory">The output directory.</param>
    /// <param name="metrics">The metrics.</param>
    public static void Write(string directory, MultiLabelMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(directory);
        AtomicFile.WriteAllText(System.IO.Path.Combine(directory, SummaryFileName), FormatSummary(metrics));
        AtomicFile.WriteAllText(System.IO.Path.Combine(directory, PerClassFileName), FormatPerClassAp(metrics));
    }

    private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty;

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
