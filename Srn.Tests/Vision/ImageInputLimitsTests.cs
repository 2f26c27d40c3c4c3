using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Tests.Vision;

/// <summary>
/// ImageCodec's input limits: devices and oversized files fail fast, unsupported formats are named, huge headers are
/// refused before decoding, and every failure is one InvalidDataException starting with the path.
/// </summary>
[TestFixture]
public sealed class ImageInputLimitsTests
{
    private string dir = null!;

    [SetUp]
    public void SetUp() => dir = Directory.CreateTempSubdirectory("srn-image-limits-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Png(int channels = 3)
    {
        using var pixels = Tensor.Zeros([channels, 2, 3], ScalarType.UInt8);
        return ImageCodec.EncodePng(pixels);
    }

    [Test]
    public void A_device_fails_fast_without_reading_it_into_memory()
    {
        if (!File.Exists("/dev/zero"))
        {
            Assert.Ignore("no /dev/zero here");
        }

        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<InvalidDataException>(() => ImageCodec.Decode("/dev/zero").Dispose())!;
        Assert.That(e.Message, Does.StartWith("/dev/zero: "));
        Assert.Throws<InvalidDataException>(() => ImageCodec.ReadInfo("/dev/zero"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public void A_file_larger_than_the_limit_is_refused_before_it_is_read()
    {
        var path = Path.Combine(dir, "huge.png");
        using (var f = File.Create(path))
        {
            f.Write(Png());
            f.SetLength(ImageCodec.MaxFileBytes + 1); // sparse
        }

        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<InvalidDataException>(() => ImageCodec.Decode(path).Dispose())!;
        Assert.That(e.Message, Does.StartWith(path + ": ").And.Contain("larger than the limit of 268435456 bytes"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
    }

    [TestCase("BM", "BMP")]
    [TestCase("RIFF\u0010\0\0\0WEBPVP8 ", "WebP")]
    [TestCase("GIF89a\u0001\0\u0001\0", "GIF")]
    [TestCase("II*\0\u0008\0\0\0", "TIFF")]
    [TestCase("\0\0\0\u001cftypavif", "AVIF")]
    public void Unsupported_formats_are_named_with_what_to_use(string start, string format)
    {
        var bytes = new byte[64];
        Encoding.Latin1.GetBytes(start).CopyTo(bytes, 0);
        var path = Write("image." + format.ToLowerInvariant(), bytes);
        var expected = $"{path}: {format} images are not supported; use PNG or JPEG";
        Assert.That(Assert.Throws<InvalidDataException>(() => ImageCodec.Decode(path).Dispose())!.Message, Is.EqualTo(expected));
        Assert.That(Assert.Throws<InvalidDataException>(() => ImageCodec.ReadInfo(path))!.Message, Is.EqualTo(expected));
        Assert.That(Assert.Throws<InvalidDataException>(() => ImageCodec.Decode(bytes).Dispose())!.Message, Does.StartWith(format + " images"));
    }

    [Test]
    public void A_header_claiming_a_huge_image_is_refused_by_read_info()
    {
        // 20000 x 20000 from a 70-byte file: refused from the header, before any pixel is allocated.
        var png = Png(4);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), 20000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 20000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));
        var path = Write("bomb.png", png);
        var e = Assert.Throws<InvalidDataException>(() => ImageCodec.ReadInfo(path))!;
        Assert.That(e.Message, Does.StartWith(path + ": ").And.Contain("20000x20000").And.Contain("limit"));
        Assert.Throws<InvalidDataException>(() => ImageCodec.Decode(path, ImageMode.Unchanged).Dispose());
    }

    [Test]
    public void A_directory_is_invalid_data_naming_it()
    {
        var e = Assert.Throws<InvalidDataException>(() => ImageCodec.Decode(dir).Dispose())!;
        Assert.That(e.Message, Does.StartWith(dir + ": ").And.Contain("directory"));
    }

    [Test]
    public void Read_info_validates_a_good_file_and_names_a_corrupt_one()
    {
        var path = Write("ok.png", Png());
        var info = ImageCodec.ReadInfo(path);
        Assert.That((info.Format, info.Width, info.Height), Is.EqualTo((ImageFormat.Png, 3, 2)));

        var bad = Png();
        bad[14] ^= 0x20; // inside IHDR: its CRC no longer matches
        path = Write("bad.png", bad);
        Assert.That(Assert.Throws<InvalidDataException>(() => ImageCodec.ReadInfo(path))!.Message, Does.StartWith(path + ": "));
        Assert.That(Assert.Throws<InvalidDataException>(() => ImageCodec.Decode(path).Dispose())!.Message, Does.StartWith(path + ": "));
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
