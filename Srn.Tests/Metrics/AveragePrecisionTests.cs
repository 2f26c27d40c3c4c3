using Srn.Metrics;

namespace Srn.Tests.Metrics;

/// <summary>The three AP variants of one class on cases computed by hand (the arithmetic is in the comments).</summary>
[TestFixture]
public sealed class AveragePrecisionTests
{
    private const double Tol = 1e-15;

    [Test]
    public void Envelope_raises_a_dip_in_precision()
    {
        // Ranked: + - - + + -, P = 3.
        // rank 1: TP 1 FP 0  precision 1    recall 1/3
        // rank 2, 3: negatives (precision 1/2, 1/3; recall stays 1/3)
        // rank 4: TP 2 FP 2  precision 1/2  recall 2/3
        // rank 5: TP 3 FP 2  precision 3/5  recall 1
        // rank 6: negative   precision 1/2
        // noninterp = (1 + 1/2 + 3/5) / 3 = 0.7
        // voc12: envelope at the positives = max to the right: 1, max(1/2, 3/5, 1/2) = 3/5, 3/5 -> (1 + 3/5 + 3/5) / 3 = 11/15
        // voc07: recall >= 0, .1, .2, .3 -> max precision 1 (rank 1 has recall 1/3); >= .4 ... 1 -> 3/5 (ranks 4-6)
        //        = (4 * 1 + 7 * 3/5) / 11 = 8.2 / 11
        double[] scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4];
        double[] targets = [1, -1, -1, 1, 1, -1];
        var ap = AveragePrecision.ComputeAll(scores, targets)!.Value;
        Assert.That(ap.NonInterpolated, Is.EqualTo(0.7).Within(Tol));
        Assert.That(ap.Voc12, Is.EqualTo(11.0 / 15).Within(Tol));
        Assert.That(ap.Voc07, Is.EqualTo(8.2 / 11).Within(Tol));
        Assert.That(AveragePrecision.Compute(scores, targets), Is.EqualTo(ap.Voc12), "voc12 is the default");
        Assert.That(AveragePrecision.Compute(scores, targets, AveragePrecisionVariant.Voc07), Is.EqualTo(ap.Voc07));
    }

    [Test]
    public void Tied_scores_form_one_threshold_step()
    {
        // Scores 0.9 {+, -}, 0.5 {+, +, -}, 0.1 {+}; P = 4. One point per distinct score:
        // 0.9: TP 1 FP 1 precision 1/2  recall 1/4
        // 0.5: TP 3 FP 2 precision 3/5  recall 3/4
        // 0.1: TP 4 FP 2 precision 2/3  recall 1
        // noninterp = 1/4 * 1/2 + 2/4 * 3/5 + 1/4 * 2/3 = 71/120 (sklearn: 0.5916666666666667)
        // voc12: the envelope is 2/3 everywhere -> 2/3; voc07: every recall level sees the last point -> 2/3
        double[] scores = [0.9, 0.9, 0.5, 0.5, 0.5, 0.1];
        double[] targets = [1, -1, 1, 1, -1, 1];
        var ap = AveragePrecision.ComputeAll(scores, targets)!.Value;
        Assert.That(ap.NonInterpolated, Is.EqualTo(71.0 / 120).Within(Tol));
        Assert.That(ap.Voc12, Is.EqualTo(2.0 / 3).Within(Tol));
        Assert.That(ap.Voc07, Is.EqualTo(2.0 / 3).Within(Tol));

        // The order of tied entries does not matter: negatives first inside each group gives the same bits.
        double[] scoresSwapped = [0.9, 0.9, 0.5, 0.5, 0.5, 0.1];
        double[] targetsSwapped = [-1, 1, -1, 1, 1, 1];
        Assert.That(AveragePrecision.ComputeAll(scoresSwapped, targetsSwapped), Is.EqualTo(ap));
    }

    [Test]
    public void Voc07_counts_a_recall_of_exactly_three_tenths()
    {
        // 10 positives: ranks 1-3 positive (recall .1, .2, .3 at precision 1), 7 negatives, then 7 positives
        // (rank 10 + m: TP 3 + m, precision (3 + m) / (10 + m), m = 1..7; the highest is 10/17 at recall 1).
        // Levels 0, .1, .2, .3 -> 1; levels .4 ... 1 -> 10/17. voc07 = (4 + 7 * 10/17) / 11 = 138/187.
        // (Against np.arange's 0.30000000000000004 the level .3 would get 10/17 instead.)
        double[] targets = [1, 1, 1, -1, -1, -1, -1, -1, -1, -1, 1, 1, 1, 1, 1, 1, 1];
        var scores = Enumerable.Range(0, targets.Length).Select(i => (double)(targets.Length - i)).ToArray();
        var ap = AveragePrecision.ComputeAll(scores, targets)!.Value;
        Assert.That(ap.Voc07, Is.EqualTo(138.0 / 187).Within(Tol));

        // noninterp = (1 + 1 + 1 + sum_{m=1..7} (3 + m)/(10 + m)) / 10; voc12: envelope 1 for the first three, then 10/17.
        var expectedNonInterp = (3 + Enumerable.Range(1, 7).Sum(m => (3.0 + m) / (10 + m))) / 10;
        Assert.That(ap.NonInterpolated, Is.EqualTo(expectedNonInterp).Within(Tol));
        Assert.That(ap.Voc12, Is.EqualTo((3 + 7 * 10.0 / 17) / 10).Within(Tol));
    }

    [Test]
    public void Unknown_entries_are_left_out()
    {
        // The 0 entries would be the top-ranked negative and the lowest positive; without them the class is
        // + - + ranked (0.8, 0.6, 0.4): noninterp = (1 + 2/3) / 2 = 5/6.
        double[] scores = [0.9, 0.8, 0.6, 0.4, 0.1];
        double[] targets = [0, 1, -1, 1, 0];
        Assert.That(AveragePrecision.Compute(scores, targets, AveragePrecisionVariant.NonInterpolated), Is.EqualTo(5.0 / 6).Within(Tol));
    }

    [Test]
    public void Perfect_and_worst_rankings()
    {
        // All positives above all negatives: every variant is 1. All below: precision k / (N + k) at the k-th positive.
        Assert.That(AveragePrecision.ComputeAll([3, 2, 1, 0], [1, 1, -1, -1]), Is.EqualTo(new AveragePrecisions(1, 1, 1)));
        var worst = AveragePrecision.ComputeAll([3, 2, 1, 0], [-1, -1, 1, 1])!.Value;
        // precision 1/3 at recall 1/2, 2/4 at recall 1: noninterp = (1/3 + 1/2) / 2 = 5/12; envelope 1/2 -> voc12 1/2;
        // voc07 -> every level sees 1/2.
        Assert.That(worst.NonInterpolated, Is.EqualTo(5.0 / 12).Within(Tol));
        Assert.That(worst.Voc12, Is.EqualTo(0.5).Within(Tol));
        Assert.That(worst.Voc07, Is.EqualTo(0.5).Within(Tol));

        // Every score tied: one step at precision P / (P + N) = 2/5 for all variants.
        var tied = AveragePrecision.ComputeAll([7, 7, 7, 7, 7], [1, -1, 1, -1, -1])!.Value;
        Assert.That(new[] { tied.Voc12, tied.NonInterpolated, tied.Voc07 }, Is.EqualTo(new[] { 0.4, 0.4, 0.4 }).Within(Tol));
    }

    [Test]
    public void No_positive_means_no_ap()
    {
        Assert.That(AveragePrecision.ComputeAll([0.2, 0.3], [-1, 0]), Is.Null);
        Assert.That(AveragePrecision.Compute([0.2, 0.3], [0, 0]), Is.Null);
        Assert.That(AveragePrecision.Compute([], []), Is.Null);
    }

    [Test]
    public void Bad_input_is_rejected()
    {
        Assert.That(() => AveragePrecision.Compute([0.1, 0.2], [1]), Throws.ArgumentException.With.Message.Contains("2 scores but 1 targets"));
        Assert.That(() => AveragePrecision.Compute([0.1, 0.2], [1, 2]), Throws.ArgumentException.With.Message.Contains("target 1 is 2"));
        Assert.That(() => AveragePrecision.Compute([double.NaN, 0.2], [1, -1]), Throws.ArgumentException.With.Message.Contains("score 0 is NaN"));
        Assert.That(() => AveragePrecision.Compute([0.2, double.NaN], [1, 0]), Throws.ArgumentException.With.Message.Contains("score 1 is NaN"),
            "a NaN is a bug upstream even where the target is unknown");
    }
    /// <summary>The definitions, quadratic and literal: one point per distinct score, counts by full scans.</summary>
    private static AveragePrecisions? BruteForce(double[] scores, double[] targets)
    {
        var known = Enumerable.Range(0, scores.Length).Where(i => targets[i] != 0).ToArray();
        var positives = known.Count(i => targets[i] == 1);
        if (positives == 0)
        {
            return null;
        }

        var points = known.Select(i => scores[i]).Distinct().OrderByDescending(v => v).Select(t =>
        {
            var tp = known.Count(i => scores[i] >= t && targets[i] == 1);
            var fp = known.Count(i => scores[i] >= t && targets[i] == -1);
            return (Recall: tp / (double)positives, Precision: tp / (double)(tp + fp), Tp: tp);
        }).ToArray();
        double nonInterp = 0, voc12 = 0, previous = 0;
        for (var k = 0; k < points.Length; k++)
        {
            var deltaRecall = points[k].Recall - previous;
            nonInterp += deltaRecall * points[k].Precision;
            voc12 += deltaRecall * points.Skip(k).Max(q => q.Precision);
            previous = points[k].Recall;
        }

        var voc07 = Enumerable.Range(0, 11).Sum(level =>
            points.Where(q => 10 * q.Tp >= level * positives).Select(q => q.Precision).DefaultIfEmpty(0).Max()) / 11;
        return new AveragePrecisions(voc12, nonInterp, voc07);
    }

    private static IEnumerable<TestCaseData> RandomCases()
    {
        // Each case: n, positive rate, unknown rate, score generator. Together they reach every path of the negatives'
        // cell table: ordinary spreads, heavy ties, thresholds clustered into one cell (binary search), a range too wide
        // for doubles and infinities (fallback), a single distinct positive score, signed zeros.
        yield return new TestCaseData(2000, 0.1, 0.1, (Func<Random, double>)(r => (r.NextDouble() * 8) - 4)).SetName("Random_spread");
        yield return new TestCaseData(3000, 0.3, 0.2, (Func<Random, double>)(r => Math.Round(r.NextDouble() * 2, 1))).SetName("Random_heavy_ties");
        yield return new TestCaseData(2000, 0.2, 0.0, (Func<Random, double>)(r => r.Next(10) == 0 ? (r.NextDouble() * 2e6) - 1e6 : 1 + (r.NextDouble() * 1e-9)))
            .SetName("Random_clustered");
        yield return new TestCaseData(1500, 0.2, 0.1, (Func<Random, double>)(r => r.Next(6) switch
        {
            0 => double.PositiveInfinity,
            1 => double.NegativeInfinity,
            2 => double.MaxValue,
            3 => -double.MaxValue,
            _ => r.NextDouble(),
        })).SetName("Random_extremes");
        yield return new TestCaseData(1000, 0.05, 0.1, (Func<Random, double>)(r => r.Next(2) == 0 ? 0.0 : -0.0)).SetName("Random_signed_zeros");
        yield return new TestCaseData(400, 0.5, 0.3, (Func<Random, double>)(r => r.Next(3) - 1.0)).SetName("Random_three_values");
    }

    [TestCaseSource(nameof(RandomCases))]
    public void Matches_the_definitions_computed_literally(int n, double positiveRate, double unknownRate, Func<Random, double> score)
    {
        for (var seed = 0; seed < 5; seed++)
        {
            var rng = new Random(seed);
            var scores = new double[n];
            var targets = new double[n];
            for (var i = 0; i < n; i++)
            {
                scores[i] = score(rng);
                targets[i] = rng.NextDouble() < unknownRate ? 0 : rng.NextDouble() < positiveRate ? 1 : -1;
            }

            var expected = BruteForce(scores, targets)!.Value;
            var actual = AveragePrecision.ComputeAll(scores, targets)!.Value;
            Assert.That(actual.NonInterpolated, Is.EqualTo(expected.NonInterpolated).Within(1e-12), $"seed {seed} noninterp");
            Assert.That(actual.Voc12, Is.EqualTo(expected.Voc12).Within(1e-12), $"seed {seed} voc12");
            Assert.That(actual.Voc07, Is.EqualTo(expected.Voc07).Within(1e-12), $"seed {seed} voc07");
        }
    }
}
