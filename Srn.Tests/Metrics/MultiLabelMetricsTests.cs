using Srn.Metrics;
using Srn.Torch;

namespace Srn.Tests.Metrics;

/// <summary>Thresholded and top-k metrics, exclusions and input checks of <see cref="MultiLabelMetrics"/> on hand-computed cases.</summary>
[TestFixture]
public sealed class MultiLabelMetricsTests
{
    private const double Tol = 1e-12;

    [Test]
    public void Thresholded_metrics_of_probabilities()
    {
        // 4 images x 3 classes, probabilities (all in [0, 1], so detected as such): predicted iff score >= 0.5.
        //            scores              targets        predicted (known entries only)
        // img0   .9  .6  .2           1  -1  -1        c0 Y  c1 Y  c2 N
        // img1   .4  .7  .8           1   1   0        c0 N  c1 Y  c2 (unknown: left out)
        // img2   .7  .3  .55         -1  -1   1        c0 Y  c1 N  c2 Y
        // img3   .1  .5  .45         -1   1  -1        c0 N  c1 Y (0.5 >= 0.5)  c2 N
        // c0: Ng 2, Np 2, Nc 1 -> P 1/2, R 1/2, F1 1/2
        // c1: Ng 2, Np 3, Nc 2 -> P 2/3, R 1,   F1 4/5
        // c2: Ng 1, Np 1, Nc 1 -> P 1,   R 1,   F1 1
        // CP = (1/2 + 2/3 + 1)/3 = 13/18, CR = (1/2 + 1 + 1)/3 = 5/6, CF1 = 2 CP CR / (CP + CR) = 65/84
        // OP = (1 + 2 + 1)/(2 + 3 + 1) = 2/3, OR = 4/(2 + 2 + 1) = 4/5, OF1 = 2 (2/3)(4/5) / (2/3 + 4/5) = 8/11
        // CF1 mean = (1/2 + 4/5 + 1)/3 = 23/30
        double[,] scores = { { .9, .6, .2 }, { .4, .7, .8 }, { .7, .3, .55 }, { .1, .5, .45 } };
        double[,] targets = { { 1, -1, -1 }, { 1, 1, 0 }, { -1, -1, 1 }, { -1, 1, -1 } };
        var m = MultiLabelMetrics.Compute(scores, targets);
        Assert.That(m.ScoreKind, Is.EqualTo(ScoreKind.Probabilities));
        Assert.That(m.Threshold, Is.EqualTo(0.5));
        var t = m.Thresholded;
        Assert.That(t.CP, Is.EqualTo(100 * 13.0 / 18).Within(Tol));
        Assert.That(t.CR, Is.EqualTo(100 * 5.0 / 6).Within(Tol));
        Assert.That(t.CF1, Is.EqualTo(100 * 65.0 / 84).Within(Tol));
        Assert.That(t.OP, Is.EqualTo(100 * 2.0 / 3).Within(Tol));
        Assert.That(t.OR, Is.EqualTo(100 * 4.0 / 5).Within(Tol));
        Assert.That(t.OF1, Is.EqualTo(100 * 8.0 / 11).Within(Tol));
        Assert.That(t.CF1Mean, Is.EqualTo(100 * 23.0 / 30).Within(Tol));
        Assert.That(t.ClassesWithoutPredictions, Is.Empty);

        var c1 = m.Classes[1];
        Assert.That((c1.Positives, c1.Negatives, c1.Unknown, c1.TruePositives, c1.PredictedPositives), Is.EqualTo((2, 2, 0, 2, 3)));
        Assert.That(c1.Precision, Is.EqualTo(100 * 2.0 / 3).Within(Tol));
        Assert.That(c1.Recall, Is.EqualTo(100.0));
        Assert.That(c1.F1, Is.EqualTo(80.0).Within(Tol));
        Assert.That(m.Classes[2].Unknown, Is.EqualTo(1));

        // With 3 classes the top-3 of every image is all its labels, so top-3 equals the plain thresholded metrics.
        Assert.That(m.TopK.CP, Is.EqualTo(t.CP));
        Assert.That(m.TopK.OF1, Is.EqualTo(t.OF1));
    }

