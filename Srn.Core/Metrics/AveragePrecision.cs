namespace Srn.Metrics;

/// <summary>The three definitions of per-class average precision that multi-label papers report.</summary>
public enum AveragePrecisionVariant
{
    /// <summary>
    /// VOC 2010-2012 ("area under the precision envelope"; what SRN, Query2Label and HCP-MLR-PL report):
    /// AP = sum over recall change points k of (R_k - R_{k-1}) * max_{j &gt;= k} P_j.
    /// </summary>
    Voc12 = 0,

    /// <summary>
    /// Non-interpolated AP (ASL, ML-GCN): AP = sum over thresholds k of (R_k - R_{k-1}) * P_k, the mean of the precision
    /// at the rank of each positive. Same as scikit-learn's <c>average_precision_score</c>, ties included.
    /// </summary>
    NonInterpolated = 1,

    /// <summary>VOC 2007 11-point interpolated AP: AP = (1/11) sum_{t in 0, 0.1, ..., 1} max_{k: R_k &gt;= t} P_k.</summary>
    Voc07 = 2,
}

/// <summary>The three average-precision variants of one class, as fractions in [0, 1].</summary>
/// <param name="Voc12">See <see cref="AveragePrecisionVariant.Voc12"/>.</param>
/// <param name="NonInterpolated">See <see cref="AveragePrecisionVariant.NonInterpolated"/>.</param>
/// <param name="Voc07">See <see cref="AveragePrecisionVariant.Voc07"/>.</param>
public readonly record struct AveragePrecisions(double Voc12, double NonInterpolated, double Voc07)
{
    /// <summary>The value of one variant.</summary>
    /// <param name="variant">The variant.</param>
    /// <returns>The AP, a fraction in [0, 1].</returns>
    public double Get(AveragePrecisionVariant variant) => variant switch
    {
        AveragePrecisionVariant.Voc12 => Voc12,
        AveragePrecisionVariant.NonInterpolated => NonInterpolated,
        AveragePrecisionVariant.Voc07 => Voc07,
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "unknown average-precision variant"),
    };
}

/// <summary>
/// Average precision of one class: scores ranked against targets in {1, -1, 0}, where 0 (unknown, difficult) entries
/// are left out.
/// </summary>
/// <remarks>
/// <para>
/// Definitions. Let the known entries of the class have P positives. Walk the distinct score values t_1 &gt; t_2 &gt; ...
/// from the highest; at threshold t_k let TP_k and FP_k count the positives and negatives scoring &gt;= t_k, and
/// P_k = TP_k / (TP_k + FP_k) (precision), R_k = TP_k / P (recall), R_0 = 0. Then
/// </para>
/// <list type="bullet">
/// <item><description>voc12 = sum_k (R_k - R_{k-1}) * max_{j &gt;= k} P_j,</description></item>
/// <item><description>noninterp = sum_k (R_k - R_{k-1}) * P_k,</description></item>
/// <item><description>voc07 = (1/11) sum_{i=0..10} max_{k: R_k &gt;= i/10} P_k.</description></item>
/// </list>
/// <para>
/// Ties: entries with equal scores form one threshold step (all of them are counted at once), in all three variants,
/// so the result never depends on the order of the rows. That is exactly how scikit-learn's
/// <c>average_precision_score</c> treats ties, so noninterp equals it; without ties voc12 and voc07 equal the
/// PASCAL VOC devkit's <c>VOCap</c> and 11-point AP. The recall levels of voc07 are compared exactly
/// (10 * TP_k &gt;= i * P in integers), not against <c>np.arange(0, 1.1, 0.1)</c>, whose 0.30000000000000004 would
/// miss a recall of exactly 0.3.
/// </para>
/// <para>
/// A class without a known positive has no AP (null), never NaN or 0. Cost: one sort of the positives' and one of the
/// negatives' scores, then one pass over the positives; no allocation per element.
/// </para>
/// </remarks>
public static class AveragePrecision
{
    /// <summary>Average precision of one class.</summary>
    /// <remarks>Same as <c>sklearn.metrics.average_precision_score(targets[known] == 1, scores[known])</c> for
    /// <see cref="AveragePrecisionVariant.NonInterpolated"/>.</remarks>
    /// <param name="scores">One score per sample (logits or probabilities; only their order matters).</param>
    /// <param name="targets">One target per sample: 1 (positive), -1 (negative) or 0 (unknown, left out).</param>
    /// <param name="variant">The definition; <see cref="AveragePrecisionVariant.Voc12"/> by default.</param>
    /// <returns>The AP as a fraction in [0, 1], or null when no known target is positive.</returns>
    /// <exception cref="ArgumentException">When the lengths differ, a target is not 1, -1 or 0, or a score is NaN.</exception>
    public static double? Compute(ReadOnlySpan<double> scores, ReadOnlySpan<double> targets, AveragePrecisionVariant variant = AveragePrecisionVariant.Voc12) =>
        ComputeAll(scores, targets)?.Get(variant);

