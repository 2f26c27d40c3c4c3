using Srn.Metrics;

namespace Srn.Experiments.Results;

/// <summary>One row of <c>per_class_ap.csv</c>: the AP (voc12, percent) of one class at one evaluation of one run.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Epoch">The evaluation's epoch.</param>
/// <param name="Class">Class name.</param>
/// <param name="Ap">AP in percent; null (an empty cell) for a class without a known positive, which mAP leaves out.</param>
internal sealed record PerClassApRow(string RunId, int Epoch, string Class, double? Ap)
{
    /// <summary>One row per class of an evaluation.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="epoch">The evaluation's epoch.</param>
    /// <param name="metrics">The evaluation's metrics.</param>
    /// <returns>The rows, in class order.</returns>
    public static IReadOnlyList<PerClassApRow> FromMetrics(string runId, int epoch, MultiLabelMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return metrics.Classes.Select(c => new PerClassApRow(runId, epoch, c.Name, c.Ap)).ToArray();
    }
}