    // 3 images x 5 classes of logits (values outside [0, 1]: detected as logits, threshold 0).
    //          scores                          targets
    // img0   2    1    .5   -.5   3          1  -1   1  -1   1
    // img1  -1   -2    .2   -.1  -3         -1  -1   1   1   0
    // img2   1    1    1     1   -1         -1   1   0   1  -1
    private static readonly double[,] TopScores = { { 2, 1, .5, -.5, 3 }, { -1, -2, .2, -.1, -3 }, { 1, 1, 1, 1, -1 } };
    private static readonly double[,] TopTargets = { { 1, -1, 1, -1, 1 }, { -1, -1, 1, 1, 0 }, { -1, 1, 0, 1, -1 } };

    [Test]
    public void Top3_with_the_threshold_COCO()
    {
        // Top 3 of each image (ties to the lower index), kept if also >= 0:
        //   img0: c4 (3), c0 (2), c1 (1)          -> all kept (c2 = .5 passes the threshold but is 4th)
        //   img1: c2 (.2), c3 (-.1), c0 (-1)      -> c2 only
        //   img2: c0, c1, c2 (all 1; c3 = 1 too but has the higher index) -> all kept
        // c0: targets  1 -1 -1, predicted img0, img2 -> Np 2 Nc 1 Ng 1: P 1/2 R 1
        // c1: targets -1 -1  1, predicted img0, img2 -> Np 2 Nc 1 Ng 1: P 1/2 R 1
        // c2: targets  1  1  0, predicted img1 (img2 unknown) -> Np 1 Nc 1 Ng 2: P 1 R 1/2
        // c3: targets -1  1  1, predicted none -> Np 0: P 0 (reported) R 0
        // c4: targets  1  0 -1, predicted img0 -> Np 1 Nc 1 Ng 1: P 1 R 1
        // CP3 = (1/2 + 1/2 + 1 + 0 + 1)/5 = 3/5, CR3 = (1 + 1 + 1/2 + 0 + 1)/5 = 7/10, CF1_3 = 2 (.6)(.7)/1.3 = 42/65
        // OP3 = 4/6 = 2/3, OR3 = 4/7, OF1_3 = 2 (2/3)(4/7) / (2/3 + 4/7) = 8/13
        var m = MultiLabelMetrics.Compute(TopScores, TopTargets);
        Assert.That(m.ScoreKind, Is.EqualTo(ScoreKind.Logits));
        Assert.That((m.K, m.TopKThreshold), Is.EqualTo((3, true)));
        var k = m.TopK;
        Assert.That(k.CP, Is.EqualTo(60).Within(Tol));
        Assert.That(k.CR, Is.EqualTo(70).Within(Tol));
        Assert.That(k.CF1, Is.EqualTo(100 * 42.0 / 65).Within(Tol));
        Assert.That(k.OP, Is.EqualTo(100 * 2.0 / 3).Within(Tol));
        Assert.That(k.OR, Is.EqualTo(100 * 4.0 / 7).Within(Tol));
        Assert.That(k.OF1, Is.EqualTo(100 * 8.0 / 13).Within(Tol));
        // F1 per class: 2/3, 2/3, 2/3, 0, 1 -> mean 3/5
        Assert.That(k.CF1Mean, Is.EqualTo(60).Within(Tol));
        Assert.That(k.ClassesWithoutPredictions, Is.EqualTo(new[] { 3 }), "Np = 0 is reported");
        Assert.That(m.Classes[3].TopKPredictedPositives, Is.Zero);
        Assert.That(m.Classes[2].TopKTruePositives, Is.EqualTo(1));
    }

