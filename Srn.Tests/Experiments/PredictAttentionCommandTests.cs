using System.CommandLine;
using System.Globalization;
using Srn.Data;
using Srn.Experiments;
using Srn.Experiments.Results;
using Srn.Experiments.Runs;
using Srn.Training;
using Srn.Vision;

namespace Srn.Tests.Experiments;

/// <summary>
/// <c>srn predict</c> and <c>srn attention</c> on a tiny SRN run trained in-process: predict's probabilities equal the
/// sigmoid of eval's scores, attention's file names stay inside --out and unique, and their options fail cleanly.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PredictAttentionCommandTests
{
    private string dir = null!;
    private string checkpoint = null!;

    [OneTimeSetUp]
    public void TrainTinyRun()
    {
        dir = Directory.CreateTempSubdirectory("srn-predict-cmd-").FullName;
        var generator = new FashionScenesGenerator(FashionMnist.Load(), new FashionScenesOptions { Seed = 2, TrainScenes = 16, TestScenes = 10, CanvasSize = 56 });
        FashionScenesDataset.Write(Path.Combine(dir, "data"), generator, new PngImageWriter());
        var run = Path.Combine(dir, "run");
        var (code, _, error) = Invoke("train", "--method", "srn", "--epochs", "4", "--batch-size", "8", "--image-size", "32", "--out", run,
            "--dataset", "manifests", "--image-root", Path.Combine(dir, "data"),
            "--train-manifest", Path.Combine(dir, "data", "fashion_scenes.train.csv"), "--test-manifest", Path.Combine(dir, "data", "fashion_scenes.test.csv"));
        Assert.That(code, Is.Zero, error);
        checkpoint = Path.Combine(run, "checkpoint.safetensors");
    }

    [OneTimeTearDown]
    public void RemoveData() => Directory.Delete(dir, recursive: true);

    private static (int Code, string Output, string Error) Invoke(params string[] args) =>
        TestSupport.CommandRun.Invoke([TrainCommand.Create(), EvalCommand.Create(), AttentionCommand.Create(), PredictCommand.Create()], args);

    private string TestImages => Path.Combine(dir, "data", "images", "test");

    [Test]
    public void Predict_writes_the_probabilities_eval_gives_for_the_same_images_and_the_top_labels()
    {
        var images = Directory.GetFiles(TestImages, "*.png").Order(StringComparer.Ordinal).Take(4).ToArray();
        var outPath = Path.Combine(dir, "pred", "scores.csv");
        var (code, output, error) = Invoke("predict", "--checkpoint", checkpoint, "--images", string.Join(',', images), "--out", outPath, "--top", "2");
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain(Path.GetFileName(images[0])));

        // What srn eval scores: the checkpoint's method over the test manifest with its test transform (Evaluation.Run).
        var manifest = Manifest.Read(Path.Combine(dir, "data", "fashion_scenes.test.csv"));
        var (method, _) = CheckpointModel.Load(checkpoint, Srn.Torch.Device.Cpu);
        double[,] expected;
        using (method)
        {
            var setup = method.Setup;
            var evaluation = Evaluation.Run(method, new ManifestImageDataset(manifest, Path.Combine(dir, "data")),
                ImageRecipes.Test(setup.ImageSize, Srn.Models.ModelRegistry.Config(setup.Backbone)), new TrainerOptions());
            expected = ScoresCsv.Sigmoid(evaluation.Scores);
            var evalScores = Path.Combine(dir, "eval-scores.csv");
            ScoresCsv.Write(evalScores, evaluation.Names, setup.ClassNames, expected);
            Assert.That(File.ReadAllLines(evalScores)[0], Is.EqualTo("image," + string.Join(',', setup.ClassNames)));
        }

        var lines = File.ReadAllLines(outPath);
        var header = lines[0].Split(',');
        Assert.That(header[0], Is.EqualTo("image"));
        Assert.That(header[^1], Is.EqualTo("top_labels"));
        Assert.That(header[1..^1], Is.EqualTo(manifest.Classes));
        Assert.That(lines, Has.Length.EqualTo(1 + images.Length));
        for (var i = 0; i < images.Length; i++)
        {
            var cells = lines[1 + i].Split(',');
            Assert.That(cells[0], Is.EqualTo(images[i]));
            var row = Enumerable.Range(0, manifest.Rows.Count).Single(r => Path.GetFileName(manifest.Rows[r].Image) == Path.GetFileName(images[i]));
            var probabilities = cells[1..^1].Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            for (var c = 0; c < probabilities.Length; c++)
            {
                Assert.That(probabilities[c], Is.EqualTo(expected[row, c]).Within(1e-6), $"{images[i]} class {manifest.Classes[c]}");
            }

            var top = probabilities.Select((p, c) => (p, c)).OrderByDescending(t => t.p).ThenBy(t => t.c).Take(2).Select(t => manifest.Classes[t.c]);
            Assert.That(cells[^1], Is.EqualTo(string.Join(';', top)));
        }
    }

    [Test]
    public void Predict_names_an_unreadable_image_in_one_error_line_and_refuses_a_bad_top()
    {
        var bad = Path.Combine(dir, "broken.png");
        File.WriteAllText(bad, "not a png");
        var outPath = Path.Combine(dir, "bad", "scores.csv");
        var (code, _, error) = Invoke("predict", "--checkpoint", checkpoint, "--images", bad, "--out", outPath);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.StartWith("error: ").And.Contain(bad));
        Assert.That(File.Exists(outPath), Is.False);

        (code, _, error) = Invoke("predict", "--checkpoint", checkpoint, "--images", TestImages, "--out", outPath, "--top", "0");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--top must be at least 1"));
    }

    [Test]
    public void Attention_keeps_hostile_class_names_inside_out_and_gives_same_stem_images_their_own_files()
    {
        // A checkpoint whose class names are paths: rename the classes of a tiny SRN run.
        var evil = Path.Combine(dir, "evil");
        var manifest = Manifest.Read(Path.Combine(dir, "data", "fashion_scenes.train.csv"));
        var classes = manifest.Classes.Select((c, i) => i switch { 0 => "../../../../tmp/x/ESCAPED", 1 => "..", 2 => "a/b", 3 => "a_b", _ => c }).ToArray();
        var renamed = Path.Combine(dir, "evil-train.csv");
        var test = Path.Combine(dir, "evil-test.csv");
        new Manifest(classes, manifest.Rows).Write(renamed);
        new Manifest(classes, Manifest.Read(Path.Combine(dir, "data", "fashion_scenes.test.csv")).Rows).Write(test);
        var (code, _, error) = Invoke("train", "--method", "srn", "--epochs", "4", "--batch-size", "8", "--image-size", "32", "--out", evil,
            "--dataset", "manifests", "--image-root", Path.Combine(dir, "data"), "--train-manifest", renamed, "--test-manifest", test);
        Assert.That(code, Is.Zero, error);

        // Two images with one stem in different folders.
        var source = Directory.GetFiles(TestImages, "*.png").Order(StringComparer.Ordinal).Take(2).ToArray();
        var a = Path.Combine(dir, "a", "x.png");
        var b = Path.Combine(dir, "b", "x.png");
        Directory.CreateDirectory(Path.GetDirectoryName(a)!);
        Directory.CreateDirectory(Path.GetDirectoryName(b)!);
        File.Copy(source[0], a);
        File.Copy(source[1], b);

        var maps = Path.Combine(dir, "maps", "deep", "out");
        string output;
        (code, output, error) = Invoke("attention", "--checkpoint", Path.Combine(evil, "checkpoint.safetensors"), "--images", $"{a},{b}", "--out", maps);
        Assert.That(code, Is.Zero, error);
        var pngs = Directory.GetFiles(maps, "*.png").Select(f => Path.GetFileName(f)).ToArray();
        Assert.That(pngs, Has.Length.EqualTo((2 * classes.Length) + 1), string.Join(' ', pngs));
        Assert.That(output, Does.Contain($"wrote {2 * classes.Length} heat maps"));
        Assert.That(Directory.GetFileSystemEntries(Path.Combine(dir, "maps")), Is.EqualTo(new[] { Path.Combine(dir, "maps", "deep") }), "nothing outside --out");
        Assert.That(Directory.GetDirectories(maps), Is.Empty);
        Assert.That(Directory.Exists("/tmp/x/ESCAPED.png") || File.Exists("/tmp/x/ESCAPED.png"), Is.False);
        Assert.That(pngs, Does.Contain("x_a_b.png").And.Contain("x_a_b-2.png").And.Contain("x-2_a_b.png"));
        Assert.That(pngs.Where(p => p.Contains("..", StringComparison.Ordinal)), Is.Empty);

        // overview.csv names each heat map's file, and every file it names exists.
        var overview = File.ReadAllLines(Path.Combine(maps, "overview.csv"));
        Assert.That(overview[0], Is.EqualTo("row,image,column,class,score,file"));
        var files = overview.Skip(1).Select(l => l.Split(',')[^1]).Where(f => f.Length > 0).ToArray();
        Assert.That(files, Is.Unique);
        Assert.That(files.All(f => File.Exists(Path.Combine(maps, f))), Is.True);
    }

    [Test]
    public void Attention_accepts_repeated_and_comma_separated_images_and_refuses_limit_zero()
    {
        var images = Directory.GetFiles(TestImages, "*.png").Order(StringComparer.Ordinal).Take(3).ToArray();
        Assert.That(ImageInputs.List([$"{images[0]},{images[1]}", images[2]]), Is.EqualTo(images));
        Assert.That(ImageInputs.List([images[0], images[0]]), Is.EqualTo(new[] { images[0] }), "a file named twice is taken once");
        Assert.That(ImageInputs.List([TestImages], 2), Is.EqualTo(Directory.GetFiles(TestImages, "*.png").Order(StringComparer.Ordinal).Take(2)));

        var (code, _, error) = Invoke("attention", "--checkpoint", checkpoint, "--images", TestImages, "--limit", "0", "--out", Path.Combine(dir, "lim"));
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--limit must be at least 1"));
        Assert.That(Directory.Exists(Path.Combine(dir, "lim")), Is.False);
    }

    [TestCase("../../../../tmp/x/ESCAPED", "__._._._tmp_x_ESCAPED")]
    [TestCase("..", "_")]
    [TestCase("a..b", "a.b")]
    [TestCase(".", "_")]
    [TestCase("", "_")]
    [TestCase("a\u0000b\nc", "a_b_c")]
    [TestCase("CON", "_CON")]
    [TestCase("t-shirt/top", "t-shirt_top")]
    public void A_file_name_component_has_no_separator_no_dot_dot_and_is_not_empty(string text, string expected)
    {
        var name = SafeFileNames.Component(text);
        Assert.That(name, Is.EqualTo(expected));
        Assert.That(name, Does.Not.Contain("/").And.Not.Contain("\\"));
        Assert.That(name, Does.Not.Contain(".."));
        Assert.That(name, Does.Not.StartWith("."));
    }

    [Test]
    public void A_long_component_is_cut_to_its_bound_and_long_names_stay_distinct()
    {
        var a = SafeFileNames.Component(new string('é', 300) + "a");
        var b = SafeFileNames.Component(new string('é', 300) + "b");
        Assert.That(System.Text.Encoding.UTF8.GetByteCount(a), Is.LessThanOrEqualTo(SafeFileNames.MaxComponentBytes));
        Assert.That(a, Is.Not.EqualTo(b));
        var names = new SafeFileNames();
        Assert.That(new[] { names.Claim("x"), names.Claim("x"), names.Claim("X"), names.Claim("x-2") }, Is.EqualTo(new[] { "x", "x-2", "X-3", "x-2-2" }));
        Assert.That(() => SafeFileNames.Inside(dir, "../y.png"), Throws.ArgumentException);
    }
}
