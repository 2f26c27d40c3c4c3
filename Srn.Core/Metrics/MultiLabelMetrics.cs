using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Srn.Torch;

namespace Srn.Metrics;

/// <summary>
/// Every metric multi-label papers report, computed at once from a score matrix and a target matrix (N samples x C
/// classes, row-major): mAP in three variants, per-class AP, CP / CR / CF1 / OP / OR / OF1, SRN's mean per-class F1, and
/// the same thresholded metrics restricted to each image's top-k labels. All values in percent.
/// </summary>
/// <remarks>
/// <para>
/// Targets are 1 (positive), -1 (negative) or 0 (unknown or difficult); a 0 entry is left out of every metric of its
/// class. A class without a known positive has no AP: it is excluded from mAP and from the class means and listed in
/// <see cref="ExcludedClasses"/>. mAP = (1/|A|) sum_{c in A} AP_c over the set A of classes with a positive; the AP
/// definitions are on <see cref="AveragePrecision"/>.
/// </para>
/// <para>
/// Thresholded metrics (<see cref="ThresholdedMetrics"/>): a label is predicted when its probability is &gt;= 0.5, i.e.
/// its score is &gt;= 0.5 for probabilities and &gt;= 0 for logits (<see cref="ScoreKind"/>; by default detected: any
/// score outside [0, 1] means logits); under <see cref="MetricsConvention.Srn"/> strictly greater (&gt; 0.5, &gt; 0). Top-k: an image's predicted labels are its k highest-scoring labels among all C
/// (the prediction does not know which targets are unknown; ties go to the lower class index) that also pass the
/// threshold (COCO convention), or without the threshold when <see cref="MultiLabelMetricsOptions.TopKThreshold"/> is
/// false (NUS-WIDE convention); unknown entries are then left out of the counts as everywhere else.
/// </para>
/// <para>
/// Cost: three streaming passes over the matrices (checks; counts and top-k; columns copied out 8 at a time as
/// order-preserving integer keys), then per class a radix sort of its positives' keys, one table lookup per negative
/// and a walk over the distinct positive scores; a few buffers per call, none per element. Same numbers as ML-GCN's <c>AveragePrecisionMeter</c>
/// (thresholded metrics) and scikit-learn's <c>average_precision_score</c> (noninterp AP), with unknown entries removed.
/// </para>
/// </remarks>
public sealed class MultiLabelMetrics
{
    /// <summary>Columns copied out together: 8 doubles are one 64-byte cache line.</summary>
    private const int TransposeBlock = 8;


    private MultiLabelMetrics(int rows, ScoreKind kind, double threshold, MetricsConvention convention, int k, bool topKThreshold, IReadOnlyList<ClassMetrics> classes,
        IReadOnlyList<int> excluded, double map, double mapNonInterp, double mapVoc07, ThresholdedMetrics thresholded, ThresholdedMetrics topK)
    {
        Rows = rows;
        ScoreKind = kind;
        Threshold = threshold;
        Convention = convention;
        K = k;
        TopKThreshold = topKThreshold;
        Classes = classes;
        ExcludedClasses = excluded;
        Map = map;
        MapNonInterpolated = mapNonInterp;
        MapVoc07 = mapVoc07;
        Thresholded = thresholded;
        TopK = topK;
    }

    /// <summary>Number of samples (rows).</summary>
    public int Rows { get; }

    /// <summary>The kind the scores were read as (never <see cref="Metrics.ScoreKind.Auto"/>: the detected kind).</summary>
    public ScoreKind ScoreKind { get; }

    /// <summary>The threshold applied to the scores: 0.5 for probabilities, 0 for logits.</summary>
    public double Threshold { get; }

    /// <summary>The convention of the thresholded metrics: whether a score equal to <see cref="Threshold"/> is predicted (ML-GCN) or not (SRN), and a class without predictions' precision.</summary>
    public MetricsConvention Convention { get; }

    /// <summary>k of the top-k metrics, as requested (with k or fewer classes every label is in an image's top k).</summary>
    public int K { get; }

    /// <summary>Whether top-k predictions also had to pass the threshold.</summary>
    public bool TopKThreshold { get; }

    /// <summary>Per-class results in column order.</summary>
    public IReadOnlyList<ClassMetrics> Classes { get; }

    /// <summary>Classes without a known positive: no AP, left out of mAP and the class means. Ascending indices.</summary>
    public IReadOnlyList<int> ExcludedClasses { get; }

    /// <summary>mAP, voc12 variant (the default), percent.</summary>
    public double Map { get; }

