namespace Srn.Metrics;

/// <summary>
/// How the thresholded metrics (<see cref="ThresholdedMetrics"/>) decide a prediction and score a class that predicts
/// nothing. The two conventions differ only there; AP and mAP are the same under both.
/// </summary>
public enum MetricsConvention
{
    /// <summary>
    /// ML-GCN's <c>AveragePrecisionMeter</c> (the default): a label is predicted when its probability is &gt;= 0.5 (logit
    /// &gt;= 0); a class without a predicted positive has precision 0, and OP is 0 when nothing is predicted at all.
    /// </summary>
    MlGcn = 0,

    /// <summary>
    /// SRN's MATLAB evaluation (zhufengx/SRN_multilabel, <c>evaluate.m</c> and <c>tools/precision_recall_f1.m</c>): a label
    /// is predicted when its probability is strictly greater than 0.5 (<c>probs &gt; threshold</c>), and precision is
    /// <c>(tp + eps) / (predicted + eps)</c>, so a class without a predicted positive has precision 1, as does OP when
    /// nothing is predicted at all. The eps terms are otherwise below 1e-15 and left out. Logits are predicted when
    /// &gt; 0: the script's <c>1 / (1 + exp(-x)) &gt; 0.5</c> differs only for 0 &lt; x &lt; 3e-16, whose sigmoid rounds to 0.5.
    /// </summary>
    Srn = 1,
}
