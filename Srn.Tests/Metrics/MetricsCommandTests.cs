using System.CommandLine;
using System.Globalization;
using System.Text;
using Srn.Experiments;
using Srn.Metrics;
using Srn.Tests.Fixtures;

namespace Srn.Tests.Metrics;

/// <summary><c>srn metrics</c> end to end on temporary files: output files, columns, values, and its error messages.</summary>
[TestFixture]
public sealed class MetricsCommandTests
{
    private string dir = null!;

    [SetUp]
    public void MakeDir() => dir = Directory.CreateTempSubdirectory("srn-metrics-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    private static (int Code, string Output, string Error) Invoke(params string[] args)
    {
        var root = new RootCommand { MetricsCommand.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        var code = root.Parse(["metrics", .. args]).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private static string Image(int i) => i == 3 ? "img/0003, copy.jpg" : $"img/{i:D4}.jpg";

    private static string Cell(string s) => s.Contains(',', StringComparison.Ordinal) ? $"\"{s}\"" : s;

    /// <summary>Writes a manifest-shaped CSV with the given row order and column order.</summary>
    private static void WriteCsv(string path, double[,] values, string[] classes, int[] rows, int[] columns)
    {
        var text = new StringBuilder("image," + string.Join(",", columns.Select(j => classes[j]))).Append('\n');
        foreach (var i in rows)
        {
            text.Append(Cell(Image(i)));
            foreach (var j in columns)
            {
                text.Append(',').Append(values[i, j].ToString("R", CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        File.WriteAllText(path, text.ToString());
    }

    private (string Scores, string Targets, double[] SklearnAp, MultiLabelMetrics Expected, string[] Classes) WriteFixtureCase()
    {
        using var f = new ParityFixture("Metrics/metrics.safetensors");
        var (scores, targets, options) = MetricsFixtureTests.Load(f, "logits", _ => "logits");
        var (n, c) = (scores.GetLength(0), scores.GetLength(1));
        var classes = Enumerable.Range(0, c).Select(j => $"c{j:D2}").ToArray();
        var scoresPath = Path.Combine(dir, "scores.csv");
        var targetsPath = Path.Combine(dir, "targets.csv");
        // Scores: rows reversed and columns rotated; targets in the natural order, so matching by name is exercised.
        WriteCsv(scoresPath, scores, classes, Enumerable.Range(0, n).Reverse().ToArray(), Enumerable.Range(0, c).Select(j => (j + 7) % c).ToArray());
        WriteCsv(targetsPath, targets, classes, Enumerable.Range(0, n).ToArray(), Enumerable.Range(0, c).ToArray());
        var expected = MultiLabelMetrics.Compute(scores, targets, options with { ClassNames = classes });
        return (scoresPath, targetsPath, f["logits/ap_noninterp"].ToDoubleArray(), expected, classes);
    }

    [Test]
    public void Writes_both_files_with_the_specified_columns()
    {
        var (scores, targets, sklearn, expected, classes) = WriteFixtureCase();
        var outDir = Path.Combine(dir, "out", "nested");
        var (code, output, error) = Invoke("--scores", scores, "--targets", targets, "--out", outDir);
        Assert.That(code, Is.Zero, error);
        Assert.That(error, Is.Empty);
        Assert.That(output, Does.Contain("mAP (voc12)").And.Contain("OF1").And.Contain("scores read as logits"));
        Assert.That(output, Does.Contain("1 class(es) without a known positive").And.Contain("c00"));

        var summary = File.ReadAllLines(Path.Combine(outDir, "metrics.csv"));
        Assert.That(summary, Has.Length.EqualTo(2));
        Assert.That(summary[0], Is.EqualTo("map,map_noninterp,map_voc07,cp,cr,cf1,cf1_mean,op,or,of1,cp3,cr3,cf1_3,op3,or3,of1_3"));
        var row = summary[1].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var t = expected.Thresholded;
        var k = expected.TopK;
        Assert.That(row, Is.EqualTo(new[]
        {
            expected.Map, expected.MapNonInterpolated, expected.MapVoc07, t.CP, t.CR, t.CF1, t.CF1Mean, t.OP, t.OR, t.OF1, k.CP, k.CR, k.CF1, k.OP, k.OR, k.OF1,
        }), "the row reads back to the library's doubles exactly");
        Assert.That(row[1] / 100, Is.EqualTo(sklearn.Where(v => !double.IsNaN(v)).Average()).Within(1e-12), "map_noninterp = mean of sklearn's APs");

        var perClass = File.ReadAllLines(Path.Combine(outDir, "per_class_ap.csv"));
        Assert.That(perClass[0], Is.EqualTo("class,ap,ap_noninterp,ap_voc07"));
        Assert.That(perClass, Has.Length.EqualTo(classes.Length + 1));
        Assert.That(perClass[1], Is.EqualTo("c00,,,"), "a class without a known positive: empty AP cells");
        for (var j = 1; j < classes.Length; j++)
        {
            var cells = perClass[j + 1].Split(',');
            Assert.That(cells[0], Is.EqualTo(classes[j]), "targets' class order");
            Assert.That(double.Parse(cells[2], CultureInfo.InvariantCulture) / 100, Is.EqualTo(sklearn[j]).Within(1e-12), classes[j]);
            Assert.That(double.Parse(cells[1], CultureInfo.InvariantCulture), Is.EqualTo(expected.Classes[j].Ap), classes[j]);
            Assert.That(double.Parse(cells[3], CultureInfo.InvariantCulture), Is.EqualTo(expected.Classes[j].ApVoc07), classes[j]);
        }

        Assert.That(Directory.GetFiles(outDir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "metrics.csv", "per_class_ap.csv" }), "no temporary file left");
    }

    [Test]
    public void Options_choose_the_score_kind_and_the_top3_convention()
    {
        var (scores, targets, _, expected, _) = WriteFixtureCase();
        var outDir = Path.Combine(dir, "out");
        Assert.That(Invoke("--scores", scores, "--targets", targets, "--out", outDir, "--top3-without-threshold").Code, Is.Zero);
        var row = File.ReadAllLines(Path.Combine(outDir, "metrics.csv"))[1].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.That(row[9], Is.EqualTo(expected.Thresholded.OF1), "of1 unchanged");
        Assert.That(row[13], Is.Not.EqualTo(expected.TopK.OP), "op3 changes: every image now predicts 3 labels, some below the threshold");
        var (cpath, tpath) = (scores, targets);
        var noThreshold = MultiLabelMetrics.Compute(
            ManifestMatrix.AlignScores(ManifestMatrix.ReadScores(cpath), ManifestMatrix.ReadTargets(tpath)), ManifestMatrix.ReadTargets(tpath).Values, 20,
            new MultiLabelMetricsOptions { ScoreKind = ScoreKind.Logits, TopKThreshold = false }).TopK;
        Assert.That(row[10..], Is.EqualTo(new[] { noThreshold.CP, noThreshold.CR, noThreshold.CF1, noThreshold.OP, noThreshold.OR, noThreshold.OF1 }));

        var (code, _, error) = Invoke("--scores", scores, "--targets", targets, "--out", outDir, "--score-kind", "probabilities");
        Assert.That(code, Is.EqualTo(2), "an option that does not fit the scores is a usage error");
        Assert.That(error, Does.Contain("declared probabilities").And.Contain("outside [0, 1]"));
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private (int Code, string Error) Fails(string scoresText, string targetsText)
    {
        var outDir = Path.Combine(dir, "out");
        var (code, _, error) = Invoke("--scores", Write("s.csv", scoresText), "--targets", Write("t.csv", targetsText), "--out", outDir);
        Assert.That(Directory.Exists(outDir), Is.False, "nothing is written on an error");
        return (code, error);
    }

    [Test]
    public void Mismatched_images_are_listed_with_a_count()
    {
        var targets = "image,a,b\n" + string.Concat(Enumerable.Range(0, 10).Select(i => $"x{i}.jpg,1,-1\n"));
        var scores = "image,a,b\n" + string.Concat(Enumerable.Range(2, 10).Select(i => $"x{i}.jpg,0.5,0.1\n"));
        var (code, error) = Fails(scores, targets);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("the images of").And.Contain("2 images of").And.Contain("'x10.jpg', 'x11.jpg'"));
        Assert.That(error, Does.Contain("'x0.jpg', 'x1.jpg'"));

        var many = "image,a,b\n" + string.Concat(Enumerable.Range(100, 12).Select(i => $"x{i}.jpg,0.5,0.1\n"));
        (_, error) = Fails(many, targets);
        Assert.That(error, Does.Contain("12 images of").And.Contain("... (7 more)").And.Contain("10 images of"));
    }

    [Test]
    public void Mismatched_classes_are_listed()
    {
        var (code, error) = Fails("image,a,dgo,cat\nx.jpg,1,2,3\n", "image,a,dog\nx.jpg,1,-1\n");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("class headers").And.Contain("2 classes of").And.Contain("'dgo', 'cat'").And.Contain("1 class of").And.Contain("'dog'"));
    }

    [Test]
    public void Bad_cells_name_the_file_and_line()
    {
        const string targets = "image,a,b\nx.jpg,1,-1\ny.jpg,-1,1\n";
        var (code, error) = Fails("image,a,b\nx.jpg,0.5,0.1\ny.jpg,0.2,abc\n", targets);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("s.csv line 3, class 'b': 'abc' is not a number"));

        (_, error) = Fails("image,a,b\nx.jpg,0.5,0.1\ny.jpg,0.2,nan\n", targets);
        Assert.That(error, Does.Contain("s.csv line 3, class 'b': NaN is not a valid score"));

        (_, error) = Fails("image,a,b\nx.jpg,0.5,0.1\ny.jpg,0.2,0.3\n", "image,a,b\nx.jpg,1,-1\ny.jpg,2,1\n");
        Assert.That(error, Does.Contain("t.csv line 3, class 'a': '2' is not a target (1, -1 or 0)"));

        (_, error) = Fails("image,a,b\nx.jpg,0.5\ny.jpg,0.2,0.3\n", targets);
        Assert.That(error, Does.Contain("s.csv line 2: 2 cells, but the header has 3"));

        (_, error) = Fails("image,a,b\nx.jpg,0.5,0.1\nx.jpg,0.2,0.3\n", targets);
        Assert.That(error, Does.Contain("s.csv: 1 duplicate image: 'x.jpg' (lines 2 and 3)"));

        (_, error) = Fails("img,a,b\nx.jpg,0.5,0.1\n", targets);
        Assert.That(error, Does.Contain("s.csv: the header must start with 'image', found 'img'"));

        (_, error) = Fails("image,a,a\nx.jpg,0.5,0.1\n", targets);
        Assert.That(error, Does.Contain("duplicate class 'a'"));

        (_, error) = Fails(string.Empty, targets);
        Assert.That(error, Does.Contain("s.csv: empty file"));
    }

    [Test]
    public void Infinite_logits_and_a_missing_file()
    {
        var outDir = Path.Combine(dir, "out");
        var scores = Write("s.csv", "image,a,b\nx.jpg,inf,-3\ny.jpg,-inf,2.5\n");
        var targets = Write("t.csv", "image,a,b\nx.jpg,1,-1\ny.jpg,-1,1\n");
        var (code, output, error) = Invoke("--scores", scores, "--targets", targets, "--out", outDir);
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("logits"));
        var lines = File.ReadAllLines(Path.Combine(outDir, "metrics.csv"));
        Assert.That(lines[0], Is.EqualTo(MetricsCsv.SummaryHeader), "top-3 columns even with 2 classes");
        Assert.That(lines[1], Is.EqualTo("100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100"));
        Assert.That(File.ReadAllLines(Path.Combine(outDir, "per_class_ap.csv")), Is.EqualTo(new[] { "class,ap,ap_noninterp,ap_voc07", "a,100,100,100", "b,100,100,100" }));

        (code, _, error) = Invoke("--scores", Path.Combine(dir, "missing.csv"), "--targets", targets, "--out", outDir);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("missing.csv: no such file"));
    }
}
