using System.CommandLine;
using Srn.Data;
using Srn.Experiments;

namespace Srn.Tests.Data;

[TestFixture]
[NonParallelizable]
public sealed class DataCommandTests
{
    private string dir = null!;

    [SetUp]
    public void MakeDir() => dir = Directory.CreateTempSubdirectory("srn-datacmd-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    /// <summary>Runs <c>srn data ...</c>; returns the exit code and what it wrote to stderr.</summary>
    private static (int Code, string Error) Srn(params string[] args)
    {
        var root = new RootCommand { DataCommand.Create() };
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        try
        {
            return (root.Parse(["data", .. args]).Invoke(), error.ToString());
        }
        finally
        {
            Console.SetError(saved);
        }
    }

    [Test]
    public void Voc2007_writes_both_manifests()
    {
        var (code, error) = Srn("voc2007", "--root", DataFixtures.Path("voc"), "--out", dir, "--difficult", "unknown");
        Assert.That(code, Is.Zero, error);
        var train = Manifest.Read(Path.Combine(dir, "voc2007.train.csv"));
        var test = Manifest.Read(Path.Combine(dir, "voc2007.test.csv"));
        Assert.That((train.Count, test.Count), Is.EqualTo((3, 3)));
        Assert.That(train.CountPerClass(0).Sum(), Is.EqualTo(1), "--difficult unknown");
        Assert.That(Manifest.Load(Path.Combine(dir, "voc2007.train.csv"), DataFixtures.Path("voc")).DroppedCount, Is.Zero);
    }

    [Test]
    public void Each_reader_is_a_subcommand()
    {
        Assert.That(Srn("coco", "--root", DataFixtures.Path("coco"), "--out", dir, "--drop-unannotated").Code, Is.Zero);
        Assert.That(Manifest.Read(Path.Combine(dir, "coco2014.test.csv")).Count, Is.EqualTo(2));
        Assert.That(Srn("nuswide", "--root", DataFixtures.Path("nuswide"), "--out", dir, "--missing-images", "drop", "--drop-untagged").Code, Is.Zero);
        Assert.That(Manifest.Read(Path.Combine(dir, "nuswide.train.csv")).Count, Is.EqualTo(3));
        Assert.That(Srn("vg200", "--root", DataFixtures.Path("vg200"), "--out", dir).Code, Is.Zero);
        Assert.That(Manifest.Read(Path.Combine(dir, "vg200.test.csv")).Count, Is.EqualTo(2));
        Assert.That(Srn("manifest", "--root", DataFixtures.Path("manifest"), "--out", dir, "--absolute-paths").Code, Is.Zero);
        Assert.That(Manifest.Read(Path.Combine(dir, "pets.train.csv")).Rows[0].Image, Does.StartWith("/"));
    }

    [Test]
    public void Errors_exit_with_1_for_bad_files_and_2_for_bad_options_and_write_nothing()
    {
        var (code, error) = Srn("nuswide", "--root", DataFixtures.Path("nuswide"), "--out", dir);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("1 of 5 images are missing").And.Contain("--missing-images drop"));
        Assert.That(Directory.GetFiles(dir), Is.Empty);
        (code, _) = Srn("voc2007", "--root", DataFixtures.Path("voc"), "--out", dir, "--difficult", "maybe");
        Assert.That(code, Is.Not.Zero, "an unknown --difficult value is a usage error");
        (code, error) = Srn("fashion-scenes", "--out", dir, "--fashion-mnist", "/nonexistent");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("dataset-fashion-mnist"));
        (code, error) = Srn("fashion-scenes", "--out", dir, "--train", "3");
        Assert.That(code, Is.EqualTo(2), "a usage error");
        Assert.That(error, Does.Contain("TrainScenes must be at least 10"));
    }

    [Test]
    public void Fashion_scenes_writes_the_dataset_and_then_finds_it_cached()
    {
        var (code, error) = Srn("fashion-scenes", "--out", dir, "--train", "15", "--test", "10", "--seed", "9");
        Assert.That(code, Is.Zero, error);
        var train = Manifest.Load(Path.Combine(dir, "fashion_scenes.train.csv"), dir).Manifest;
        Assert.That(train.Count, Is.EqualTo(15));
        Assert.That(train.CountPerClass(1), Is.All.GreaterThan(0));
        Assert.That(BoxesFile.Read(Path.Combine(dir, "fashion_scenes.test.boxes.csv"), train.Classes).Images, Has.Count.EqualTo(10));
        var stamp = Path.Combine(dir, FashionScenesDataset.StampFile);
        var written = File.GetLastWriteTimeUtc(stamp);
        Assert.That(Srn("fashion-scenes", "--out", dir, "--train", "15", "--test", "10", "--seed", "9").Code, Is.Zero);
        Assert.That(File.GetLastWriteTimeUtc(stamp), Is.EqualTo(written), "cached: the stamp is not rewritten");
    }
}
