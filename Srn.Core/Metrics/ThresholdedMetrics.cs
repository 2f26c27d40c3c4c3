namespace Srn.Metrics;

/// <summary>
/// Precision, recall and F1 of thresholded predictions, per class averaged and overall, in percent (ML-GCN's
/// convention). Per class c over its known entries: Nc = true positives, Np = predicted positives, Ng = positives.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description>CP = mean_c Nc/Np, CR = mean_c Nc/Ng, CF1 = 2 CP CR / (CP + CR); the means run over the
/// classes with at least one known positive (the classes that have an AP); a class with Np = 0 counts as precision 0
/// (1 under <see cref="MetricsConvention.Srn"/>) and is listed in <see cref="ClassesWithoutPredictions"/>.</description></item>
/// <item><description>OP = sum_c Nc / sum_c Np, OR = sum_c Nc / sum_c Ng, OF1 = 2 OP OR / (OP + OR); the sums run over
/// every class, so false positives on a class without positives count against OP.</description></item>
/// <item><description>CF1 mean (SRN's "CF1") = mean_c F1_c with F1_c = 2 P_c R_c / (P_c + R_c), over the same classes
/// as CP.</description></item>
/// </list>
/// An F1 whose precision and recall are both 0 is 0; OP is 0 when nothing is predicted at all (1 under
/// <see cref="MetricsConvention.Srn"/>).
/// </remarks>
public sealed class ThresholdedMetrics
{
    internal ThresholdedMetrics(double cp, double cr, double cf1, double cf1Mean, double op, double or, double of1, IReadOnlyList<int> classesWithoutPredictions)
    {
        CP = cp;
        CR = cr;
        CF1 = cf1;
        CF1Mean = cf1Mean;
        OP = op;
        OR = or;
        OF1 = of1;
        ClassesWithoutPredictions = classesWithoutPredictions;
    }

    /// <summary>Per-class precision: mean_c Nc/Np over the classes with a positive (Np = 0 counts as 0, or 1 under <see cref="MetricsConvention.Srn"/>), percent.</summary>
    public double CP { get; }

    /// <summary>Per-class recall: mean_c Nc/Ng over the classes with a positive, percent.</summary>
    public double CR { get; }

    /// <summary>2 CP CR / (CP + CR), percent (ML-GCN's CF1).</summary>
    public double CF1 { get; }

    /// <summary>Mean over the classes with a positive of the per-class F1, percent (what SRN's paper calls CF1).</summary>
    public double CF1Mean { get; }

    /// <summary>Overall precision: sum Nc / sum Np over all classes, percent.</summary>
    public double OP { get; }

    /// <summary>Overall recall: sum Nc / sum Ng over all classes, percent.</summary>
    public double OR { get; }

    /// <summary>2 OP OR / (OP + OR), percent.</summary>
    public double OF1 { get; }

    /// <summary>Classes with a positive but no predicted positive (Np = 0): their precision entered CP as 0 (as 1 under <see cref="MetricsConvention.Srn"/>). Ascending class indices.</summary>
    public IReadOnlyList<int> ClassesWithoutPredictions { get; }
}