    [Test]
    public void Thresholded_metrics_of_logits()
    {
        // Same matrices, every label with logit >= 0 predicted:
        //   img0: c0 c1 c2 c4; img1: c2; img2: c0 c1 c2 c3
        // c0: Np 2 Nc 1 Ng 1 (P 1/2 R 1); c1: Np 2 Nc 1 Ng 1 (1/2, 1); c2: Np 2 Nc 2 Ng 2 (1, 1) (img2 unknown);
        // c3: Np 1 Nc 1 Ng 2 (1, 1/2); c4: Np 1 Nc 1 Ng 1 (1, 1)
        // CP = 4/5, CR = 9/10, CF1 = 2 (.8)(.9)/1.7 = 72/85; OP = 6/8, OR = 6/7, OF1 = 4/5
        // F1: 2/3, 2/3, 1, 2/3, 1 -> CF1 mean 4/5
        var t = MultiLabelMetrics.Compute(TopScores, TopTargets).Thresholded;
        Assert.That(t.CP, Is.EqualTo(80).Within(Tol));
        Assert.That(t.CR, Is.EqualTo(90).Within(Tol));
        Assert.That(t.CF1, Is.EqualTo(100 * 72.0 / 85).Within(Tol));
        Assert.That(t.OP, Is.EqualTo(75).Within(Tol));
        Assert.That(t.OR, Is.EqualTo(100 * 6.0 / 7).Within(Tol));
        Assert.That(t.OF1, Is.EqualTo(80).Within(Tol));
        Assert.That(t.CF1Mean, Is.EqualTo(80).Within(Tol));
    }

    [Test]
    public void Top3_without_the_threshold_NUS_WIDE()
    {
        // Each image's 3 highest labels, whatever their score:
        //   img0: c4 c0 c1; img1: c2 c3 c0; img2: c0 c1 c2
        // c0: Np 3 Nc 1 Ng 1 (1/3, 1); c1: Np 2 Nc 1 (1/2, 1); c2: Np 1 Nc 1 Ng 2 (1, 1/2) (img2 unknown);
        // c3: Np 1 Nc 1 Ng 2 (1, 1/2); c4: Np 1 Nc 1 (1, 1)
        // CP = (1/3 + 1/2 + 1 + 1 + 1)/5 = 23/30, CR = 4/5; OP = 5/8, OR = 5/7, OF1 = 2/3
        var k = MultiLabelMetrics.Compute(TopScores, TopTargets, new MultiLabelMetricsOptions { TopKThreshold = false }).TopK;
        Assert.That(k.CP, Is.EqualTo(100 * 23.0 / 30).Within(Tol));
        Assert.That(k.CR, Is.EqualTo(80).Within(Tol));
        Assert.That(k.OP, Is.EqualTo(100 * 5.0 / 8).Within(Tol));
        Assert.That(k.OR, Is.EqualTo(100 * 5.0 / 7).Within(Tol));
        Assert.That(k.OF1, Is.EqualTo(100 * 2.0 / 3).Within(Tol));
        Assert.That(k.ClassesWithoutPredictions, Is.Empty);
    }

    [Test]
    public void Score_kind_decides_the_threshold()
    {
        // Declared logits on values in [0, 1]: threshold 0 predicts every label. c0: Np 2 Nc 1; c1: Np 2 Nc 1.
        double[,] scores = { { 0.2, 0.9 }, { 0.6, 0.1 } };
        double[,] targets = { { 1, -1 }, { -1, 1 } };
        var logits = MultiLabelMetrics.Compute(scores, targets, new MultiLabelMetricsOptions { ScoreKind = ScoreKind.Logits });
        Assert.That((logits.ScoreKind, logits.Threshold), Is.EqualTo((ScoreKind.Logits, 0.0)));
        Assert.That(logits.Thresholded.OP, Is.EqualTo(50).Within(Tol));
        Assert.That(logits.Thresholded.OR, Is.EqualTo(100).Within(Tol));

        // Detected probabilities: 0.9 and 0.6 are predicted, both negatives -> OP 0, OR 0, OF1 0 (not NaN).
        var auto = MultiLabelMetrics.Compute(scores, targets);
        Assert.That((auto.ScoreKind, auto.Threshold), Is.EqualTo((ScoreKind.Probabilities, 0.5)));
        Assert.That((auto.Thresholded.OP, auto.Thresholded.OR, auto.Thresholded.OF1, auto.Thresholded.CF1), Is.EqualTo((0.0, 0.0, 0.0, 0.0)));

        // One value outside [0, 1] (here an infinity) makes the whole matrix logits.
        scores[1, 1] = double.NegativeInfinity;
        Assert.That(MultiLabelMetrics.Compute(scores, targets).ScoreKind, Is.EqualTo(ScoreKind.Logits));
        Assert.That(() => MultiLabelMetrics.Compute(scores, targets, new MultiLabelMetricsOptions { ScoreKind = ScoreKind.Probabilities }),
            Throws.ArgumentException.With.Message.Contains("declared probabilities but row 1, class 1 is -Infinity"));
    }

