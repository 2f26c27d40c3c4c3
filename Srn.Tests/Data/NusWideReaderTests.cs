using Srn.Data;

namespace Srn.Tests.Data;

[TestFixture]
public sealed class NusWideReaderTests
{
    private static readonly string Root = DataFixtures.Path("nuswide");
    private static readonly string[] Concepts = ["airport", "animal", "beach", "sky", "water", "zebra"];

    [Test]
    public void Missing_images_are_an_error_by_default_listing_them_all()
    {
        var e = Assert.Throws<MissingImagesException>(() => NusWideReader.Read(Root))!;
        Assert.That(e.Message, Does.Contain("1 of 5 images are missing").And.Contain("line 3: Flickr/beach/0003_1028492387.jpg"));
        Assert.That(e.SourceFile, Does.EndWith(Path.Combine("ImageList", "TrainImagelist.txt")));
    }

    [Test]
    public void The_official_split_keeps_untagged_images_and_converts_backslash_paths()
    {
        var s = NusWideReader.Read(Root, new NusWideOptions { MissingImages = MissingImagePolicy.Ignore });
        Assert.That(s.Train.Classes, Is.EqualTo(Concepts));
        Assert.That((s.Train.Count, s.Test.Count), Is.EqualTo((5, 4)));
        Assert.That(s.Train.Rows[0].Image, Is.EqualTo("Flickr/actor/0001_2124494179.jpg"));
        Assert.That(s.Train.Labels("Flickr/beach/0003_1028492387.jpg"), Is.EqualTo(DataFixtures.Positives(6, 2, 3, 4)));
        Assert.That(s.Train.Labels("Flickr/animal/0004_0384732091.jpg"), Is.EqualTo(DataFixtures.Positives(6)));
        Assert.That(s.Test.Labels("Flickr/zebra/0103_3333333333.jpg"), Is.EqualTo(DataFixtures.Positives(6, 1, 5)));
        Assert.That(s.Report.Dropped, Is.Empty);
    }

    [Test]
    public void Missing_and_untagged_images_can_be_dropped_and_are_counted()
    {
        var s = NusWideReader.Read(Root, new NusWideOptions { MissingImages = MissingImagePolicy.Drop, DropUntagged = true });
        Assert.That((s.Train.Count, s.Test.Count), Is.EqualTo((3, 2)));
        Assert.That(s.Report.DroppedCount("train", NusWideReader.UntaggedReason), Is.EqualTo(1));
        Assert.That(s.Report.DroppedCount("train", "image file missing"), Is.EqualTo(1));
        Assert.That(s.Report.DroppedCount("test", NusWideReader.UntaggedReason), Is.EqualTo(1));
        Assert.That(s.Report.DroppedCount("test", "image file missing"), Is.EqualTo(1));
        Assert.That(s.Report.DroppedCount("test"), Is.EqualTo(2));
        Assert.That(s.Report.ToString(), Does.Contain("train: dropped 1 (no positive concept)").And.Contain("test: dropped 1 (image file missing)"));
        Assert.That(s.Test.Rows.Select(r => r.Image), Is.EqualTo(new[] { "Flickr/water/0101_1111111111.jpg", "Flickr/zebra/0103_3333333333.jpg" }));
        Assert.That(s.Test.LineOf(1), Is.EqualTo(3), "rows keep their line in the image list");
    }

    [Test]
    public void A_label_file_that_does_not_match_its_list_is_an_error()
    {
        var dir = Directory.CreateTempSubdirectory("srn-nus-").FullName;
        try
        {
            var root = DataFixtures.CopyTo("nuswide", dir);
            var labels = Path.Combine(root, "Groundtruth", "TrainTestLabels", "Labels_sky_Test.txt");
            File.WriteAllText(labels, "0\n1\n0\n");
            var e = Assert.Throws<DataFormatException>(() => NusWideReader.Read(root, new NusWideOptions { MissingImages = MissingImagePolicy.Ignore }))!;
            Assert.That(e.FilePath, Is.EqualTo(labels));
            Assert.That(e.Detail, Does.StartWith("3 lines, expected 4 (one per image of"));

            File.WriteAllText(labels, "0\n1\n2\n0\n");
            e = Assert.Throws<DataFormatException>(() => NusWideReader.Read(root, new NusWideOptions { MissingImages = MissingImagePolicy.Ignore }))!;
            Assert.That(e.Message, Is.EqualTo($"{labels}:3: '2' is not 0 or 1"));

            File.Delete(labels);
            Assert.That(() => NusWideReader.Read(root), Throws.TypeOf<FileNotFoundException>().With.Message.Contains(labels));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
