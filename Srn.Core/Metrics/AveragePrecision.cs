using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
/// A class without a known positive has no AP (null), never NaN or 0. Cost: one radix sort of the positives' scores (as
/// order-preserving integer keys), one table lookup per negative, one pass over the distinct positive scores; no
/// allocation per element.
/// </para>
/// </remarks>
public static class AveragePrecision
{
    /// <summary>The most cells of the negatives' lookup table.</summary>
    private const int MaxCells = 1 << 16;

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

        var positives = new ulong[scores.Length];
        var keys = new ulong[scores.Length];
        var kinds = new sbyte[scores.Length];
        int p = 0, n = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var t = targets[i];
            var s = scores[i];
            if (double.IsNaN(s))
            {
                throw new ArgumentException($"score {i} is NaN", nameof(scores));
            }

            if (t != 1 && t != -1 && t != 0)
            {
                throw new ArgumentException($"target {i} is {t}; targets must be 1, -1 or 0 (unknown)", nameof(targets));
            }

            keys[i] = ScoreKeys.From(s);
            kinds[i] = (sbyte)t;
            if (t == 1)
            {
                positives[p++] = keys[i];
            }
            else if (t == -1)
            {
                n++;
            }
        }

        if (p == 0)
        {
            return null;
        }

        return FromKeys(positives.AsSpan(0, p), keys, kinds, n, new Workspace());
    }

    /// <summary>
    /// The three variants of one class from the keys (<see cref="ScoreKeys.From"/>) of its positives, and the keys and
    /// targets of all its entries (at least one positive). Equal keys are equal scores.
    /// </summary>
    /// <remarks>
    /// Only the positives are sorted. Their distinct keys d_0 &lt; ... &lt; d_{m-1} are the thresholds where the recall
    /// changes; each negative only needs counting into the interval between two thresholds, found through a table of
    /// score cells (a few comparisons, usually), so the many negatives cost about O(1) each instead of a sort.
    /// Then at threshold d_i: TP_i = positives &gt;= d_i, FP_i = negatives &gt;= d_i, walked from the lowest threshold up.
    /// </remarks>
    /// <param name="positives">Keys of the positives' scores, any order; sorted and overwritten.</param>
    /// <param name="keys">Keys of all the class's scores.</param>
    /// <param name="targets">The targets of <paramref name="keys"/>: those with target -1 are the negatives (1 and 0 are skipped).</param>
    /// <param name="negativeCount">How many targets are -1.</param>
    /// <param name="workspace">Reusable buffers.</param>
    /// <returns>The three APs.</returns>
    internal static AveragePrecisions FromKeys(Span<ulong> positives, ReadOnlySpan<ulong> keys, ReadOnlySpan<sbyte> targets, int negativeCount, Workspace workspace)
    {
        var np = positives.Length;
        var nn = negativeCount;
        workspace.Reserve(np);
        ScoreKeys.Sort(positives, workspace.Keys);

        // Distinct thresholds, ascending, with their numbers of positives (compacted in place).
        var multiplicity = workspace.Multiplicity;
        var m = 0;
        for (var i = 0; i < np; i++)
        {
            var k = positives[i];
            if (m > 0 && positives[m - 1] == k)
            {
                multiplicity[m - 1]++;
            }
            else
            {
                positives[m] = k;
                multiplicity[m++] = 1;
            }
        }

        ReadOnlySpan<ulong> thresholds = positives[..m];

        // below[b] = negatives with exactly b thresholds <= their key (b in 0..m).
        var below = workspace.Below.AsSpan(0, m + 1);
        below.Clear();
        if (nn > 0)
        {
            CountNegatives(thresholds, keys, targets, below, workspace);
        }

        // Walking up the thresholds walks down the recall. At d_i: TP = positives >= d_i, FP = negatives >= d_i. Steps made
        // only of negatives never matter: their precision is below the step just above, which has the same recall, so they
        // are never an envelope maximum and add no recall. `envelope` = max precision over the thresholds visited so far =
        // over the thresholds of lower score = of higher recall.
        Span<double> level11 = stackalloc double[11];
        var level = 10; // voc07 recall levels above this one are final
        double envelope = 0, voc12 = 0, nonInterp = 0;
        long tp = np;
        long fp = nn - below[0];
        for (var i = 0; i < m; i++)
        {
            long added = multiplicity[i];
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
            tp -= added;
            fp -= below[i + 1];
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

    /// <summary>below[b] += 1 for each negative (target -1) with exactly b thresholds &lt;= its key.</summary>
    /// <remarks>
    /// A negative's interval is found through a table of cells: cell(x) is monotone in the score (so thresholds in lower
    /// cells are below x and those in higher cells above it), and start[p] is the first threshold in a cell &gt;= p; only
    /// the thresholds sharing x's cell are compared. The cells split the range of the finite thresholds evenly in value,
    /// about 8 per threshold, so a cell rarely holds more than one (scores outside the range clamp to the end cells).
    /// Splitting the value range spreads real score distributions far better than splitting the key bits, whose top bits
    /// are the exponent. Clustered thresholds fall back to a binary search inside their cell.
    /// </remarks>
    private static void CountNegatives(ReadOnlySpan<ulong> thresholds, ReadOnlySpan<ulong> keys, ReadOnlySpan<sbyte> targets, Span<int> below, Workspace workspace)
    {
        var m = thresholds.Length;
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var k in thresholds)
        {
            var v = ScoreKeys.ToScore(k);
            if (double.IsFinite(v))
            {
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }
        }

        var cells = (int)Math.Min(MaxCells, 8L * m);
        var scale = cells / (hi - lo);
        if (!double.IsFinite(scale) || !(scale > 0))
        {
            // Fewer than two finite thresholds, or a range too wide for doubles: binary search over all of them.
            for (var i = 0; i < keys.Length; i++)
            {
                if (targets[i] < 0)
                {
                    below[UpperBound(thresholds, 0, m, keys[i])]++;
                }
            }

            return;
        }

        var start = workspace.Table(cells + 1);
        var t = 0;
        for (var p = 0; p <= cells; p++)
        {
            while (t < m && Cell(ScoreKeys.ToScore(thresholds[t]), lo, scale, cells) < p)
            {
                t++;
            }

            start[p] = t;
        }

        ref var threshold0 = ref MemoryMarshal.GetReference(thresholds);
        ref var start0 = ref MemoryMarshal.GetReference(start);
        ref var below0 = ref MemoryMarshal.GetReference(below);
        ref var target0 = ref MemoryMarshal.GetReference(targets);
        var lastThreshold = m - 1;
        if (targets.Length != keys.Length)
        {
            throw new ArgumentException("one target per key", nameof(targets));
        }

        for (var i = 0; i < keys.Length; i++)
        {
            // Every entry is located (a branch on the target would cost more than the 4% of positives and unknowns);
            // only negatives are counted.
            var x = keys[i];
            // Cell indices are in [0, cells - 1] and start has cells + 1 entries; threshold indices are clamped to m - 1.
            var p = Cell(ScoreKeys.ToScore(x), lo, scale, cells);
            var first = Unsafe.Add(ref start0, p);
            var last = Unsafe.Add(ref start0, p + 1);
            if (last - first <= 1)
            {
                // 0 or 1 threshold in the cell: count it when it is <= x, without a branch.
                first += (first < last) & (Unsafe.Add(ref threshold0, Math.Min(first, lastThreshold)) <= x) ? 1 : 0;
            }
            else
            {
                first = UpperBound(thresholds, first, last, x);
            }

            Unsafe.Add(ref below0, first) += (Unsafe.Add(ref target0, i) >> 7) & 1; // 1 for -1, else 0
        }
    }

    /// <summary>The first index in [first, last) whose threshold is &gt; x (last when none is).</summary>
    private static int UpperBound(ReadOnlySpan<ulong> thresholds, int first, int last, ulong x)
    {
        while (first < last)
        {
            var mid = (int)((uint)(first + last) >> 1);
            if (thresholds[mid] <= x)
            {
                first = mid + 1;
            }
            else
            {
                last = mid;
            }
        }

        return first;
    }

    /// <summary>The cell of a score: (v - lo) * scale clamped to [0, cells - 1]; monotone non-decreasing in v, infinities
    /// included (scale is finite and positive).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Cell(double v, double lo, double scale, int cells) =>
        (int)Math.Min(Math.Max((v - lo) * scale, 0.0), cells - 1);

    /// <summary>Buffers reused across the classes of one computation.</summary>
    internal sealed class Workspace
    {
        private int[] table = [];

        /// <summary>Radix-sort scratch, at least as long as the positives.</summary>
        public ulong[] Keys { get; private set; } = [];

        /// <summary>Positives per distinct threshold.</summary>
        public int[] Multiplicity { get; private set; } = [];

        /// <summary>Negatives per interval between thresholds.</summary>
        public int[] Below { get; private set; } = [];

        /// <summary>Grows the buffers for a class with this many positives.</summary>
        /// <param name="positives">The number of positives.</param>
        public void Reserve(int positives)
        {
            if (Keys.Length < positives)
            {
                Keys = new ulong[positives];
                Multiplicity = new int[positives];
                Below = new int[positives + 1];
            }
        }

        /// <summary>The cell table, at least this long.</summary>
        /// <param name="length">The length needed.</param>
        /// <returns>The table.</returns>
        public Span<int> Table(int length)
        {
            if (table.Length < length)
            {
                table = new int[Math.Max(length, 2 * table.Length)];
            }

            return table.AsSpan(0, length);
        }
    }
}