    [Test]
    public void Classes_without_a_known_positive_are_excluded_and_reported()
    {
        // c1 has only negatives and unknowns, c2 is all unknown. mAP, CP and CR run over c0 and c3 only.
        // c0: ranked + - + (scores .9 .8 .3): voc12 = (1 + 2/3)/2 = 5/6; c3: ranked - + - (.7 .6 .2): 1/2.
        // Thresholded (>= .5): c0 predicted img0, img1 -> Np 2 Nc 1 Ng 2: P 1/2, R 1/2;
        //                      c3 predicted img2, img1 -> Np 2 Nc 1 Ng 1: P 1/2, R 1.
        // c1 predicts img0 (a false positive): it counts in OP (sums over all classes) but not in CP.
        // c2's predictions (img1, img2) are on unknown entries: left out.
        // CP = (1/2 + 1/2)/2 = 1/2; CR = (1/2 + 1)/2 = 3/4; OP = (1 + 0 + 1)/(2 + 1 + 2) = 2/5
        double[,] scores = { { .9, .7, .1, .2 }, { .8, .2, .6, .6 }, { .3, .4, .9, .7 } };
        double[,] targets = { { 1, -1, 0, -1 }, { -1, 0, 0, 1 }, { 1, -1, 0, -1 } };
        var m = MultiLabelMetrics.Compute(scores, targets, new MultiLabelMetricsOptions { ClassNames = ["a", "b", "c", "d"] });
        Assert.That(m.ExcludedClasses, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(m.Classes[1].Ap, Is.Null);
        Assert.That(m.Classes[2].ApNonInterpolated, Is.Null);
        Assert.That(m.Classes[2].ApVoc07, Is.Null);
        Assert.That(m.Classes[2].Unknown, Is.EqualTo(3), "the all-unknown class");
        Assert.That(m.Classes[2].PredictedPositives, Is.Zero, "its predictions are all on unknown entries");
        Assert.That(m.Classes[1].Recall, Is.Null);
        Assert.That(m.Classes[3].Name, Is.EqualTo("d"));
        Assert.That(m.Map, Is.EqualTo(100 * (5.0 / 6 + 0.5) / 2).Within(Tol));
        Assert.That(m.Thresholded.CP, Is.EqualTo(50).Within(Tol));
        Assert.That(m.Thresholded.CR, Is.EqualTo(75).Within(Tol));
        Assert.That(m.Thresholded.OP, Is.EqualTo(40).Within(Tol));
        Assert.That(double.IsFinite(m.Map) && double.IsFinite(m.MapVoc07) && double.IsFinite(m.MapNonInterpolated), Is.True);
    }

    [Test]
    public void Nothing_predicted_gives_zero_precision_and_is_reported()
    {
        // Every probability below 0.5: Np = 0 everywhere. CP = 0 (each precision counts as 0), OP = 0, F1s 0, never NaN.
        double[,] scores = { { .1, .2 }, { .3, .4 } };
        double[,] targets = { { 1, -1 }, { -1, 1 } };
        var t = MultiLabelMetrics.Compute(scores, targets).Thresholded;
        Assert.That(t.ClassesWithoutPredictions, Is.EqualTo(new[] { 0, 1 }));
        Assert.That((t.CP, t.CR, t.CF1, t.CF1Mean, t.OP, t.OR, t.OF1), Is.EqualTo((0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)));
    }

    [Test]
    public void Map_is_the_mean_of_the_per_class_aps()
    {
        var rng = new Random(5);
        const int n = 50, c = 4;
        var scores = new double[n, c];
        var targets = new double[n, c];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < c; j++)
            {
                scores[i, j] = Math.Round(rng.NextDouble() * 4 - 2, 1);
                targets[i, j] = rng.Next(3) - 1;
            }
        }

