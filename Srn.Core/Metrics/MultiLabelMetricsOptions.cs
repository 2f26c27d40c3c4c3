namespace Srn.Metrics;

/// <summary>Options of <see cref="MultiLabelMetrics.Compute(double[,], double[,], MultiLabelMetricsOptions?)"/>.</summary>
public sealed record MultiLabelMetricsOptions
{
    /// <summary>What the scores are, which sets the threshold (0.5 for probabilities, 0 for logits). Default: detect.</summary>
    public ScoreKind ScoreKind { get; init; } = ScoreKind.Auto;

    /// <summary>k of the top-k metrics (3 by default, as papers report). At least 1; at least the class count means every label.</summary>
    public int TopK { get; init; } = 3;

    /// <summary>
    /// Whether a top-k label must also pass the threshold to count as predicted (true, the COCO convention of ML-GCN and
    /// SRN) or whether an image's k highest labels are always predicted (false, the NUS-WIDE convention).
    /// </summary>
    public bool TopKThreshold { get; init; } = true;

    /// <summary>
    /// The convention of the thresholded metrics: <see cref="MetricsConvention.MlGcn"/> (default: predicted when the
    /// probability is &gt;= 0.5, a class without predictions has precision 0) or <see cref="MetricsConvention.Srn"/> (SRN's
    /// MATLAB evaluation: &gt; 0.5, precision 1).
    /// </summary>
    public MetricsConvention Convention { get; init; } = MetricsConvention.MlGcn;

    /// <summary>Class names in column order, used in error messages and per-class results; null names them by index.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }
}
