using System.CommandLine;
using Srn.Data;
using Srn.Experiments;

namespace Srn.Tests.Experiments;

/// <summary>
/// Inputs <c>srn mask</c> and <c>srn train</c> refuse before any work: a manifest that lists an image twice, a proportion
/// that keeps no label, a negative mask seed.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class MaskAndTrainGuardTests
{
    private string dir = null!;

    [OneTimeSetUp]
    public void MakeData()
    {
        dir = Directory.CreateTempSubdirectory("srn-guards-").FullName;
        var generator = new FashionScenesGenerator(FashionMnist.Load(), new FashionScenesOptions { Seed = 3, TrainScenes = 10, TestScenes = 10, CanvasSize = 56 });
        FashionScenesDataset.Write(Path.Combine(dir, "data"), generator, new PngImageWriter());
    }

    [OneTimeTearDown]
    public void RemoveData() => Directory.Delete(dir, recursive: true);

    private static (int Code, string Output, string Error) Invoke(params string[] args) =>
        TestSupport.CommandRun.Invoke([TrainCommand.Create(), MaskCommand.Create()], args);

    private string TrainManifest => Path.Combine(dir, "data", "fashion_scenes.train.csv");

    private string TestManifest => Path.Combine(dir, "data", "fashion_scenes.test.csv");

    private string[] Train(string trainManifest, string outName, params string[] more) =>
    [
        "train", "--method", "partial-bce", "--epochs", "1", "--batch-size", "4", "--image-size", "32", "--out", Path.Combine(dir, outName),
        "--dataset", "manifests", "--image-root", Path.Combine(dir, "data"), "--train-manifest", trainManifest, "--test-manifest", TestManifest, .. more,
    ];

    private string WithDuplicate()
    {
        var lines = File.ReadAllLines(TrainManifest).ToList();
        lines.Add(lines[2]);
        var path = Path.Combine(dir, "dup.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Test]
    public void A_manifest_listing_an_image_twice_is_refused_naming_both_lines()
    {
        var path = WithDuplicate();
        var image = File.ReadAllLines(path)[2].Split(',')[0];
        var last = File.ReadAllLines(path).Length;
        var e = Assert.Throws<DataFormatException>(() => Manifest.Read(path))!;
        Assert.That(e.Message, Does.StartWith($"{path}:{last}:").And.Contain($"image '{image}' is listed twice (first on line 3)"));

        var (code, _, error) = Invoke("mask", "--manifest", path, "--proportion", "0.5", "--out", Path.Combine(dir, "masked-dup.csv"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("line 3").And.Contain($"{path}:{last}:"));
        Assert.That(File.Exists(Path.Combine(dir, "masked-dup.csv")), Is.False);

        (code, _, error) = Invoke(Train(path, "train-dup"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("listed twice"));
        Assert.That(File.Exists(Path.Combine(dir, "train-dup", "checkpoint.safetensors")), Is.False);
    }

    [Test]
    public void A_proportion_that_keeps_no_label_is_refused_saying_how_many_it_keeps()
    {
        var known = Manifest.Read(TrainManifest).Rows.Sum(r => r.Labels.Length);
        var (code, _, error) = Invoke("mask", "--manifest", TrainManifest, "--proportion", "1e-9", "--out", Path.Combine(dir, "masked-tiny.csv"));
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain($"keeps 0 of the {known} known labels"));
        Assert.That(File.Exists(Path.Combine(dir, "masked-tiny.csv")), Is.False);

        (code, _, error) = Invoke("mask", "--manifest", TrainManifest, "--protocol", "per-image", "--proportion", "0.01", "--out", Path.Combine(dir, "masked-tiny.csv"));
        Assert.That(code, Is.EqualTo(2), "per-image at 1% of 10 classes hides every label");
        Assert.That(error, Does.Contain("keeps 0 of"));

        (code, _, error) = Invoke(Train(TrainManifest, "train-tiny", "--proportion", "1e-9"));
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain($"keeps 0 of the {known} known labels"));
    }

    [Test]
    public void A_negative_mask_seed_is_a_usage_error_not_an_overflow()
    {
        var (code, _, error) = Invoke(Train(TrainManifest, "train-seed", "--proportion", "0.5", "--mask-seed", "-1"));
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.StartWith("error: --mask-seed: mask_seed must be at least 0"));
        Assert.That(error, Does.Not.Contain("Overflow").And.Not.Contain("   at "));
    }
}
