using System.Globalization;
using Srn.Data;
using Srn.Experiments;

namespace Srn.Tests.Experiments;

/// <summary>The teacher's mAP of a KD-WSD run: in <c>epochs.csv</c> and on the epoch lines of <c>srn train</c>, and in <c>srn eval</c>.</summary>
[TestFixture]
[NonParallelizable]
public sealed class TeacherMapCommandTests
{
    private string dir = null!;

    [OneTimeSetUp]
    public void MakeData()
    {
        dir = Directory.CreateTempSubdirectory("srn-teacher-map-").FullName;
        var generator = new FashionScenesGenerator(FashionMnist.Load(), new FashionScenesOptions { Seed = 3, TrainScenes = 32, TestScenes = 16, CanvasSize = 64 });
        FashionScenesDataset.Write(Path.Combine(dir, "data"), generator, new PngImageWriter());
    }

    [OneTimeTearDown]
    public void RemoveData() => Directory.Delete(dir, recursive: true);

    private static (int Code, string Output, string Error) Invoke(params string[] args) =>
        TestSupport.CommandRun.Invoke([TrainCommand.Create(), EvalCommand.Create()], args);

    private string[] Data => [
        "--dataset", "manifests", "--image-root", Path.Combine(dir, "data"),
        "--train-manifest", Path.Combine(dir, "data", "fashion_scenes.train.csv"), "--test-manifest", Path.Combine(dir, "data", "fashion_scenes.test.csv")];

    [Test]
    public void A_kd_wsd_run_logs_its_teachers_map_and_eval_prints_the_same()
    {
        var run = Path.Combine(dir, "kd");
        var (code, output, error) = Invoke(["train", "--method", "kd-wsd", "--epochs", "3", "--batch-size", "16", "--image-size", "32",
            "--option", "proposals=12", "--option", "hidden=32", "--out", run, .. Data]);
        Assert.That(code, Is.Zero, error);
        var lines = File.ReadAllLines(Path.Combine(run, "epochs.csv")).Select(l => l.Split(',')).ToArray();
        var column = Array.IndexOf(lines[0], "teacher_map");
        Assert.That(column, Is.EqualTo(lines[0].Length - 1));
        var maps = lines.Skip(1).Select(c => double.Parse(c[column], CultureInfo.InvariantCulture)).ToArray();
        Assert.That(maps, Has.Length.EqualTo(3).And.All.InRange(0.0, 100.0));
        Assert.That(maps[2], Is.EqualTo(maps[1]), "the teacher is frozen after its stage");
        Assert.That(output, Does.Contain(string.Create(CultureInfo.InvariantCulture, $"teacher mAP {maps[2]:F2}")));

        (code, output, error) = Invoke("eval", "--checkpoint", Path.Combine(run, "checkpoint.safetensors"));
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain(string.Create(CultureInfo.InvariantCulture, $"teacher (its image scores phi), 16 images: mAP {maps[2]:F2}")));
    }

    [Test]
    public void A_run_without_a_teacher_leaves_the_column_empty_and_eval_prints_no_teacher()
    {
        var run = Path.Combine(dir, "student");
        var (code, _, error) = Invoke(["train", "--method", "kd-wsd-student", "--epochs", "1", "--batch-size", "16", "--image-size", "32",
            "--option", "hidden=32", "--out", run, .. Data]);
        Assert.That(code, Is.Zero, error);
        var lines = File.ReadAllLines(Path.Combine(run, "epochs.csv")).Select(l => l.Split(',')).ToArray();
        Assert.That(lines[1][Array.IndexOf(lines[0], "teacher_map")], Is.Empty);
        (code, var output, error) = Invoke("eval", "--checkpoint", Path.Combine(run, "checkpoint.safetensors"));
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Not.Contain("teacher"));
    }
}
