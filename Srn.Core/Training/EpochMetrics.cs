using Srn.Metrics;

namespace Srn.Training;

/// <summary>
/// The numbers of an evaluation that results files and checkpoints keep (percent): mAP (VOC12 interpolated and
/// non-interpolated), the thresholded per-class and overall precision, recall and F1 at 0.5, the same at top-3, and
/// the AP of each class (null for a class without positives in the split).
/// </summary>
public sealed record EpochMetrics(
    double Map, double MapNonInterpolated,
    double CP, double CR, double CF1, double OP, double OR, double OF1,
    double CP3, double CR3, double CF1_3, double OP3, double OR3, double OF1_3,
    IReadOnlyList<double?> ClassAp)
{
    /// <summary>The numbers of a full evaluation.</summary>
    /// <param name="m">The metrics.</param>
    /// <returns>The summary.</returns>
    public static EpochMetrics From(MultiLabelMetrics m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var t = m.Thresholded;
        var k = m.TopK;
        return new EpochMetrics(
            m.Map, m.MapNonInterpolated, t.CP, t.CR, t.CF1, t.OP, t.OR, t.OF1, k.CP, k.CR, k.CF1, k.OP, k.OR, k.OF1,
            [.. m.Classes.Select(c => c.Ap)]);
    }
}