        var m = MultiLabelMetrics.Compute(scores, targets);
        foreach (var variant in Enum.GetValues<AveragePrecisionVariant>())
        {
            var perClass = Enumerable.Range(0, c).Select(j => AveragePrecision.Compute(
                Enumerable.Range(0, n).Select(i => scores[i, j]).ToArray(), Enumerable.Range(0, n).Select(i => targets[i, j]).ToArray(), variant)!.Value);
            Assert.That(m.GetMap(variant), Is.EqualTo(100 * perClass.Average()).Within(Tol), variant.ToString());
        }
    }

    [Test]
    public void Tensor_overload_matches_the_arrays()
    {
        using var scope = DisposeScope.Enter();
        var s = Tensor.FromArray(TopScores).To(ScalarType.Float32);
        var t = Tensor.FromArray(new long[] { 1, -1, 1, -1, 1, -1, -1, 1, 1, 0, -1, 1, 0, 1, -1 }, [3, 5]);
        var fromTensors = MultiLabelMetrics.Compute(s, t);
        var fromArrays = MultiLabelMetrics.Compute(TopScores, TopTargets);
        Assert.That(fromTensors.Map, Is.EqualTo(fromArrays.Map));
        Assert.That(fromTensors.TopK.CF1, Is.EqualTo(fromArrays.TopK.CF1));
        Assert.That(() => MultiLabelMetrics.Compute(s, t.Reshape([5, 3])), Throws.ArgumentException.With.Message.Contains("[3, 5] and [5, 3]"));
    }

    [Test]
    public void Bad_input_names_row_and_class()
    {
        double[,] scores = { { .1, .2 }, { .3, .4 } };
        var names = new MultiLabelMetricsOptions { ClassNames = ["cat", "dog"] };
        Assert.That(() => MultiLabelMetrics.Compute(scores, new double[,] { { 1, -1 }, { 1, 2 } }, names),
            Throws.ArgumentException.With.Message.Contains("row 1, class 'dog' (column 1): target 2 is not 1, -1 or 0"));
        var withNaN = (double[,])scores.Clone();
        withNaN[0, 1] = double.NaN;
        Assert.That(() => MultiLabelMetrics.Compute(withNaN, new double[,] { { 1, 0 }, { -1, 1 } }),
            Throws.ArgumentException.With.Message.Contains("row 0, class 1: score is NaN"));
        Assert.That(() => MultiLabelMetrics.Compute(scores, new double[,] { { -1, 0 }, { -1, 0 } }),
            Throws.ArgumentException.With.Message.Contains("no class has a known positive"));
        Assert.That(() => MultiLabelMetrics.Compute(scores, new double[3, 2]), Throws.ArgumentException.With.Message.Contains("2 x 2 but targets are 3 x 2"));
        Assert.That(() => MultiLabelMetrics.Compute(scores, scores, new MultiLabelMetricsOptions { TopK = 0 }), Throws.ArgumentException.With.Message.Contains("k >= 1"));
        Assert.That(() => MultiLabelMetrics.Compute(new double[5], new double[5], 2), Throws.ArgumentException.With.Message.Contains("whole rows"));
    }
}
