using Srn.Data;

namespace Srn.Tests.Data;

[TestFixture]
public sealed class ManifestDatasetReaderTests
{
    private static readonly string Root = DataFixtures.Path("manifest");

    [Test]
    public void The_only_pair_in_the_root_is_read_and_its_images_checked()
    {
        var s = ManifestDatasetReader.Read(Root);
        Assert.That(s.Name, Is.EqualTo("pets"));
        Assert.That(s.Train.Classes, Is.EqualTo(new[] { "cat", "dog", "bird" }));
        Assert.That((s.Train.Count, s.Test.Count), Is.EqualTo((3, 1)));
        Assert.That(s.Train.Labels("images/b.jpg"), Is.EqualTo(new sbyte[] { -1, 1, 1 }));
        Assert.That(s.Test.Labels("images/d.jpg"), Is.EqualTo(new sbyte[] { 0, 1, -1 }));
        Assert.That(s.ImageRoot, Is.EqualTo(Root));
    }

    [Test]
    public void Different_classes_in_the_two_files_are_an_error()
    {
        var dir = Directory.CreateTempSubdirectory("srn-mds-").FullName;
        try
        {
            var root = DataFixtures.CopyTo("manifest", dir);
            var test = Path.Combine(root, "pets.test.csv");
            File.WriteAllText(test, "image,cat,bird,dog\nimages/d.jpg,0,1,-1\n");
            var e = Assert.Throws<DataFormatException>(() => ManifestDatasetReader.Read(root))!;
            Assert.That(e.Message, Does.StartWith($"{test}:1: the classes differ from those of"));

            File.Delete(Path.Combine(root, "images", "sub", "c.jpg"));
            File.WriteAllText(test, "image,cat,dog,bird\nimages/d.jpg,0,1,-1\n");
            Assert.That(() => ManifestDatasetReader.Read(root), Throws.TypeOf<MissingImagesException>().With.Message.Contains("line 4: images/sub/c.jpg"));
            var s = ManifestDatasetReader.Read(root, new ManifestDatasetOptions { MissingImages = MissingImagePolicy.Drop });
            Assert.That(s.Report.DroppedCount("train"), Is.EqualTo(1));

            File.Copy(Path.Combine(root, "pets.train.csv"), Path.Combine(root, "other.train.csv"));
            Assert.That(() => ManifestDatasetReader.Read(root), Throws.TypeOf<FileNotFoundException>().With.Message.Contains("Several manifests").And.Message.Contains("other, pets"));
            Assert.That(ManifestDatasetReader.Read(root, new ManifestDatasetOptions { Name = "pets", MissingImages = MissingImagePolicy.Ignore }).Train.Count, Is.EqualTo(3));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Splits_write_relative_or_absolute_paths()
    {
        var dir = Directory.CreateTempSubdirectory("srn-mds-").FullName;
        try
        {
            var s = ManifestDatasetReader.Read(Root);
            var (train, _) = s.Write(dir);
            Assert.That(File.ReadAllLines(train)[1], Is.EqualTo("images/a.jpg,1,-1,0"));
            (train, _) = s.Write(dir, absolutePaths: true);
            Assert.That(File.ReadAllLines(train)[1], Is.EqualTo($"{Path.Combine(Root, "images/a.jpg")},1,-1,0"));
            Assert.That(Manifest.Load(train, "/elsewhere").Manifest.Count, Is.EqualTo(3), "absolute paths need no image root");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
