using Srn.Metrics;
using Srn.Tests.Fixtures;
using Srn.Torch;

namespace Srn.Tests.Metrics;

/// <summary>
/// Parity with scikit-learn's <c>average_precision_score</c> (noninterp), the PASCAL VOC devkit (voc12, voc07, on tie-free
/// scores) and an ML-GCN-style numpy reference (thresholded and top-3 metrics), on the fixtures of
/// Fixtures/Metrics/make_metrics_fixtures.py: many tied scores, unknown entries, classes without positives.
/// </summary>
[TestFixture]
public sealed class MetricsFixtureTests
{
    private const string FixturePath = "Metrics/metrics.safetensors";

    private static IEnumerable<string> Cases() => ParityFixture.CaseNames(FixturePath);

    internal static (double[,] Scores, double[,] Targets, MultiLabelMetricsOptions Options) Load(ParityFixture f, string name, Func<string, string> kind)
    {
        var s = f[$"{name}/scores"];
        var t = f[$"{name}/targets"];
        var (n, c) = ((int)s.Shape[0], (int)s.Shape[1]);
        var sv = s.ToDoubleArray();
        var tv = t.ToDoubleArray();
        var scores = new double[n, c];
        var targets = new double[n, c];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < c; j++)
            {
                scores[i, j] = sv[(i * c) + j];
                targets[i, j] = tv[(i * c) + j];
            }
        }

        return (scores, targets, new MultiLabelMetricsOptions { ScoreKind = kind(name) == "logits" ? ScoreKind.Logits : ScoreKind.Probabilities });
    }

    private static void AssertPerClass(double[] expected, IReadOnlyList<ClassMetrics> classes, Func<ClassMetrics, double?> actual, string what)
    {
        Assert.That(classes, Has.Count.EqualTo(expected.Length));
        for (var j = 0; j < expected.Length; j++)
        {
            var value = actual(classes[j]);
            if (double.IsNaN(expected[j]))
            {
                Assert.That(value, Is.Null, $"{what}, class {j}: no positive, so no AP");
            }
            else
            {
                Assert.That(value, Is.Not.Null, $"{what}, class {j}");
                Assert.That(value!.Value / 100, Is.EqualTo(expected[j]).Within(1e-12), $"{what}, class {j}");
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Noninterp_ap_equals_scikit_learn(string name)
    {
        using var f = new ParityFixture(FixturePath);
        var expected = f[$"{name}/ap_noninterp"].ToDoubleArray();
        using var scope = DisposeScope.Enter();
        var m = MultiLabelMetrics.Compute(f[$"{name}/scores"], f[$"{name}/targets"]);
        AssertPerClass(expected, m.Classes, c => c.ApNonInterpolated, $"{name} noninterp");
        var defined = expected.Where(v => !double.IsNaN(v)).ToArray();
        Assert.That(m.MapNonInterpolated / 100, Is.EqualTo(defined.Average()).Within(1e-12));
        Assert.That(m.ExcludedClasses, Is.EqualTo(Enumerable.Range(0, expected.Length).Where(j => double.IsNaN(expected[j])).ToArray()));
    }

    [Test]
    public void The_fixtures_cover_ties_unknowns_and_classes_without_positives()
    {
        using var f = new ParityFixture(FixturePath);
        var (scores, targets, _) = Load(f, "ties", _ => "probabilities");
        var distinct = Enumerable.Range(0, scores.GetLength(1)).Select(j => Enumerable.Range(0, scores.GetLength(0)).Select(i => scores[i, j]).Distinct().Count());
        Assert.That(distinct.Max(), Is.LessThanOrEqualTo(50), "rounded scores: many ties per class");
        Assert.That(targets.Cast<double>().Count(v => v == 0), Is.GreaterThan(100), "unknown entries");
        var m = MultiLabelMetrics.Compute(scores, targets);
        Assert.That(m.ExcludedClasses, Is.EqualTo(new[] { 2, 4 }), "class 2 has no positive, class 4 is all unknown");
        Assert.That(m.Classes[4].Unknown, Is.EqualTo(scores.GetLength(0)));
        Assert.That(m.Thresholded.ClassesWithoutPredictions, Does.Contain(9), "class 9 scores nothing >= 0.5");
        Assert.That(m.Classes[8].Ap, Is.EqualTo(100.0), "class 8 ranks every positive first");
    }

    [Test]
    public void Voc12_and_voc07_equal_the_devkit_without_ties()
    {
        using var f = new ParityFixture(FixturePath);
        using var scope = DisposeScope.Enter();
        var m = MultiLabelMetrics.Compute(f["distinct/scores"], f["distinct/targets"]);
        AssertPerClass(f["distinct/ap_voc12"].ToDoubleArray(), m.Classes, c => c.Ap, "voc12");
        AssertPerClass(f["distinct/ap_voc07"].ToDoubleArray(), m.Classes, c => c.ApVoc07, "voc07");
    }

    [TestCaseSource(nameof(Cases))]
    public void Thresholded_and_top3_metrics_equal_the_reference(string name)
    {
        using var f = new ParityFixture(FixturePath);
        var kind = (string n) => n == "logits" ? "logits" : "probabilities";
        var (scores, targets, options) = Load(f, name, kind);
        var m = MultiLabelMetrics.Compute(scores, targets, options);
        var noThreshold = MultiLabelMetrics.Compute(scores, targets, options with { TopKThreshold = false });
        static double[] Row(ThresholdedMetrics t) => [t.CP, t.CR, t.CF1, t.CF1Mean, t.OP, t.OR, t.OF1];
        Assert.That(Row(m.Thresholded), Is.EqualTo(f[$"{name}/thresholded"].ToDoubleArray()).Within(1e-10), "CP CR CF1 CF1mean OP OR OF1");
        Assert.That(Row(m.TopK), Is.EqualTo(f[$"{name}/top3"].ToDoubleArray()).Within(1e-10), "top-3, threshold");
        Assert.That(Row(noThreshold.TopK), Is.EqualTo(f[$"{name}/top3_nothr"].ToDoubleArray()).Within(1e-10), "top-3, no threshold");
        Assert.That(MultiLabelMetrics.Compute(scores, targets).ScoreKind, Is.EqualTo(options.ScoreKind), "auto detection agrees with the fixture");
    }

    [TestCaseSource(nameof(Cases))]
    public void Row_order_does_not_change_any_bit(string name)
    {
        using var f = new ParityFixture(FixturePath);
        var (scores, targets, options) = Load(f, name, n => n == "logits" ? "logits" : "probabilities");
        var (n, c) = (scores.GetLength(0), scores.GetLength(1));
        var order = Enumerable.Range(0, n).ToArray();
        new Random(7).Shuffle(order);
        var s2 = new double[n, c];
        var t2 = new double[n, c];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < c; j++)
            {
                s2[i, j] = scores[order[i], j];
                t2[i, j] = targets[order[i], j];
            }
        }

        var a = MultiLabelMetrics.Compute(scores, targets, options);
        var b = MultiLabelMetrics.Compute(s2, t2, options);
        Assert.That(b.Classes.Select(x => (x.Ap, x.ApNonInterpolated, x.ApVoc07)), Is.EqualTo(a.Classes.Select(x => (x.Ap, x.ApNonInterpolated, x.ApVoc07))));
        Assert.That((b.Map, b.Thresholded.CF1, b.TopK.OF1), Is.EqualTo((a.Map, a.Thresholded.CF1, a.TopK.OF1)));
    }
}
