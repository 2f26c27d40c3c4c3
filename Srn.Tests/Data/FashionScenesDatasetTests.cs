using Srn.Data;

namespace Srn.Tests.Data;

[TestFixture]
public sealed class FashionScenesDatasetTests
{
    private string dir = null!;

    [SetUp]
    public void MakeDir() => dir = Directory.CreateTempSubdirectory("srn-fscenes-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    private static FashionScenesGenerator Generator(int seed = 4, int train = 24, int test = 12) =>
        new(DataFixtures.FashionMnist, new FashionScenesOptions { Seed = seed, TrainScenes = train, TestScenes = test });

    /// <summary>An image writer that counts its calls and writes PPM.</summary>
    private sealed class CountingWriter : IImageWriter
    {
        private readonly PpmImageWriter ppm = new();
        private int calls;

        public int Calls => calls;

        public string Extension => ".ppm";

        public void Write(string path, ReadOnlySpan<byte> rgbHwc, int width, int height)
        {
            Interlocked.Increment(ref calls);
            ppm.Write(path, rgbHwc, width, height);
        }
    }

    [Test]
    public void A_generation_writes_images_manifests_and_boxes_that_match_the_scenes()
    {
        var g = Generator();
        var r = FashionScenesDataset.Write(dir, g, new PpmImageWriter());
        Assert.That(r.Cached, Is.False);
        Assert.That(Path.GetFileName(r.TrainManifestPath), Is.EqualTo("fashion_scenes.train.csv"));
        // PPM (the tests' lossless writer) is not a training format: the pixels are read back below instead of the headers checked.
        var train = Manifest.Read(r.TrainManifestPath);
        var test = Manifest.Read(r.TestManifestPath);
        Assert.That((train.Count, test.Count), Is.EqualTo((24, 12)));
        Assert.That(train.Classes, Is.EqualTo(FashionMnist.ClassNames));
        Assert.That(test.Rows[5].Image, Is.EqualTo("images/test/000005.ppm"));
        var boxes = BoxesFile.Read(r.TestBoxesPath, test.Classes);
        foreach (var (split, manifest, boxesPath) in new[] { (SceneSplit.Train, train, r.TrainBoxesPath), (SceneSplit.Test, test, r.TestBoxesPath) })
        {
            var fileBoxes = BoxesFile.Read(boxesPath, manifest.Classes);
            for (var i = 0; i < manifest.Count; i++)
            {
                var scene = g.Generate(split, i);
                var row = manifest.Rows[i];
                Assert.That(row.Labels, Is.EqualTo(scene.Labels));
                Assert.That(fileBoxes[row.Image], Is.EqualTo(scene.Boxes));
                var (pixels, w, h) = PpmImageWriter.Read(Path.Combine(dir, row.Image));
                Assert.That((w, h), Is.EqualTo((112, 112)));
                Assert.That(pixels, Is.EqualTo(scene.Pixels.ToArray()), row.Image);
            }
        }

        Assert.That(File.ReadAllText(Path.Combine(dir, FashionScenesDataset.StampFile)), Does.Contain("\"seed\": 4").And.Contain("\"version\": 1"));
    }

    [Test]
    public void A_second_write_of_the_same_generation_is_cached()
    {
        var writer = new CountingWriter();
        FashionScenesDataset.Write(dir, Generator(), writer);
        Assert.That(writer.Calls, Is.EqualTo(36));
        var again = FashionScenesDataset.Write(dir, Generator(), writer);
        Assert.That(again.Cached, Is.True);
        Assert.That(again.Train.Count, Is.EqualTo(24));
        Assert.That(writer.Calls, Is.EqualTo(36), "nothing rewritten");
        FashionScenesDataset.Write(dir, Generator(), writer, force: true);
        Assert.That(writer.Calls, Is.EqualTo(72), "forced");
        Assert.That(() => FashionScenesDataset.Write(dir, Generator(seed: 5), writer), Throws.TypeOf<IOException>().With.Message.Contains("seed 4 (asked: 5)"),
            "another generation is never written over one silently");
        Assert.That(writer.Calls, Is.EqualTo(72));
        var other = FashionScenesDataset.Write(dir, Generator(seed: 5), writer, force: true);
        Assert.That(other.Cached, Is.False, "another seed is another generation");
    }

    [Test]
    public void A_smaller_generation_removes_the_scenes_it_does_not_overwrite()
    {
        FashionScenesDataset.Write(dir, Generator(train: 30), new PpmImageWriter());
        File.WriteAllText(Path.Combine(dir, "images", "train", "notes.txt"), "mine");
        FashionScenesDataset.Write(dir, Generator(train: 20), new PpmImageWriter(), force: true);
        var files = Directory.GetFiles(Path.Combine(dir, "images", "train")).Select(Path.GetFileName).Order().ToArray();
        Assert.That(files, Has.Length.EqualTo(21));
        Assert.That(files[^1], Is.EqualTo("notes.txt"), "files that are not scenes are left alone");
        Assert.That(files[^2], Is.EqualTo("000019.ppm"));
    }

    [Test]
    public void Ppm_files_have_the_netpbm_header()
    {
        var path = Path.Combine(dir, "x.ppm");
        new PpmImageWriter().Write(path, new byte[] { 1, 2, 3, 4, 5, 6 }, 2, 1);
        Assert.That(File.ReadAllBytes(path), Is.EqualTo("P6\n2 1\n255\n"u8.ToArray().Concat(new byte[] { 1, 2, 3, 4, 5, 6 })));
        Assert.That(() => new PpmImageWriter().Write(path, new byte[5], 2, 1), Throws.ArgumentException);
    }
}
