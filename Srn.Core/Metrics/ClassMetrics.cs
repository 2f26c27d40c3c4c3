namespace Srn.Metrics;

/// <summary>The metrics of one class, in percent, over its known entries (target 1 or -1).</summary>
public sealed class ClassMetrics
{
    internal ClassMetrics(int index, string name, int positives, int negatives, int unknown, AveragePrecisions? ap,
        int truePositives, int predictedPositives, int topKTruePositives, int topKPredictedPositives, double emptyPrecision)
    {
        EmptyPrecision = emptyPrecision;
        Index = index;
        Name = name;
        Positives = positives;
        Negatives = negatives;
        Unknown = unknown;
        Ap = ap?.Voc12 * 100;
        ApNonInterpolated = ap?.NonInterpolated * 100;
        ApVoc07 = ap?.Voc07 * 100;
        TruePositives = truePositives;
        PredictedPositives = predictedPositives;
        TopKTruePositives = topKTruePositives;
        TopKPredictedPositives = topKPredictedPositives;
    }

    /// <summary>The column index.</summary>
    public int Index { get; }

    /// <summary>The class name (its index as text when no names were given).</summary>
    public string Name { get; }

    /// <summary>Known positives Ng (target 1).</summary>
    public int Positives { get; }

    /// <summary>Known negatives (target -1).</summary>
    public int Negatives { get; }

    /// <summary>Unknown entries (target 0), left out of every metric of this class.</summary>
    public int Unknown { get; }

    /// <summary>Whether the class has a known positive; only then does it have an AP and enter the class means.</summary>
    public bool HasPositives => Positives > 0;

    /// <summary>AP, voc12 variant, percent; null when the class has no known positive (excluded from mAP).</summary>
    public double? Ap { get; }

    /// <summary>AP, noninterp variant (scikit-learn's), percent; null when the class has no known positive.</summary>
    public double? ApNonInterpolated { get; }

    /// <summary>AP, 11-point voc07 variant, percent; null when the class has no known positive.</summary>
    public double? ApVoc07 { get; }

    /// <summary>Known positives predicted positive (Nc) by the threshold.</summary>
    public int TruePositives { get; }

    /// <summary>Known entries predicted positive (Np) by the threshold.</summary>
    public int PredictedPositives { get; }

    /// <summary>Nc of the top-k predictions.</summary>
    public int TopKTruePositives { get; }

    /// <summary>Np of the top-k predictions.</summary>
    public int TopKPredictedPositives { get; }

    /// <summary>Nc / Np in percent; when nothing is predicted (Np = 0), 0 (ML-GCN's convention) or 100 (<see cref="MetricsConvention.Srn"/>).</summary>
    public double Precision => PredictedPositives == 0 ? 100 * EmptyPrecision : 100.0 * TruePositives / PredictedPositives;

    /// <summary>Nc / Ng in percent; null when the class has no known positive.</summary>
    public double? Recall => Positives == 0 ? null : 100.0 * TruePositives / Positives;

    /// <summary>2 P R / (P + R) in percent (0 when both are 0); null when the class has no known positive.</summary>
    public double? F1 => Recall is { } r ? MultiLabelMetrics.F1(Precision, r) : null;

    /// <summary>The precision of a class without predictions under the metrics' convention, as a fraction.</summary>
    private double EmptyPrecision { get; }
}
