using Srn.Data;

namespace Srn.Tests.Data;

[TestFixture]
public sealed class Voc2007ReaderTests
{
    private static readonly string Root = DataFixtures.Path("voc");

    private static int C(string name) => Voc2007Reader.Classes.ToList().IndexOf(name);

    [Test]
    public void Splits_classes_and_image_paths_follow_the_devkit()
    {
        var s = Voc2007Reader.Read(Root);
        Assert.That(s.Train.Classes, Is.EqualTo(Voc2007Reader.Classes));
        Assert.That(Voc2007Reader.Classes, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(Voc2007Reader.Classes, Has.Count.EqualTo(20));
        Assert.That(s.Train.Rows.Select(r => r.Image), Is.EqualTo(new[]
        {
            "VOCdevkit/VOC2007/JPEGImages/000005.jpg", "VOCdevkit/VOC2007/JPEGImages/000007.jpg", "VOCdevkit/VOC2007/JPEGImages/000009.jpg",
        }));
        Assert.That(s.Test.Count, Is.EqualTo(3));
        Assert.That(s.Report.Dropped, Is.Empty);
        Assert.That(s.Train.CheckImages(s.ImageRoot).DroppedCount, Is.Zero);
    }

    [Test]
    public void Difficult_only_classes_are_negative_by_default()
    {
        var s = Voc2007Reader.Read(Root);
        Assert.That(s.Train.Labels("VOCdevkit/VOC2007/JPEGImages/000005.jpg"), Is.EqualTo(DataFixtures.Positives(20, C("chair"))));
        Assert.That(s.Train.Labels("VOCdevkit/VOC2007/JPEGImages/000009.jpg"), Is.EqualTo(DataFixtures.Positives(20, C("horse"), C("person"))));
        Assert.That(s.Test.Labels("VOCdevkit/VOC2007/JPEGImages/000001.jpg"), Is.EqualTo(DataFixtures.Positives(20, C("dog"), C("person"))));
        Assert.That(s.Test.Labels("VOCdevkit/VOC2007/JPEGImages/000004.jpg"), Is.EqualTo(DataFixtures.Positives(20)));
        Assert.That(s.Report.Notes, Is.EqualTo(new[]
        {
            "train: 1 labels seen only in difficult objects set to negative (-1)",
            "test: 1 labels seen only in difficult objects set to negative (-1)",
        }));
    }

    [Test]
    public void Difficult_only_classes_can_be_unknown()
    {
        var s = Voc2007Reader.Read(Root, new Voc2007Options { Difficult = VocDifficult.Unknown });
        var expected = DataFixtures.Positives(20, C("chair"));
        expected[C("pottedplant")] = 0;
        Assert.That(s.Train.Labels("VOCdevkit/VOC2007/JPEGImages/000005.jpg"), Is.EqualTo(expected), "chair has a non-difficult object: positive");
        var car = DataFixtures.Positives(20);
        car[C("car")] = 0;
        Assert.That(s.Test.Labels("VOCdevkit/VOC2007/JPEGImages/000004.jpg"), Is.EqualTo(car));
        Assert.That(s.Train.CountPerClass(0).Sum() + s.Test.CountPerClass(0).Sum(), Is.EqualTo(2));
    }

    [Test]
    public void The_root_may_be_the_VOC2007_directory_itself()
    {
        var s = Voc2007Reader.Read(Path.Combine(Root, "VOCdevkit", "VOC2007"));
        Assert.That(s.Train.Rows[0].Image, Is.EqualTo("JPEGImages/000005.jpg"));
        Assert.That(s.Test.Count, Is.EqualTo(3));
    }

    [Test]
    public void Bad_annotations_are_errors_naming_file_and_line()
    {
        var dir = Directory.CreateTempSubdirectory("srn-voc-").FullName;
        try
        {
            var root = DataFixtures.CopyTo("voc", dir);
            var xml = Path.Combine(root, "VOCdevkit", "VOC2007", "Annotations", "000007.xml");
            File.WriteAllText(xml, File.ReadAllText(xml).Replace("<name>car</name>", "<name>truck</name>", StringComparison.Ordinal));
            var e = Assert.Throws<DataFormatException>(() => Voc2007Reader.Read(root))!;
            Assert.That(e.FilePath, Is.EqualTo(xml));
            Assert.That(e.Line, Is.EqualTo(15), "the line of the <object>");
            Assert.That(e.Detail, Does.StartWith("unknown class 'truck'; VOC 2007 has aeroplane, bicycle"));

            File.WriteAllText(xml, "<annotation><object>");
            e = Assert.Throws<DataFormatException>(() => Voc2007Reader.Read(root))!;
            Assert.That(e.Message, Does.StartWith($"{xml}:1: malformed XML"));

            File.Delete(xml);
            File.Delete(Path.Combine(root, "VOCdevkit", "VOC2007", "Annotations", "000009.xml"));
            e = Assert.Throws<DataFormatException>(() => Voc2007Reader.Read(root))!;
            Assert.That(e.FilePath, Does.EndWith("trainval.txt"));
            Assert.That(e.Detail, Does.StartWith("2 of 3 images have no annotation file").And.EndWith("line 2: 000007, line 3: 000009"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void A_root_without_the_devkit_is_explained()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => Voc2007Reader.Read(DataFixtures.Path("coco")))!;
        Assert.That(e.Message, Does.Contain("VOCdevkit/VOC2007/{Annotations,ImageSets/Main,JPEGImages}"));
    }
}
