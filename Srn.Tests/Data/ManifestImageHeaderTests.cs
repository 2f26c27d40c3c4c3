using System.Diagnostics;
using Srn.Data;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Tests.Data;

/// <summary>Manifest.CheckImages reads every image's headers: unreadable images are a DataFormatException naming the manifest, line and image.</summary>
[TestFixture]
public sealed class ManifestImageHeaderTests
{
    private string dir = null!;

    [SetUp]
    public void SetUp() => dir = Directory.CreateTempSubdirectory("srn-manifest-headers-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(dir, recursive: true);

    private static byte[] Png()
    {
        using var pixels = Tensor.Zeros([3, 4, 4], ScalarType.UInt8);
        return ImageCodec.EncodePng(pixels);
    }

    [Test]
    public void Unreadable_images_are_reported_with_manifest_line_image_and_reason()
    {
        var png = Png();
        File.WriteAllBytes(Path.Combine(dir, "good.png"), png);
        File.WriteAllBytes(Path.Combine(dir, "empty.png"), []);
        File.WriteAllBytes(Path.Combine(dir, "photo.jpg"), [(byte)'B', (byte)'M', 1, 2, 3, 4, 5, 6, 7, 8]);
        File.WriteAllBytes(Path.Combine(dir, "cut.png"), png[..20]);
        var manifest = Path.Combine(dir, "m.csv");
        File.WriteAllText(manifest, "image,a\ngood.png,1\nempty.png,1\nphoto.jpg,-1\ncut.png,0\n");

        var e = Assert.Throws<DataFormatException>(() => Manifest.Load(manifest, dir))!;
        Assert.That(e.FilePath, Is.EqualTo(manifest));
        Assert.That(e.Line, Is.EqualTo(3));
        Assert.That(e.Message, Does.StartWith($"{manifest}:3: image 'empty.png' is unreadable: ").And.Contain("empty"));
        Assert.That(e.Message, Does.Contain("3 of 4 images are unreadable").And.Contain("line 4: photo.jpg").And.Contain("line 5: cut.png"));
        Assert.That(e.Message, Does.Not.Contain('\n'));

        File.WriteAllText(manifest, "image,a\ngood.png,1\nphoto.jpg,-1\n");
        e = Assert.Throws<DataFormatException>(() => Manifest.Load(manifest, dir, MissingImagePolicy.Drop))!;
        Assert.That(e.Message, Is.EqualTo($"{manifest}:3: image 'photo.jpg' is unreadable: BMP images are not supported; use PNG or JPEG"));

        Assert.That(Manifest.Load(manifest, dir, MissingImagePolicy.Ignore).Manifest.Count, Is.EqualTo(2), "Ignore looks at no file");
    }

    [Test]
    public void Missing_images_are_still_reported_as_before()
    {
        File.WriteAllBytes(Path.Combine(dir, "good.png"), Png());
        var manifest = Path.Combine(dir, "m.csv");
        File.WriteAllText(manifest, "image,a\ngood.png,1\ngone.png,1\n");
        Assert.Throws<MissingImagesException>(() => Manifest.Load(manifest, dir));
        var dropped = Manifest.Load(manifest, dir, MissingImagePolicy.Drop);
        Assert.That(dropped.Dropped, Is.EqualTo(new[] { "gone.png" }));
    }

    [Test]
    public void Ten_thousand_small_pngs_are_checked_in_a_few_seconds()
    {
        var png = Png();
        var images = Path.Combine(dir, "img");
        Directory.CreateDirectory(images);
        var rows = new List<ManifestRow>();
        for (var i = 0; i < 10_000; i++)
        {
            File.WriteAllBytes(Path.Combine(images, $"{i}.png"), png);
            rows.Add(new ManifestRow($"img/{i}.png", [1]));
        }

        var m = new Manifest(["a"], rows);
        var watch = Stopwatch.StartNew();
        Assert.That(m.CheckImages(dir).DroppedCount, Is.Zero);
        TestContext.Out.WriteLine($"10,000 headers in {watch.Elapsed.TotalSeconds:F2} s");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }
}
