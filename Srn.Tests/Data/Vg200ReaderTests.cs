using Srn.Data;

namespace Srn.Tests.Data;

[TestFixture]
public sealed class Vg200ReaderTests
{
    private static readonly string Root = DataFixtures.Path("vg200");

    [Test]
    public void Images_are_found_in_either_directory_and_labelled_from_the_index()
    {
        var s = Vg200Reader.Read(Root);
        Assert.That(s.Train.Classes, Has.Count.EqualTo(200));
        Assert.That(s.Train.Classes[0], Is.EqualTo("class_000"));
        Assert.That(s.Train.Classes[199], Is.EqualTo("class_199"));
        Assert.That(s.Train.Rows.Select(r => r.Image), Is.EqualTo(new[] { "VG_100K/1.jpg", "VG_100K/2.jpg", "VG_100K_2/107899.jpg", "VG_100K_2/2345678.jpg" }));
        Assert.That(s.Test.Rows.Select(r => r.Image), Is.EqualTo(new[] { "VG_100K/10.jpg", "VG_100K_2/2400001.jpg" }));
        Assert.That(s.Train.Labels("VG_100K/1.jpg"), Is.EqualTo(DataFixtures.Positives(200, 0, 5, 199)));
        Assert.That(s.Train.Labels("VG_100K_2/107899.jpg"), Is.EqualTo(DataFixtures.Positives(200, 5, 7)));
        Assert.That(s.Train.Labels("VG_100K_2/2345678.jpg"), Is.EqualTo(DataFixtures.Positives(200)));
        Assert.That(s.Test.Labels("VG_100K_2/2400001.jpg"), Is.EqualTo(DataFixtures.Positives(200, 150)));
        Assert.That(s.Train.CheckImages(s.ImageRoot).DroppedCount, Is.Zero);
    }

    [Test]
    public void Class_names_can_come_from_a_file()
    {
        var dir = Directory.CreateTempSubdirectory("srn-vg-").FullName;
        try
        {
            var names = Path.Combine(dir, "names.txt");
            File.WriteAllLines(names, Enumerable.Range(0, 200).Select(i => $"object {i}"));
            var s = Vg200Reader.Read(Root, new Vg200Options { ClassNamesFile = names });
            Assert.That(s.Test.Classes[150], Is.EqualTo("object 150"));

            File.WriteAllLines(names, Enumerable.Range(0, 199).Select(i => $"object {i}"));
            Assert.That(() => Vg200Reader.Read(Root, new Vg200Options { ClassNamesFile = names }),
                Throws.TypeOf<DataFormatException>().With.Message.EqualTo($"{names}: 199 class names, expected 200"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Missing_images_fail_or_are_dropped_and_bad_labels_are_errors()
    {
        var dir = Directory.CreateTempSubdirectory("srn-vg-").FullName;
        try
        {
            var root = DataFixtures.CopyTo("vg200", dir);
            File.Delete(Path.Combine(root, "VG_100K_2", "107899.jpg"));
            var e = Assert.Throws<MissingImagesException>(() => Vg200Reader.Read(root))!;
            Assert.That(e.Message, Does.Contain("1 of 4 images are missing").And.Contain("line 3: 107899.jpg").And.Contain("VG_100K or VG_100K_2"));

            var s = Vg200Reader.Read(root, new Vg200Options { MissingImages = MissingImagePolicy.Drop });
            Assert.That(s.Train.Count, Is.EqualTo(3));
            Assert.That(s.Report.Dropped.Single().Images, Is.EqualTo(new[] { "107899.jpg" }));

            var index = Path.Combine(root, "vg_category_200_labels_index.json");
            File.WriteAllText(index, File.ReadAllText(index).Replace("[150]", "[200]", StringComparison.Ordinal));
            Assert.That(() => Vg200Reader.Read(root, new Vg200Options { MissingImages = MissingImagePolicy.Drop }),
                Throws.TypeOf<DataFormatException>().With.Message.EqualTo($"{index}: image '2400001.jpg' has class index 200, outside 0..199"));

            File.WriteAllText(index, File.ReadAllText(index).Replace("[200]", "[150]", StringComparison.Ordinal));
            File.AppendAllText(Path.Combine(root, "test_list_500.txt"), "424242.jpg\n");
            Assert.That(() => Vg200Reader.Read(root, new Vg200Options { MissingImages = MissingImagePolicy.Drop }),
                Throws.TypeOf<DataFormatException>().With.Message.Contains("1 of 3 images have no entry in").And.Message.Contains("line 3: 424242.jpg"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
