using System.Text.Json.Nodes;
using Srn.Data;
using Srn.Experiments;
using Srn.Tests.TestSupport;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Tests.Data;

/// <summary>
/// WIDER-Attribute on a hand-made copy of its layout (Fixtures/Data/make_wider_fixtures.py): one sample per person, crops
/// equal to Pillow's, labels as annotated, empty boxes and missing images reported, malformed files named.
/// </summary>
[TestFixture]
public sealed class WiderAttributeReaderTests
{
    private static readonly string Root = DataFixtures.Path("wider");
    private string dir = null!;

    [SetUp]
    public void MakeDir() => dir = Directory.CreateTempSubdirectory("srn-wider-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    private WiderAttributeOptions Options(string? crops = null) => new() { CropDirectory = crops ?? Path.Combine(dir, "crops") };

    [Test]
    public void Every_person_is_a_sample_cropped_as_Pillow_crops_it()
    {
        var s = WiderAttributeReader.Read(Root, Options());
        Assert.That(s.Name, Is.EqualTo("wider_attribute"));
        Assert.That(s.ImageRoot, Is.EqualTo(Path.Combine(dir, "crops")));
        Assert.That(s.Train.Classes, Is.EqualTo(new[] { "Male", "longHair", "sunglass", "Hat", "Tshiirt", "longSleeve", "formal", "shorts", "jeans", "longPants", "skirt", "faceMask", "logo", "stripe" }));
        Assert.That(s.Train.Rows.Select(r => r.Image), Is.EqualTo(new[]
        {
            "train/0--Parade/0_Parade_a_1_0.png", "train/0--Parade/0_Parade_a_1_1.png", "val/1--Handshaking/b_1.png", "train/2--Meeting/d_0.png",
        }), "train and val people, JSON order; b's zero-width box is dropped; c has nobody");
        Assert.That(s.Test.Rows.Select(r => r.Image), Is.EqualTo(new[] { "test/0--Parade/e_0.png", "test/0--Parade/e_1.png" }));
        Assert.That(s.Report.DroppedCount("train", WiderAttributeReader.EmptyBoxReason), Is.EqualTo(1));
        Assert.That(s.Report.Dropped.Single().Images, Is.EqualTo(new[] { "val/1--Handshaking/b.png person 0" }));

        // Labels as annotated (make_wider_fixtures.py's seeded draws), 0 kept as unknown.
        Assert.That(s.Train.Labels("train/0--Parade/0_Parade_a_1_0.png"), Is.EqualTo(new sbyte[] { -1, 0, 1, 0, -1, -1, 0, -1, -1, 1, -1, -1, -1, -1 }));
        Assert.That(s.Train.Labels("val/1--Handshaking/b_1.png"), Is.EqualTo(new sbyte[] { 0, -1, 0, 1, -1, -1, 0, 1, 0, -1, 0, -1, -1, -1 }));

        foreach (var row in s.Train.Rows.Concat(s.Test.Rows))
        {
            using var scope = DisposeScope.Enter();
            var ours = ImageCodec.Decode(Path.Combine(s.ImageRoot, row.Image));
            var pillow = ImageCodec.Decode(Path.Combine(Root, "expected", row.Image));
            Assert.That(ours.Shape, Is.EqualTo(pillow.Shape), row.Image);
            Assert.That(ours.ToBytes(), Is.EqualTo(pillow.ToBytes()), row.Image);
        }

        // Rounded half to even as Python's round: x 3.5 -> 4, y 2.5 -> 2, x + w 14, y + h 14.5 -> 14; clipped at the border.
        Assert.That(ImageCodec.ReadInfo(Path.Combine(s.ImageRoot, "train/0--Parade/0_Parade_a_1_0.png")), Has.Property("Width").EqualTo(10).And.Property("Height").EqualTo(12));
        Assert.That(ImageCodec.ReadInfo(Path.Combine(s.ImageRoot, "train/0--Parade/0_Parade_a_1_1.png")), Has.Property("Width").EqualTo(10).And.Property("Height").EqualTo(9));
    }

    [Test]
    public void Unspecified_attributes_can_be_negative()
    {
        var s = WiderAttributeReader.Read(Root, Options() with { Unspecified = WiderUnspecified.Negative });
        Assert.That(s.Train.Labels("val/1--Handshaking/b_1.png"), Is.EqualTo(new sbyte[] { -1, -1, -1, 1, -1, -1, -1, 1, -1, -1, -1, -1, -1, -1 }));
        Assert.That(s.Report.Notes.Single(), Does.Contain("6 person crops").And.Contain("absent (-1)"));
    }

    [Test]
    public void Missing_images_fail_listing_them_or_drop_their_people()
    {
        var root = DataFixtures.CopyTo("wider", dir);
        File.Delete(Path.Combine(root, "Image", "train", "0--Parade", "0_Parade_a_1.png"));
        var e = Assert.Throws<MissingImagesException>(() => WiderAttributeReader.Read(root, Options()))!;
        Assert.That(e.Message, Does.Contain("1 of 4 images are missing").And.Contain("0_Parade_a_1.png"));
        var s = WiderAttributeReader.Read(root, Options() with { MissingImages = MissingImagePolicy.Drop });
        Assert.That(s.Train.Count, Is.EqualTo(2));
        Assert.That(s.Report.DroppedCount("train", WiderAttributeReader.MissingReason), Is.EqualTo(2), "both of its people");
        Assert.That(() => WiderAttributeReader.Read(root, Options() with { MissingImages = MissingImagePolicy.Ignore }), Throws.ArgumentException.With.Message.Contains("cannot be ignored"));
        Assert.That(() => WiderAttributeReader.Read(root, new WiderAttributeOptions()), Throws.ArgumentException.With.Message.Contains("CropDirectory"));
    }

    [TestCase("attribute", "[1, -1]", "image 'train/0--Parade/0_Parade_a_1.png', person 0: 2 attribute values, expected 14")]
    [TestCase("attribute", "[1, -1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]", "person 0: attribute 13 is 2, not 1, -1 or 0")]
    [TestCase("bbox", "[1, 2, 3]", "person 0: bbox must be 4 finite numbers")]
    [TestCase("file_name", "\"../../etc/x.png\"", "file_name '../../etc/x.png' is not a relative path")]
    public void A_malformed_annotation_names_the_file_the_image_and_the_person(string field, string value, string message)
    {
        var root = DataFixtures.CopyTo("wider", dir);
        var json = Path.Combine(root, "wider_attribute_annotation", "wider_attribute_trainval.json");
        var doc = JsonNode.Parse(File.ReadAllText(json))!;
        var first = doc["images"]![0]!;
        if (field == "file_name")
        {
            first["file_name"] = JsonNode.Parse(value);
        }
        else
        {
            first["targets"]![0]![field] = JsonNode.Parse(value);
        }

        File.WriteAllText(json, doc.ToJsonString());
        Assert.That(() => WiderAttributeReader.Read(root, Options()), Throws.TypeOf<DataFormatException>().With.Message.StartsWith(json).And.Message.Contains(message));
        Assert.That(Directory.Exists(Path.Combine(dir, "crops", "train")), Is.False, "nothing is cropped before every annotation is checked");
    }

    [Test]
    public void Srn_data_wider_attribute_writes_manifests_over_the_crops()
    {
        var (code, output, error) = CommandRun.Invoke([DataCommand.Create()], "data", "wider-attribute", "--root", Root, "--out", dir);
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("wider_attribute").And.Contain("person box empty"));
        var train = Manifest.Read(Path.Combine(dir, "wider_attribute.train.csv"));
        Assert.That(train.Count, Is.EqualTo(4));
        Assert.That(train.CheckImages(Path.Combine(dir, "wider_attribute_crops")).DroppedCount, Is.Zero);
        Assert.That(Manifest.Read(Path.Combine(dir, "wider_attribute.test.csv")).Count, Is.EqualTo(2));
        Assert.That(CommandRun.Invoke([DataCommand.Create()], "data", "wider-attribute", "--root", Root, "--out", dir, "--unspecified", "maybe").Code, Is.Not.Zero, "an unknown --unspecified value is a usage error");
        (code, _, error) = CommandRun.Invoke([DataCommand.Create()], "data", "wider-attribute", "--root", Root, "--out", dir, "--missing-images", "ignore");
        Assert.That(code, Is.EqualTo(2), "a usage error");
        Assert.That(error, Does.Contain("cannot be ignored"));
    }
}