    /// <summary>mAP, noninterp variant (mean of scikit-learn's <c>average_precision_score</c>), percent.</summary>
    public double MapNonInterpolated { get; }

    /// <summary>mAP, 11-point voc07 variant, percent.</summary>
    public double MapVoc07 { get; }

    /// <summary>CP, CR, CF1, CF1 mean, OP, OR, OF1 of the thresholded predictions.</summary>
    public ThresholdedMetrics Thresholded { get; }

    /// <summary>The same metrics for each image's top-k labels (CP3, CR3, ... for k = 3).</summary>
    public ThresholdedMetrics TopK { get; }

    /// <summary>mAP of one variant, percent.</summary>
    /// <param name="variant">The variant.</param>
    /// <returns>The mean over the classes with a positive.</returns>
    public double GetMap(AveragePrecisionVariant variant) => variant switch
    {
        AveragePrecisionVariant.Voc12 => Map,
        AveragePrecisionVariant.NonInterpolated => MapNonInterpolated,
        AveragePrecisionVariant.Voc07 => MapVoc07,
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "unknown average-precision variant"),
    };

    /// <summary>All metrics of a score matrix against a target matrix.</summary>
    /// <param name="scores">N x C scores (logits or probabilities).</param>
    /// <param name="targets">N x C targets in {1, -1, 0}.</param>
    /// <param name="options">Score kind, k, top-k convention, class names; defaults when null.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentException">On shape mismatch, a target not in {1, -1, 0}, a NaN score, probabilities outside
    /// [0, 1], or when no class has a known positive (mAP undefined). Messages name the row and class.</exception>
    public static MultiLabelMetrics Compute(double[,] scores, double[,] targets, MultiLabelMetricsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(targets);
        if (scores.GetLength(0) != targets.GetLength(0) || scores.GetLength(1) != targets.GetLength(1))
        {
            throw new ArgumentException(
                $"scores are {scores.GetLength(0)} x {scores.GetLength(1)} but targets are {targets.GetLength(0)} x {targets.GetLength(1)}", nameof(targets));
        }

        return Compute(Flat(scores), Flat(targets), scores.GetLength(1), options);
    }

    /// <summary>All metrics of tensors (any float dtype for the scores, any numeric dtype for the targets, any device).</summary>
    /// <param name="scores">[N, C] scores.</param>
    /// <param name="targets">[N, C] targets in {1, -1, 0}.</param>
    /// <param name="options">Options; defaults when null.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentException">When the tensors are not 2-D of the same shape, or as for the array overload.</exception>
    public static MultiLabelMetrics Compute(Tensor scores, Tensor targets, MultiLabelMetricsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(targets);
        var ss = scores.Shape;
        var ts = targets.Shape;
        if (ss.Length != 2 || !ss.AsSpan().SequenceEqual(ts))
        {
            throw new ArgumentException(
                $"scores and targets must be [N, C] tensors of the same shape, got [{string.Join(", ", ss)}] and [{string.Join(", ", ts)}]", nameof(targets));
        }

        return Compute(scores.ToDoubleArray(), targets.ToDoubleArray(), checked((int)ss[1]), options);
    }

    /// <summary>All metrics of row-major N x C matrices given as flat spans.</summary>
    /// <param name="scores">N * C scores, row-major.</param>
    /// <param name="targets">N * C targets in {1, -1, 0}, row-major.</param>
    /// <param name="classes">C, the number of columns.</param>
    /// <param name="options">Options; defaults when null.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentException">As for the array overload.</exception>
    public static MultiLabelMetrics Compute(ReadOnlySpan<double> scores, ReadOnlySpan<double> targets, int classes, MultiLabelMetricsOptions? options = null)
    {
        options ??= new MultiLabelMetricsOptions();
        var c = classes;
        if (c < 1)
        {
            throw new ArgumentException($"need at least one class, got {c}", nameof(classes));
        }

        if (scores.Length != targets.Length)
        {
            throw new ArgumentException($"{scores.Length} scores but {targets.Length} targets", nameof(targets));
        }

        if (scores.Length == 0 || scores.Length % c != 0)
        {
            throw new ArgumentException($"{scores.Length} scores do not make whole rows of {c} classes (need at least one row)", nameof(scores));
        }

        if (options.TopK < 1)
        {
            throw new ArgumentException($"top-k needs k >= 1, got {options.TopK}", nameof(options));
        }

        var names = options.ClassNames;
        if (names is not null && names.Count != c)
        {
            throw new ArgumentException($"{names.Count} class names for {c} classes", nameof(options));
        }

        if (options.Convention is not (MetricsConvention.MlGcn or MetricsConvention.Srn))
        {
            throw new ArgumentException($"unknown metrics convention {options.Convention}", nameof(options));
        }

        var n = scores.Length / c;
        var kind = ResolveKind(scores, targets, c, options.ScoreKind, names);
        var threshold = kind == ScoreKind.Logits ? 0.0 : 0.5;

        // SRN's MATLAB script predicts probs > 0.5; ML-GCN's meter scores >= threshold.
        var strict = options.Convention == MetricsConvention.Srn;

        // SRN's precision (tp + eps) / (predicted + eps) is 1 for a class (or a whole matrix) without predictions.
        var emptyPrecision = strict ? 1.0 : 0.0;

        // Pass over rows: per-class counts, thresholded and top-k predictions.
        var pos = new int[c];
        var neg = new int[c];
        var nc = new int[c];
        var np = new int[c];
        var ncK = new int[c];
        var npK = new int[c];
        var k = Math.Min(options.TopK, c);
        var topIndex = new int[k];
        var topValue = new double[k];
        var useThreshold = options.TopKThreshold;
        for (var r = 0; r < n; r++)
        {
            var row = scores.Slice(r * c, c);
            var trow = targets.Slice(r * c, c);
            var count = 0;
            for (var j = 0; j < c; j++)
            {
                var s = row[j];
                var t = trow[j];
                var predicted = (strict ? s > threshold : s >= threshold) ? 1 : 0;
                if (t > 0)
                {
                    pos[j]++;
                    np[j] += predicted;
                    nc[j] += predicted;
                }
                else if (t < 0)
                {
                    neg[j]++;
                    np[j] += predicted;
                }

                // Top-k by insertion, ties to the lower index: a later equal score neither displaces nor passes one.
                if (count < k)
                {
                    count++;
                }
                else if (!(s > topValue[k - 1]))
                {
                    continue;
                }

                var q = count - 1;
                while (q > 0 && topValue[q - 1] < s)
                {
                    topValue[q] = topValue[q - 1];
                    topIndex[q] = topIndex[q - 1];
                    q--;
                }

                topValue[q] = s;
                topIndex[q] = j;
            }

            for (var q = 0; q < k; q++)
            {
                var j = topIndex[q];
                var t = trow[j];
                if (t == 0 || (useThreshold && (strict ? topValue[q] <= threshold : topValue[q] < threshold)))
                {
                    continue;
                }

                npK[j]++;
                if (t > 0)
                {
                    ncK[j]++;
                }
            }
        }

        // Per class: its known scores as keys, split by target, then the AP walk. The columns are first copied out 8 at a
        // time (8 doubles = one 64-byte line, so every line of the matrices is read once; reading one column at a time
        // strides through all of them for every class and measured 1.3x slower).
        var block = Math.Min(TransposeBlock, c);
        var columnKeys = new ulong[block * n];
        var columnTargets = new sbyte[block * n];
        var positives = new ulong[pos.Max()];
        var workspace = new AveragePrecision.Workspace();
        var results = new ClassMetrics[c];
        var withPositives = new List<int>(c);
        var excluded = new List<int>();
        double sumVoc12 = 0, sumNonInterp = 0, sumVoc07 = 0;
        for (var c0 = 0; c0 < c; c0 += block)
        {
            var width = Math.Min(block, c - c0);
            for (int r = 0, rowStart = c0; r < n; r++, rowStart += c)
            {
                var s = scores.Slice(rowStart, width);
                var t = targets.Slice(rowStart, width);
                for (var b = 0; b < width; b++)
                {
                    columnKeys[(b * n) + r] = ScoreKeys.From(s[b]);
                    columnTargets[(b * n) + r] = (sbyte)t[b];
                }
            }

            for (var b = 0; b < width; b++)
            {
                var j = c0 + b;
                AveragePrecisions? ap = null;
                if (pos[j] > 0)
                {
                    var keys = columnKeys.AsSpan(b * n, n);
                    var kinds = columnTargets.AsSpan(b * n, n);
                    var p = 0;
                    for (var r = 0; r < n; r++)
                    {
                        if (kinds[r] > 0)
                        {
                            positives[p++] = keys[r];
                        }
                    }

                    var value = AveragePrecision.FromKeys(positives.AsSpan(0, p), keys, kinds, neg[j], workspace);
                    sumVoc12 += value.Voc12;
                    sumNonInterp += value.NonInterpolated;
                    sumVoc07 += value.Voc07;
                    ap = value;
                    withPositives.Add(j);
                }
                else
                {
                    excluded.Add(j);
                }

                results[j] = new ClassMetrics(j, ClassName(names, j), pos[j], neg[j], n - pos[j] - neg[j], ap, nc[j], np[j], ncK[j], npK[j], emptyPrecision);
            }
        }

        if (withPositives.Count == 0)
        {
            throw new ArgumentException(
                $"no class has a known positive among {n} rows: mAP and the class means are undefined (every target is -1 or 0)", nameof(targets));
        }

        var a = withPositives.Count;
        return new MultiLabelMetrics(n, kind, threshold, options.Convention, options.TopK, useThreshold, results, excluded,
            100 * sumVoc12 / a, 100 * sumNonInterp / a, 100 * sumVoc07 / a,
            Summarize(nc, np, pos, withPositives, emptyPrecision), Summarize(ncK, npK, pos, withPositives, emptyPrecision));
    }

    /// <summary>2 p r / (p + r), or 0 when both are 0.</summary>
    internal static double F1(double precision, double recall) =>
        precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);

    private static ThresholdedMetrics Summarize(int[] nc, int[] np, int[] ng, List<int> withPositives, double emptyPrecision)
    {
        double sumP = 0, sumR = 0, sumF1 = 0;
        var withoutPredictions = new List<int>();
        foreach (var j in withPositives)
        {
            var p = emptyPrecision;
            if (np[j] == 0)
            {
                withoutPredictions.Add(j);
            }
            else
            {
                p = nc[j] / (double)np[j];
            }

            var r = nc[j] / (double)ng[j];
            sumP += p;
            sumR += r;
            sumF1 += F1(p, r);
        }

        long totalNc = 0, totalNp = 0, totalNg = 0;
        for (var j = 0; j < nc.Length; j++)
        {
            totalNc += nc[j];
            totalNp += np[j];
            totalNg += ng[j];
        }

        var a = withPositives.Count;
        double cp = sumP / a, cr = sumR / a;
        var op = totalNp == 0 ? emptyPrecision : totalNc / (double)totalNp;
        var or = totalNc / (double)totalNg;
        return new ThresholdedMetrics(100 * cp, 100 * cr, 100 * F1(cp, cr), 100 * sumF1 / a, 100 * op, 100 * or, 100 * F1(op, or), withoutPredictions);
    }

    private static ScoreKind ResolveKind(ReadOnlySpan<double> scores, ReadOnlySpan<double> targets, int c, ScoreKind requested, IReadOnlyList<string>? names)
    {
        if (requested is not (ScoreKind.Auto or ScoreKind.Probabilities or ScoreKind.Logits))
        {
            throw new ArgumentException($"unknown score kind {requested}", nameof(requested));
        }

        var firstOutside = -1;
        for (var i = 0; i < scores.Length; i++)
        {
            var t = targets[i];
            if (t != 1 && t != -1 && t != 0)
            {
                throw new ArgumentException(
                    $"row {i / c}, class {Describe(names, i % c)}: target {t.ToString(CultureInfo.InvariantCulture)} is not 1, -1 or 0 (unknown)", nameof(targets));
            }

            var s = scores[i];
            if (double.IsNaN(s))
            {
                throw new ArgumentException($"row {i / c}, class {Describe(names, i % c)}: score is NaN", nameof(scores));
            }

            if (firstOutside < 0 && !(s >= 0 && s <= 1))
            {
                firstOutside = i;
            }
        }

        if (requested == ScoreKind.Probabilities && firstOutside >= 0)
        {
            throw new ArgumentException(
                $"scores were declared probabilities but row {firstOutside / c}, class {Describe(names, firstOutside % c)} is "
                + $"{scores[firstOutside].ToString(CultureInfo.InvariantCulture)}, outside [0, 1]; pass ScoreKind.Logits for logits", nameof(scores));
        }

        return requested != ScoreKind.Auto ? requested : firstOutside >= 0 ? ScoreKind.Logits : ScoreKind.Probabilities;
    }

    private static string ClassName(IReadOnlyList<string>? names, int j) => names?[j] ?? j.ToString(CultureInfo.InvariantCulture);

    private static string Describe(IReadOnlyList<string>? names, int j) =>
        names is null ? j.ToString(CultureInfo.InvariantCulture) : $"'{names[j]}' (column {j})";

    private static ReadOnlySpan<double> Flat(double[,] array) =>
        array.Length == 0 ? default : MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, double>(ref MemoryMarshal.GetArrayDataReference(array)), array.Length);
}
