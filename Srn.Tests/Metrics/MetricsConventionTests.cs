using System.CommandLine;
using Srn.Experiments;
using Srn.Metrics;
using Srn.Tests.Fixtures;

namespace Srn.Tests.Metrics;

/// <summary>
/// The two conventions of the thresholded metrics (<see cref="MetricsConvention"/>): ML-GCN's (&gt;= 0.5, a class without
/// predictions has precision 0) and SRN's MATLAB evaluation (&gt; 0.5, precision 1), by hand and against a numpy
/// transcription of SRN's <c>evaluate.m</c> (Fixtures/Metrics/make_srn_convention_fixtures.py).
/// </summary>
[TestFixture]
public sealed class MetricsConventionTests
{
    private const string FixturePath = "Metrics/srn_convention.safetensors";

    // 4 images x 3 classes. Class 0: two scores exactly 0.5 (one positive, one negative); class 1: its only prediction is
    // at exactly 0.5; class 2: nothing reaches 0.5.
    private static readonly double[,] Scores = { { 0.5, 0.1, 0.2 }, { 0.9, 0.5, 0.1 }, { 0.2, 0.3, 0.3 }, { 0.5, 0.4, 0.0 } };
    private static readonly double[,] Targets = { { 1, -1, 1 }, { 1, 1, -1 }, { -1, 1, -1 }, { -1, -1, -1 } };

    private static IEnumerable<string> Cases() => ParityFixture.CaseNames(FixturePath);

    private static MultiLabelMetrics Compute(MetricsConvention convention, int k = 3) =>
        MultiLabelMetrics.Compute(Scores, Targets, new MultiLabelMetricsOptions { ScoreKind = ScoreKind.Probabilities, Convention = convention, TopK = k });

    [Test]
    public void Ml_gcn_predicts_at_the_threshold_and_gives_a_class_without_predictions_precision_zero()
    {
        var m = Compute(MetricsConvention.MlGcn);
        Assert.That(m.Convention, Is.EqualTo(MetricsConvention.MlGcn));
        Assert.That(m.Classes.Select(c => (c.TruePositives, c.PredictedPositives)), Is.EqualTo(new[] { (2, 3), (1, 1), (0, 0) }));

        // P = (2/3, 1, 0), R = (1, 1/2, 0); F1 = (0.8, 2/3, 0).
        var t = m.Thresholded;
        Assert.That(t.CP, Is.EqualTo(100.0 * 5 / 9).Within(1e-12));
        Assert.That(t.CR, Is.EqualTo(50.0).Within(1e-12));
        Assert.That(t.CF1Mean, Is.EqualTo(100.0 * (0.8 + (2.0 / 3)) / 3).Within(1e-12));
        Assert.That((t.OP, t.OR), Is.EqualTo((75.0, 60.0)));
        Assert.That(t.ClassesWithoutPredictions, Is.EqualTo(new[] { 2 }));
        Assert.That(m.Classes[2].Precision, Is.Zero);
    }

