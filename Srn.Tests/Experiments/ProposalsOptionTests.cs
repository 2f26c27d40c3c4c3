using Srn.Data;
using Srn.Experiments;
using Srn.PartialLabels.Runs;
using Srn.Tests.TestSupport;
using Srn.Vision;

namespace Srn.Tests.Experiments;

/// <summary><c>srn train --proposals FILE</c>: KD-WSD on a proposals file, the file's content in the run's identity, and its errors.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ProposalsOptionTests
{
    private string dir = null!;

    [OneTimeSetUp]
    public void MakeData()
    {
        dir = Directory.CreateTempSubdirectory("srn-proposals-cmd-").FullName;
        var generator = new FashionScenesGenerator(FashionMnist.Load(), new FashionScenesOptions { Seed = 1, TrainScenes = 32, TestScenes = 16, CanvasSize = 64 });
        FashionScenesDataset.Write(Path.Combine(dir, "data"), generator, new PngImageWriter());
    }

    [OneTimeTearDown]
    public void RemoveData() => Directory.Delete(dir, recursive: true);

    private string[] Data => [
        "--dataset", "manifests", "--image-root", Path.Combine(dir, "data"),
        "--train-manifest", Path.Combine(dir, "data", "fashion_scenes.train.csv"), "--test-manifest", Path.Combine(dir, "data", "fashion_scenes.test.csv")];

    // Four windows per training image (the whole scene and its quadrants), in the scenes' 64-px coordinates.
    private string WriteProposals(string name, int skip = 0, float shift = 0)
    {
        var manifest = Manifest.Read(Path.Combine(dir, "data", "fashion_scenes.train.csv"));
        var boxes = new ImageBoxes();
        foreach (var row in manifest.Rows.Skip(skip))
        {
            boxes.Add(row.Image, new Box(0, 0, 64, 64));
            foreach (var (x, y) in new[] { (0, 0), (32, 0), (0, 32), (32, 32) }.Take(3))
            {
                boxes.Add(row.Image, new Box(x + shift, y, x + 32, y + 32));
            }
        }

        var path = Path.Combine(dir, name);
        ProposalsFile.Write(path, boxes);
        return path;
    }

    private static (int Code, string Output, string Error) Srn(params string[] args) => CommandRun.Invoke([TrainCommand.Create(), EvalCommand.Create()], args);

    [Test]
    public void Kd_wsd_trains_on_the_proposals_of_a_file_and_records_it()
    {
        var proposals = WriteProposals("proposals.csv");
        var run = Path.Combine(dir, "run");
        var (code, output, error) = Srn(["train", "--method", "kd-wsd", "--backbone", "vgg-small", "--image-size", "64", "--epochs", "3", "--batch-size", "8",
            "--option", "stage_epochs=1,1,1", "--option", "proposals=4", "--proposals", proposals, "--out", run, .. Data]);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain($"proposals {proposals}: the first 4 of each image's boxes"));
        Assert.That(File.ReadAllText(Path.Combine(run, "log.txt")), Does.Contain($"proposals {proposals}: the first 4"));
        Assert.That(File.ReadAllLines(Path.Combine(run, "config.yaml")), Has.Some.Contains("proposals:").And.Some.Contains(Path.GetFileName(proposals)));
        Assert.That(File.ReadAllLines(Path.Combine(run, "epochs.csv")), Has.Length.EqualTo(4));

        // The student evaluates; the teacher's CorLoc needs proposals for the test scenes, which this file does not have.
        (code, output, error) = Srn(["eval", "--checkpoint", Path.Combine(run, "checkpoint.safetensors"), "--dataset", "fashion-scenes", "--data", Path.Combine(dir, "data")]);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("mAP").And.Contain("teacher CorLoc: not measured (the run's proposals file"));
    }

    [Test]
    public void The_files_content_is_part_of_the_run_identity()
    {
        var a = WriteProposals("a.csv");
        var b = WriteProposals("b.csv");
        var moved = WriteProposals("moved.csv", shift: 2);
        string Hash(string? path) => RunIdentity.Of(new RunConfiguration { Method = "kd-wsd", Proposals = path }, "data").Hash;
        Assert.That(Hash(b), Is.EqualTo(Hash(a)), "a copy elsewhere is the same run");
        Assert.That(Hash(moved), Is.Not.EqualTo(Hash(a)), "other proposals are another run");
        Assert.That(Hash(null), Is.Not.EqualTo(Hash(a)), "the method's own windows are another run");
        Assert.That(RunIdentity.Of(new RunConfiguration { Method = "kd-wsd", Proposals = a }, "data").Text,
            Does.Contain("proposals=sha256:").And.Not.Contain(a));
    }

    [Test]
    public void A_file_that_misses_training_images_a_method_without_proposals_or_no_file_fail_before_training()
    {
        var partial = WriteProposals("partial.csv", skip: 30);
        var (code, _, error) = Srn(["train", "--method", "kd-wsd", "--image-size", "64", "--epochs", "3", "--proposals", partial, "--out", Path.Combine(dir, "bad1"), .. Data]);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain(partial).And.Contain("no proposals for 30 training images"));
        Assert.That(Directory.Exists(Path.Combine(dir, "bad1")) && File.Exists(Path.Combine(dir, "bad1", "checkpoint.safetensors")), Is.False);

        (code, _, error) = Srn(["train", "--method", "srn", "--proposals", partial, .. Data]);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("only kd-wsd and kd-wsd-student take a proposals file"));
        (code, _, error) = Srn(["train", "--method", "kd-wsd", "--proposals", Path.Combine(dir, "absent.csv"), .. Data]);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("proposals: ").And.Contain("absent.csv does not exist"));
        (code, _, error) = Srn(["train", "--method", "kd-wsd", "--proposals", partial, "--option", "proposal_source=objectness", "--out", Path.Combine(dir, "bad2"), .. Data]);
        Assert.That(code, Is.EqualTo(2), "checked with the method's options, before the data is read");
        Assert.That(error, Does.Contain("conflicts with option proposal_source"));
        Assert.That(RunSettings.Find("proposals").AffectsResults, Is.True);
    }
}
