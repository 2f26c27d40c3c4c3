using System.CommandLine;
using System.Globalization;
using Srn.Data;
using Srn.Experiments;

namespace Srn.Tests.Experiments;

/// <summary>srn train, srn eval and srn attention end to end on a small FashionScenes written as manifests.</summary>
[TestFixture]
[NonParallelizable]
public sealed class TrainEvalCommandTests
{
    private string dir = null!;

    [OneTimeSetUp]
    public void MakeData()
    {
        dir = Directory.CreateTempSubdirectory("srn-train-cmd-").FullName;
        var generator = new FashionScenesGenerator(FashionMnist.Load(), new FashionScenesOptions { Seed = 1, TrainScenes = 64, TestScenes = 24, CanvasSize = 64 });
        FashionScenesDataset.Write(Path.Combine(dir, "data"), generator, new PngImageWriter());
    }

    [OneTimeTearDown]
    public void RemoveData() => Directory.Delete(dir, recursive: true);

    private static int Invoke(params string[] args)
    {
        var root = new RootCommand { TrainCommand.Create(), EvalCommand.Create(), AttentionCommand.Create() };
        return root.Parse(args).Invoke();
    }

    private string[] Data => [
        "--dataset", "manifests", "--image-root", Path.Combine(dir, "data"),
        "--train-manifest", Path.Combine(dir, "data", "fashion_scenes.train.csv"), "--test-manifest", Path.Combine(dir, "data", "fashion_scenes.test.csv")];

    private static double Column(string csvPath, string column, int row = -1)
    {
        var lines = File.ReadAllLines(csvPath);
        var header = lines[0].Split(',');
        var values = lines[row < 0 ? lines.Length + row : row + 1].Split(',');
        return double.Parse(values[Array.IndexOf(header, column)], CultureInfo.InvariantCulture);
    }

    [Test]
    public void A_trained_SRN_checkpoint_evaluates_to_the_numbers_of_the_training_log_and_renders_attention()
    {
        var run = Path.Combine(dir, "run");
        Assert.That(Invoke(["train", "--method", "srn", "--epochs", "4", "--batch-size", "16", "--image-size", "64", "--out", run, .. Data]), Is.EqualTo(0));
        Assert.That(File.Exists(Path.Combine(run, "checkpoint.safetensors")), Is.True);
        var epochs = File.ReadAllLines(Path.Combine(run, "epochs.csv"));
        Assert.That(epochs, Has.Length.EqualTo(5));
        Assert.That(epochs.Skip(1).Select(l => l.Split(',')[2]), Is.EqualTo(new[] { "y_cls", "y_att", "y_sr", "y" }));

        var eval = Path.Combine(dir, "eval");
        Assert.That(Invoke(["eval", "--checkpoint", Path.Combine(run, "checkpoint.safetensors"), "--dataset", "manifests",
            "--test-manifest", Path.Combine(dir, "data", "fashion_scenes.test.csv"), "--image-root", Path.Combine(dir, "data"), "--out", eval]), Is.EqualTo(0));
        foreach (var metric in new[] { "map", "map_noninterp", "cf1", "of1" })
        {
            Assert.That(Column(Path.Combine(eval, "metrics.csv"), metric), Is.EqualTo(Column(Path.Combine(run, "epochs.csv"), metric)).Within(5e-5), metric);
        }

        var maps = Path.Combine(dir, "maps");
        Assert.That(Invoke(["attention", "--checkpoint", Path.Combine(run, "checkpoint.safetensors"), "--images", Path.Combine(dir, "data", "images", "test"), "--limit", "2", "--out", maps]), Is.EqualTo(0));
        Assert.That(Directory.GetFiles(maps, "*.png"), Has.Length.EqualTo((2 * 10) + 1));
        var overview = Srn.Torch.IO.ImageCodec.ReadInfo(Path.Combine(maps, "overview.png"));
        Assert.That((overview.Width, overview.Height), Is.EqualTo((64 * 11, 64 * 2)));
    }

    [Test]
    public void Bad_options_fail_before_any_work_with_a_message_as_usage_errors()
    {
        Assert.That(Invoke(["train", "--method", "nope", "--out", Path.Combine(dir, "bad"), .. Data]), Is.EqualTo(2));
        Assert.That(Invoke(["train", "--method", "srn", "--proportion", "1.5", .. Data]), Is.EqualTo(2));
        Assert.That(Invoke(["train", "--method", "srn", "--device", "cuda:7", .. Data]), Is.EqualTo(2));
        Assert.That(Invoke(["train", "--method", "srn", "--option", "colour=blue", "--out", Path.Combine(dir, "bad2"), .. Data]), Is.EqualTo(2));
        Assert.That(Invoke(["eval", "--checkpoint", Path.Combine(dir, "missing.safetensors")]), Is.EqualTo(1));
    }
}