    [Test]
    public void Srn_predicts_strictly_above_the_threshold_and_gives_a_class_without_predictions_precision_one()
    {
        var m = Compute(MetricsConvention.Srn);
        Assert.That(m.Convention, Is.EqualTo(MetricsConvention.Srn));
        Assert.That(m.Classes.Select(c => (c.TruePositives, c.PredictedPositives)), Is.EqualTo(new[] { (1, 1), (0, 0), (0, 0) }));

        // P = (1, 1, 1): classes 1 and 2 predict nothing; R = (1/2, 0, 0); F1 = (2/3, 0, 0).
        var t = m.Thresholded;
        Assert.That(t.CP, Is.EqualTo(100.0));
        Assert.That(t.CR, Is.EqualTo(100.0 / 6).Within(1e-12));
        Assert.That(t.CF1Mean, Is.EqualTo(100.0 * 2 / 9).Within(1e-12));
        Assert.That((t.OP, t.OR), Is.EqualTo((100.0, 20.0)));
        Assert.That(t.ClassesWithoutPredictions, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(m.Classes[2].Precision, Is.EqualTo(100.0));
        Assert.That(m.Classes[1].F1, Is.Zero);
    }

    [Test]
    public void Top_k_follows_the_convention_and_ap_does_not_depend_on_it()
    {
        // Top-1 of each row: class 0 at 0.5 (positive), 0.9 (positive), class 1 at 0.3 (the 0.3 tie goes to the lower
        // index; below the threshold), class 0 at 0.5 (negative).
        var mlGcn = Compute(MetricsConvention.MlGcn, k: 1);
        var srn = Compute(MetricsConvention.Srn, k: 1);
        Assert.That((mlGcn.TopK.OP, mlGcn.TopK.OR), Is.EqualTo((100.0 * 2 / 3, 40.0)).Within(1e-12));
        Assert.That((srn.TopK.OP, srn.TopK.OR), Is.EqualTo((100.0, 20.0)));
        Assert.That(srn.TopK.ClassesWithoutPredictions, Is.EqualTo(new[] { 1, 2 }));
        Assert.That((srn.Map, srn.MapNonInterpolated, srn.MapVoc07), Is.EqualTo((mlGcn.Map, mlGcn.MapNonInterpolated, mlGcn.MapVoc07)));
    }

    [Test]
    public void Nothing_predicted_at_all_gives_op_zero_or_one()
    {
        double[,] scores = { { 0.5, 0.5 }, { 0.5, 0.5 } };
        double[,] targets = { { 1, -1 }, { -1, 1 } };
        var options = new MultiLabelMetricsOptions { ScoreKind = ScoreKind.Probabilities };
        var srn = MultiLabelMetrics.Compute(scores, targets, options with { Convention = MetricsConvention.Srn }).Thresholded;
        Assert.That((srn.OP, srn.OR, srn.CP), Is.EqualTo((100.0, 0.0, 100.0)));

        double[,] low = { { 0.4, 0.1 }, { 0.2, 0.3 } };
        var mlGcn = MultiLabelMetrics.Compute(low, targets, options).Thresholded;
        Assert.That((mlGcn.OP, mlGcn.OR, mlGcn.CP), Is.EqualTo((0.0, 0.0, 0.0)));
    }

    [Test]
    public void Logits_are_predicted_above_zero_under_srn()
    {
        double[,] logits = { { 0.0, 2.0 }, { -1.0, 0.0 }, { 3.0, -2.0 } };
        double[,] targets = { { 1, 1 }, { -1, 1 }, { 1, -1 } };
        var options = new MultiLabelMetricsOptions { ScoreKind = ScoreKind.Logits };
        var srn = MultiLabelMetrics.Compute(logits, targets, options with { Convention = MetricsConvention.Srn });
        var mlGcn = MultiLabelMetrics.Compute(logits, targets, options);
        Assert.That(srn.Classes.Select(c => c.PredictedPositives), Is.EqualTo(new[] { 1, 1 }));
        Assert.That(mlGcn.Classes.Select(c => c.PredictedPositives), Is.EqualTo(new[] { 2, 2 }));
    }

    [Test]
    public void An_unknown_convention_is_an_argument_error()
    {
        Assert.That(
            () => MultiLabelMetrics.Compute(Scores, Targets, new MultiLabelMetricsOptions { Convention = (MetricsConvention)7 }),
            Throws.ArgumentException.With.Message.Contains("unknown metrics convention"));
    }

    [TestCaseSource(nameof(Cases))]
    public void Srn_convention_equals_srn_matlab_evaluation(string name)
    {
        using var f = new ParityFixture(FixturePath);
        var (scores, targets, options) = MetricsFixtureTests.Load(f, name, n => n == "logits" ? "logits" : "probabilities"); // the script's kind_<case> metadata
        var m = MultiLabelMetrics.Compute(scores, targets, options with { Convention = MetricsConvention.Srn });
        var t = m.Thresholded;

        // The script's eps terms move its numbers by about 1e-14 percent.
        Assert.That(new[] { t.CP, t.CR, t.CF1Mean, t.OP, t.OR, t.OF1 }, Is.EqualTo(f[$"{name}/srn"].ToDoubleArray()).Within(1e-10), "CP CR CF1mean OP OR OF1");

        // The fixture is one where the conventions differ: ties at the threshold and classes without predictions.
        var mlGcn = MultiLabelMetrics.Compute(scores, targets, options).Thresholded;
        Assert.That(mlGcn.CP, Is.Not.EqualTo(t.CP).Within(1e-6));
        Assert.That(t.ClassesWithoutPredictions, Is.Not.Empty);
    }

    [Test]
    public void Srn_metrics_command_takes_the_convention()
    {
        var dir = Directory.CreateTempSubdirectory("srn-metrics-convention-").FullName;
        try
        {
            var scores = Path.Combine(dir, "s.csv");
            var targets = Path.Combine(dir, "t.csv");
            File.WriteAllText(scores, "image,a,b,c\nx0,0.5,0.1,0.2\nx1,0.9,0.5,0.1\nx2,0.2,0.3,0.3\nx3,0.5,0.4,0\n");
            File.WriteAllText(targets, "image,a,b,c\nx0,1,-1,1\nx1,1,1,-1\nx2,-1,1,-1\nx3,-1,-1,-1\n");
            var outDir = Path.Combine(dir, "out");
            var (code, output, error) = Invoke("--scores", scores, "--targets", targets, "--out", outDir, "--convention", "srn");
            Assert.That(code, Is.Zero, error);
            Assert.That(output, Does.Contain("score > 0.5").And.Contain("SRN convention").And.Contain("precision counted as 1 in CP"));
            var row = File.ReadAllLines(Path.Combine(outDir, MetricsCsv.SummaryFileName))[1].Split(',');
            Assert.That(double.Parse(row[3], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(Compute(MetricsConvention.Srn).Thresholded.CP), "cp");

            (code, output, _) = Invoke("--scores", scores, "--targets", targets, "--out", outDir);
            Assert.That(code, Is.Zero);
            Assert.That(output, Does.Contain("score >= 0.5").And.Contain("ML-GCN convention"));

            (code, _, error) = Invoke("--scores", scores, "--targets", targets, "--out", outDir, "--convention", "voc");
            Assert.That(code, Is.Not.Zero);
            Assert.That(error, Does.Contain("voc"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (int Code, string Output, string Error) Invoke(params string[] args)
    {
        var root = new RootCommand { MetricsCommand.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        var code = root.Parse(["metrics", .. args]).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
