using Srn.Data;

namespace Srn.Tests.Data;

[TestFixture]
public sealed class Coco2014ReaderTests
{
    private static readonly string Root = DataFixtures.Path("coco");

    [Test]
    public void Classes_are_the_80_categories_in_id_order()
    {
        var s = Coco2014Reader.Read(Root);
        Assert.That(s.Train.Classes, Has.Count.EqualTo(80));
        Assert.That(s.Train.Classes[0], Is.EqualTo("person"));
        Assert.That(s.Train.Classes[10], Is.EqualTo("fire hydrant"), "id 11");
        Assert.That(s.Train.Classes[11], Is.EqualTo("stop sign"), "id 13: id 12 is a gap");
        Assert.That(s.Train.Classes[23], Is.EqualTo("giraffe"), "id 25");
        Assert.That(s.Train.Classes[79], Is.EqualTo("toothbrush"), "id 90");
        Assert.That(s.Test.Classes, Is.EqualTo(s.Train.Classes));
        Assert.That(s.Name, Is.EqualTo("coco2014"));
    }

    [Test]
    public void Labels_are_the_categories_of_each_images_annotations()
    {
        var s = Coco2014Reader.Read(Root);
        var c = s.Train.Classes.ToList();
        Assert.That(s.Train.Rows.Select(r => r.Image), Is.EqualTo(new[]
        {
            "train2014/COCO_train2014_000000000009.jpg", "train2014/COCO_train2014_000000000025.jpg",
            "train2014/COCO_train2014_000000000030.jpg", "train2014/COCO_train2014_000000000034.jpg",
        }));
        Assert.That(s.Train.Labels("train2014/COCO_train2014_000000000009.jpg"), Is.EqualTo(DataFixtures.Positives(80, c.IndexOf("person"), c.IndexOf("toothbrush"))));
        Assert.That(s.Train.Labels("train2014/COCO_train2014_000000000025.jpg"), Is.EqualTo(DataFixtures.Positives(80, c.IndexOf("giraffe"))));
        Assert.That(s.Train.Labels("train2014/COCO_train2014_000000000034.jpg"), Is.EqualTo(DataFixtures.Positives(80, c.IndexOf("zebra"), c.IndexOf("teddy bear"))));
        Assert.That(s.Test.Labels("val2014/COCO_val2014_000000000074.jpg"), Is.EqualTo(DataFixtures.Positives(80, c.IndexOf("car"), c.IndexOf("dog"))));
    }

    [Test]
    public void Images_without_annotations_are_kept_all_negative_by_default()
    {
        var s = Coco2014Reader.Read(Root);
        Assert.That((s.Train.Count, s.Test.Count), Is.EqualTo((4, 3)));
        Assert.That(s.Train.Labels("train2014/COCO_train2014_000000000030.jpg"), Is.EqualTo(DataFixtures.Positives(80)));
        Assert.That(s.Report.Dropped, Is.Empty);
        Assert.That(s.Report.Notes, Is.EqualTo(new[] { "train: kept 1 images without annotations as all-negative", "test: kept 1 images without annotations as all-negative" }));
    }

    [Test]
    public void Images_without_annotations_can_be_dropped_and_are_counted()
    {
        var s = Coco2014Reader.Read(Root, new CocoOptions { DropUnannotated = true });
        Assert.That((s.Train.Count, s.Test.Count), Is.EqualTo((3, 2)));
        Assert.That(s.Report.DroppedCount("train", Coco2014Reader.UnannotatedReason), Is.EqualTo(1));
        Assert.That(s.Report.DroppedCount("test", Coco2014Reader.UnannotatedReason), Is.EqualTo(1));
        Assert.That(s.Report.Dropped[1].Images, Is.EqualTo(new[] { "val2014/COCO_val2014_000000000073.jpg" }));
    }

    [Test]
    public void Missing_images_fail_or_are_dropped()
    {
        var dir = Directory.CreateTempSubdirectory("srn-coco-").FullName;
        try
        {
            var root = DataFixtures.CopyTo("coco", dir);
            File.Delete(Path.Combine(root, "val2014", "COCO_val2014_000000000042.jpg"));
            var e = Assert.Throws<MissingImagesException>(() => Coco2014Reader.Read(root))!;
            Assert.That(e.Message, Does.Contain("1 of 3 images are missing").And.Contain("val2014/COCO_val2014_000000000042.jpg").And.Contain("instances_val2014.json"));
            var s = Coco2014Reader.Read(root, new CocoOptions { MissingImages = MissingImagePolicy.Drop });
            Assert.That(s.Test.Count, Is.EqualTo(2));
            Assert.That(s.Report.DroppedCount("test", "image file missing"), Is.EqualTo(1));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void An_annotation_of_an_unknown_image_is_an_error_naming_the_file()
    {
        var dir = Directory.CreateTempSubdirectory("srn-coco-").FullName;
        try
        {
            var root = DataFixtures.CopyTo("coco", dir);
            var path = Path.Combine(root, "annotations", "instances_val2014.json");
            File.WriteAllText(path, File.ReadAllText(path).Replace("\"image_id\": 74", "\"image_id\": 75", StringComparison.Ordinal));
            var e = Assert.Throws<DataFormatException>(() => Coco2014Reader.Read(root))!;
            Assert.That(e.Message, Is.EqualTo($"{path}: annotation 1001 refers to image 75, which is not in images[]"));

            File.WriteAllText(path, "{\"images\": [");
            e = Assert.Throws<DataFormatException>(() => Coco2014Reader.Read(root))!;
            Assert.That(e.Message, Does.StartWith($"{path}:1: malformed JSON"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