    /// <summary>All three variants of one class at once (one sort).</summary>
    /// <param name="scores">One score per sample.</param>
    /// <param name="targets">One target per sample: 1, -1 or 0 (unknown, left out).</param>
    /// <returns>The three APs as fractions, or null when no known target is positive.</returns>
    /// <exception cref="ArgumentException">When the lengths differ, a target is not 1, -1 or 0, or a score is NaN.</exception>
    public static AveragePrecisions? ComputeAll(ReadOnlySpan<double> scores, ReadOnlySpan<double> targets)
    {
        if (scores.Length != targets.Length)
        {
            throw new ArgumentException($"{scores.Length} scores but {targets.Length} targets", nameof(targets));
        }

        var positives = new double[scores.Length];
        var negatives = new double[scores.Length];
        int p = 0, n = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var t = targets[i];
            var s = scores[i];
            if (double.IsNaN(s))
            {
                throw new ArgumentException($"score {i} is NaN", nameof(scores));
            }

            if (t == 0)
            {
                continue;
            }

            if (t == 1)
            {
                positives[p++] = s;
            }
            else if (t == -1)
            {
                negatives[n++] = s;
            }
            else
            {
                throw new ArgumentException($"target {i} is {t}; targets must be 1, -1 or 0 (unknown)", nameof(targets));
            }
        }

        if (p == 0)
        {
            return null;
        }

        var pos = positives.AsSpan(0, p);
        var neg = negatives.AsSpan(0, n);
        pos.Sort();
        neg.Sort();
        return FromSorted(pos, neg);
    }

    /// <summary>
    /// The three variants from the positives' and the negatives' scores, each sorted ascending (no NaN; at least one
    /// positive). One pass over the positives from the lowest score up; the negatives are counted with a second pointer.
    /// </summary>
    /// <param name="positives">Scores of the positives, ascending.</param>
    /// <param name="negatives">Scores of the negatives, ascending.</param>
    /// <returns>The three APs.</returns>
    internal static AveragePrecisions FromSorted(ReadOnlySpan<double> positives, ReadOnlySpan<double> negatives)
    {
        var np = positives.Length;
        var nn = negatives.Length;

        // Walking up the scores walks down the recall: at the group of positives with score t, TP = positives >= t and
        // FP = negatives >= t. A threshold step made only of negatives never matters: its precision is below the step
        // just above it, which has the same recall, so it is never an envelope maximum and adds no recall.
        // `envelope` = max precision over the steps visited so far = over the steps of lower score = higher recall.
        Span<double> level11 = stackalloc double[11];
        var level = 10; // voc07 recall levels above this one are final
        double envelope = 0, voc12 = 0, nonInterp = 0;
        int i = 0, j = 0;
        while (i < np)
        {
            var t = positives[i];
            while (j < nn && negatives[j] < t)
            {
                j++;
            }

            var first = i;
            do
            {
                i++;
            }
            while (i < np && positives[i] == t);

            long tp = np - first;
            long fp = nn - j;
            long added = i - first;
            var precision = tp / (double)(tp + fp);

            // voc07: levels r with r/10 > this step's recall are finished: their max is over the steps seen so far.
            while (level >= 0 && 10 * tp < level * (long)np)
            {
                level11[level--] = envelope;
            }

            if (precision > envelope)
            {
                envelope = precision;
            }

            nonInterp += added * precision;
            voc12 += added * envelope;
        }

        while (level >= 0)
        {
            level11[level--] = envelope;
        }

        double voc07 = 0;
        foreach (var v in level11)
        {
            voc07 += v;
        }

        return new AveragePrecisions(voc12 / np, nonInterp / np, voc07 / 11);
    }
}
