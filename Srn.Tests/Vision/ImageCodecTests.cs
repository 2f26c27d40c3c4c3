using System.Buffers.Binary;
using System.Text;
using Srn.Torch;
using Srn.Torch.IO;
using Srn.Torch.IO.Pickle;

namespace Srn.Tests.Vision;

/// <summary>
/// ImageCodec against Pillow (Fixtures/Images/make_image_fixtures.py): real JPEG / PNG files from Debian packages and
/// variants generated from a photograph, decoded in every mode, with EXIF orientations; PNG round trips; bad data.
/// </summary>
[TestFixture]
[NonParallelizable] // counts live tensors
public sealed class ImageCodecTests
{
    // JPEG decodes may differ from Pillow by the IDCT's rounding when libjpeg differs; on Debian 12 both use the
    // same libjpeg-turbo 2.1.5 with the same settings, and every fixture matches exactly (measured maximum 0).
    private const int JpegTolerance = 1;

    private static readonly string Dir =
        Path.Combine(Path.GetDirectoryName(typeof(ImageCodecTests).Assembly.Location)!, "Fixtures", "Images");

    private static readonly (string Key, ImageMode Mode)[] Modes =
        [("gray", ImageMode.Gray), ("rgb", ImageMode.Rgb), ("unchanged", ImageMode.Unchanged)];

    private Dictionary<string, Tensor> expected = null!;
    private Dictionary<string, string> metadata = null!;
    private string temp = null!;

    public static IEnumerable<TestCaseData> PngCases() => Cases(".png");

    public static IEnumerable<TestCaseData> JpegCases() => Cases(".jpg");

    public static IEnumerable<string> ExifFiles() =>
        Directory.GetFiles(Dir, "gen-exif-*").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    [OneTimeSetUp]
    public void LoadExpected() => (expected, metadata) = SafeTensors.Read(Path.Combine(Dir, "expected.safetensors"));

    [OneTimeTearDown]
    public void DisposeExpected()
    {
        foreach (var t in expected.Values)
        {
            t.Dispose();
        }
    }

    [SetUp]
    public void MakeTemp() => temp = Directory.CreateTempSubdirectory("srn-img-").FullName;

    [TearDown]
    public void RemoveTemp() => Directory.Delete(temp, recursive: true);

    [Test]
    public void Fixture_set_covers_every_file_of_the_folder()
    {
        var files = metadata["files"].Split(',');
        var present = Directory.GetFiles(Dir).Select(Path.GetFileName).Where(n => n!.EndsWith(".jpg", StringComparison.Ordinal) || n.EndsWith(".png", StringComparison.Ordinal));
        Assert.That(present, Is.EquivalentTo(files));
        Assert.That(files, Has.Length.GreaterThanOrEqualTo(30));
    }

    [TestCaseSource(nameof(PngCases))]
    public void Png_decodes_exactly_as_Pillow(string file, string key, ImageMode mode)
    {
        using var image = ImageCodec.Decode(Path.Combine(Dir, file), mode);
        var (diff, _) = Compare(file, key, image);
        Assert.That(diff, Is.Zero, $"{file} {key}: max |Srn - Pillow|");
    }

    [TestCaseSource(nameof(JpegCases))]
    public void Jpeg_decodes_as_Pillow_within_the_IDCT_rounding(string file, string key, ImageMode mode)
    {
        using var image = ImageCodec.Decode(Path.Combine(Dir, file), mode);
        var (diff, mean) = Compare(file, key, image);
        TestContext.Out.WriteLine($"{file} {key}: max |Srn - Pillow| = {diff}, mean = {mean:G3}");
        Assert.That(diff, Is.LessThanOrEqualTo(JpegTolerance), $"{file} {key}: max |Srn - Pillow|");
        Assert.That(mean, Is.LessThan(0.05), $"{file} {key}: mean |Srn - Pillow| (a systematic difference)");
    }

    [Test]
    public void Maximum_jpeg_difference_over_all_fixtures_is_reported()
    {
        var worst = 0;
        var count = 0;
        foreach (var data in JpegCases())
        {
            var (file, key, mode) = ((string)data.Arguments[0]!, (string)data.Arguments[1]!, (ImageMode)data.Arguments[2]!);
            using var image = ImageCodec.Decode(Path.Combine(Dir, file), mode);
            worst = Math.Max(worst, Compare(file, key, image).Max);
            count++;
        }

        TestContext.Out.WriteLine($"JPEG: max |Srn - Pillow| over {count} decodes = {worst}");
        Assert.That(count, Is.GreaterThanOrEqualTo(30));
        Assert.That(worst, Is.LessThanOrEqualTo(JpegTolerance));
    }

    [TestCaseSource(nameof(ExifFiles))]
    public void Exif_orientation_is_applied_as_exif_transpose_and_can_be_skipped(string file)
    {
        var path = Path.Combine(Dir, file);
        var info = ImageCodec.ReadInfo(path);
        var orientation = int.Parse(file.Split('-', '.')[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(info.Orientation, Is.EqualTo(orientation));
        using var oriented = ImageCodec.Decode(path);
        using var raw = ImageCodec.Decode(path, applyExifOrientation: false);
        Assert.That(raw.Shape, Is.EqualTo(new long[] { 3, info.Height, info.Width }));
        Assert.That(oriented.Shape, Is.EqualTo(new long[] { 3, info.OrientedHeight, info.OrientedWidth }));
        Assert.That(Compare(file, "rgb", oriented).Max, Is.LessThanOrEqualTo(JpegTolerance), "oriented vs exif_transpose");
        if (orientation != 1)
        {
            Assert.That(Compare(file, "rgb_raw", raw).Max, Is.LessThanOrEqualTo(JpegTolerance), "raw vs Pillow without exif_transpose");
            Assert.That(oriented.ToBytes(), Is.Not.EqualTo(raw.ToBytes()), "the orientation changes the pixels");
        }
    }

    [Test]
    public void Exif_orientation_of_all_eight_values_follows_the_tiff_definition()
    {
        // Independent of Pillow: orientation k of the same picture equals the raw picture rotated / flipped.
        using var scope = DisposeScope.Enter();
        var raw = ImageCodec.Decode(Path.Combine(Dir, "gen-exif-1.jpg")); // [3, 24, 40]
        var t = raw.Transpose(1, 2);
        var expectedByOrientation = new Dictionary<int, Tensor>
        {
            [2] = raw.Flip([2]),
            [3] = raw.Flip([1, 2]),
            [4] = raw.Flip([1]),
            [5] = t,
            [6] = t.Flip([2]),       // 90 degrees clockwise
            [7] = t.Flip([1, 2]),
            [8] = t.Flip([1]),       // 90 degrees counter-clockwise
        };
        foreach (var (o, want) in expectedByOrientation)
        {
            var got = ImageCodec.Decode(Path.Combine(Dir, $"gen-exif-{o}.jpg"));
            Assert.That(got.Shape, Is.EqualTo(want.Shape), $"orientation {o}");
            Assert.That(got.ToBytes(), Is.EqualTo(want.Contiguous().ToBytes()), $"orientation {o}");
        }
    }

    [TestCase(1, 1, 1)]
    [TestCase(2, 7, 13)]
    [TestCase(3, 31, 17)]
    [TestCase(4, 64, 48)]
    [TestCase(3, 1, 300)]
    public void Png_encode_then_decode_is_exact(int channels, int height, int width)
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed((ulong)((channels * 1000) + height));
        var image = Tensor.RandInt(0, 256, [channels, height, width], ScalarType.UInt8);
        foreach (var level in new[] { 0, 6, 9 })
        {
            var png = ImageCodec.EncodePng(image, level);
            Assert.That(png.AsSpan(0, 8).ToArray(), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
            var back = ImageCodec.Decode(png, ImageMode.Unchanged);
            Assert.That(back.Shape, Is.EqualTo(image.Shape), $"level {level}");
            Assert.That(back.ToBytes(), Is.EqualTo(image.ToBytes()), $"level {level}");
            var info = ImageCodec.ReadInfo(png);
            Assert.That(info, Is.EqualTo(new ImageInfo(ImageFormat.Png, width, height, channels, 1)));
        }
    }

    [Test]
    public void Png_encoding_takes_strided_views_and_SavePng_writes_atomically()
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(5);
        var hwc = Tensor.RandInt(0, 256, [20, 30, 3], ScalarType.UInt8);
        var chw = hwc.Permute(2, 0, 1); // not contiguous
        Assert.That(chw.IsContiguous, Is.False);
        var path = Path.Combine(temp, "sub", "out.png");
        ImageCodec.SavePng(path, chw);
        Assert.That(Directory.GetFiles(Path.Combine(temp, "sub")), Is.EqualTo(new[] { path }), "no temporary file left");
        var back = ImageCodec.Decode(path, ImageMode.Unchanged);
        Assert.That(back.ToBytes(), Is.EqualTo(chw.Contiguous().ToBytes()));
        var gray = ImageCodec.Decode(path, ImageMode.Gray);
        var bytes = chw.Contiguous().ToBytes();
        var plane = 20 * 30;
        for (var i = 0; i < plane; i += 37)
        {
            var luma = ((bytes[i] * 19595) + (bytes[plane + i] * 38470) + (bytes[(2 * plane) + i] * 7471) + 0x8000) >> 16;
            Assert.That(gray.ToBytes()[i], Is.EqualTo((byte)luma), $"pixel {i}: Pillow's L = R*299/1000 + G*587/1000 + B*114/1000");
        }
    }

    [Test]
    public void Png_encoding_rejects_other_dtypes_and_shapes()
    {
        using var scope = DisposeScope.Enter();
        Assert.Throws<ArgumentException>(() => ImageCodec.EncodePng(Tensor.Zeros([3, 4, 4])));
        Assert.Throws<ArgumentException>(() => ImageCodec.EncodePng(Tensor.Zeros([5, 4, 4], ScalarType.UInt8)));
        Assert.Throws<ArgumentException>(() => ImageCodec.EncodePng(Tensor.Zeros([4, 4], ScalarType.UInt8)));
        Assert.Throws<ArgumentException>(() => ImageCodec.EncodePng(Tensor.Zeros([3, 0, 4], ScalarType.UInt8)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageCodec.EncodePng(Tensor.Zeros([3, 4, 4], ScalarType.UInt8), 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageCodec.Decode(File.ReadAllBytes(Path.Combine(Dir, "minus.png")), (ImageMode)2));
    }

    [TestCase("grace_hopper.jpg")]
    [TestCase("thin-white-stripe.jpg")]
    [TestCase("gen-progressive.jpg")]
    [TestCase("gen-cmyk.jpg")]
    [TestCase("gen-exif-6.jpg")]
    [TestCase("dots.png")]
    [TestCase("gen-interlaced.png")]
    [TestCase("gen-palette.png")]
    [TestCase("gnupg-module-overview.png")]
    public void Truncated_file_is_reported_with_its_path_wherever_it_is_cut(string file)
    {
        var data = File.ReadAllBytes(Path.Combine(Dir, file));
        var signature = file.EndsWith(".png", StringComparison.Ordinal) ? 8 : 3;
        var n = data.Length;
        var before = LiveTensors.Settled();
        foreach (var cut in new[] { 1, 2, 3, 8, 20, 40, 100, 300, n / 3, n / 2, n - 100, n - 13, n - 12, n - 2, n - 1 }.Where(c => c > 0 && c < n).Distinct())
        {
            var path = Path.Combine(temp, $"cut{cut}-{file}");
            File.WriteAllBytes(path, data.AsSpan(0, cut).ToArray());
            var e = Assert.Throws<InvalidDataException>(() => ImageCodec.Decode(path), $"cut at {cut} of {n}")!;
            Assert.That(e.Message, Does.StartWith(path + ": "));
            Assert.That(e.Message, Does.Contain(cut >= signature ? "truncated" : "unknown image format"), $"cut at {cut}: {e.Message}");
        }

        Assert.That(LiveTensors.Settled(), Is.EqualTo(before));
    }

    [Test]
    public void Random_bytes_empty_files_and_unknown_formats_are_invalid_data_naming_the_file()
    {
        var rng = new Random(7);
        var inputs = new List<(string Name, byte[] Bytes, string Expect)>
        {
            ("empty.png", [], "empty"),
            ("text.jpg", Encoding.ASCII.GetBytes("not an image at all"), "unknown image format"),
            ("anim.gif", Encoding.ASCII.GetBytes("GIF89a\x01\x00\x01\x00"), "GIF"),
            ("soi-only.jpg", [0xFF, 0xD8], "unknown image format"),
        };
        for (var i = 0; i < 40; i++)
        {
            var bytes = new byte[rng.Next(1, 2000)];
            rng.NextBytes(bytes);
            inputs.Add(($"random{i}.bin", bytes, "unknown image format"));
        }

        // Valid signatures followed by garbage: the libraries' own messages.
        for (var i = 0; i < 20; i++)
        {
            var bytes = new byte[rng.Next(20, 3000)];
            rng.NextBytes(bytes);
            new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(bytes, 0);
            inputs.Add(($"garbage{i}.png", bytes, "PNG"));
            var jpeg = (byte[])bytes.Clone();
            new byte[] { 0xFF, 0xD8, 0xFF }.CopyTo(jpeg, 0);
            inputs.Add(($"garbage{i}.jpg", jpeg, "JPEG"));
        }

        var before = LiveTensors.Settled();
        foreach (var (name, bytes, expect) in inputs)
        {
            var path = Path.Combine(temp, name);
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<InvalidDataException>(() => ImageCodec.Decode(path), name)!;
            Assert.That(e.Message, Does.StartWith(path + ": ").And.Contain(expect), name);
            Assert.Throws<InvalidDataException>(() => ImageCodec.Decode(bytes, ImageMode.Gray), name);
        }

        Assert.That(LiveTensors.Settled(), Is.EqualTo(before));
    }

    [Test]
    public void Corrupt_data_reports_the_library_message()
    {
        var png = File.ReadAllBytes(Path.Combine(Dir, "dots.png"));
        png[png.Length / 2] ^= 0x55; // inside IDAT: its CRC no longer matches
        var e = Assert.Throws<InvalidDataException>(() => ImageCodec.Decode(png))!;
        Assert.That(e.Message, Does.Contain("corrupt PNG data").And.Contain("CRC error"));

        var jpeg = File.ReadAllBytes(Path.Combine(Dir, "gen-420.jpg"));
        var sos = IndexOf(jpeg, [0xFF, 0xDA]);
        new byte[] { 0xFF, 0xC4, 0x00, 0x02 }.CopyTo(jpeg, sos + 20); // an (empty) table segment inside the scan
        e = Assert.Throws<InvalidDataException>(() => ImageCodec.Decode(jpeg))!;
        Assert.That(e.Message, Does.Contain("Corrupt JPEG data"));
    }

    [Test]
    public void Harmless_jpeg_irregularities_decode_like_the_clean_file()
    {
        // Bytes between the scan and the end marker (libjpeg: "extraneous bytes before marker 0xd9") and data after
        // the end marker: both lose nothing, and Pillow accepts both.
        var clean = File.ReadAllBytes(Path.Combine(Dir, "gen-420.jpg"));
        using var want = ImageCodec.Decode(clean);
        var padded = clean[..^2].Concat(new byte[] { 0x00, 0x11, 0x22 }).Concat(clean[^2..]).ToArray();
        using var a = ImageCodec.Decode(padded);
        using var b = ImageCodec.Decode(clean.Concat(Encoding.ASCII.GetBytes("trailing junk")).ToArray());
        Assert.That(a.ToBytes(), Is.EqualTo(want.ToBytes()));
        Assert.That(b.ToBytes(), Is.EqualTo(want.ToBytes()));
    }

    [Test]
    public void Oversized_headers_are_refused_before_allocating()
    {
        using var one = Tensor.Zeros([1, 1, 1], ScalarType.UInt8);
        var png = ImageCodec.EncodePng(one);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), 100_000); // IHDR width
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 100_000); // IHDR height
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32.Compute(png.AsSpan(12, 17)));
        var e = Assert.Throws<InvalidDataException>(() => ImageCodec.Decode(png))!;
        Assert.That(e.Message, Does.Contain("100000x100000").And.Contain("limit"));
    }

    [Test]
    public void Missing_files_are_FileNotFoundException()
    {
        var missing = Path.Combine(temp, "nope.jpg");
        var e = Assert.Throws<FileNotFoundException>(() => ImageCodec.Decode(missing))!;
        Assert.That(e.FileName, Is.EqualTo(missing));
        Assert.Throws<FileNotFoundException>(() => ImageCodec.Decode(Path.Combine(temp, "no-dir", "x.png")));
        Assert.Throws<FileNotFoundException>(() => ImageCodec.ReadInfo(missing));
    }

    [Test]
    public void ReadInfo_agrees_with_the_decoder_for_every_fixture()
    {
        foreach (var file in metadata["files"].Split(','))
        {
            var path = Path.Combine(Dir, file);
            var info = ImageCodec.ReadInfo(path);
            using var image = ImageCodec.Decode(path, ImageMode.Unchanged, applyExifOrientation: false);
            Assert.That(info.Format, Is.EqualTo(file.EndsWith(".png", StringComparison.Ordinal) ? ImageFormat.Png : ImageFormat.Jpeg), file);
            Assert.That(new long[] { info.Channels, info.Height, info.Width }, Is.EqualTo(image.Shape), file);
        }
    }

    [Test]
    public void Headers_past_the_first_256_KiB_are_still_read()
    {
        // Five 65,000-byte APP2 segments before the frame header: ReadInfo's first read stops short of it.
        var clean = File.ReadAllBytes(Path.Combine(Dir, "gen-exif-6.jpg"));
        var big = new List<byte>(clean[..2]);
        for (var i = 0; i < 5; i++)
        {
            big.AddRange(new byte[] { 0xFF, 0xE2, 65002 >> 8, 65002 & 0xFF });
            big.AddRange(Enumerable.Repeat((byte)0xFF, 65000)); // even 0xFF bytes inside a segment are skipped by length
        }

        big.AddRange(clean[2..]);
        var path = Path.Combine(temp, "big-header.jpg");
        File.WriteAllBytes(path, big.ToArray());
        Assert.That(ImageCodec.ReadInfo(path), Is.EqualTo(ImageCodec.ReadInfo(Path.Combine(Dir, "gen-exif-6.jpg"))));
        Assert.That(ImageCodec.ReadInfo(path), Is.EqualTo(new ImageInfo(ImageFormat.Jpeg, 40, 24, 3, 6)));
        using var want = ImageCodec.Decode(clean);
        using var got = ImageCodec.Decode(path);
        Assert.That(got.ToBytes(), Is.EqualTo(want.ToBytes()));
    }

    [Test]
    public void Concurrent_decodes_give_the_same_pixels_and_their_own_errors()
    {
        // Data loaders decode on several threads: no shared decoder state, and each thread gets its own error.
        var files = metadata["files"].Split(',');
        var data = files.Select(f => File.ReadAllBytes(Path.Combine(Dir, f))).ToArray();
        var sequential = data.Select(d =>
        {
            using var t = ImageCodec.Decode(d);
            return t.ToBytes();
        }).ToArray();
        var failures = 0;
        Parallel.For(0, 4 * files.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var k = i % files.Length;
            if (i % 3 == 0)
            {
                var e = Assert.Throws<InvalidDataException>(() => ImageCodec.Decode(data[k].AsSpan(0, data[k].Length / 2)))!;
                Assert.That(e.Message, Does.StartWith(files[k].EndsWith(".png", StringComparison.Ordinal) ? "truncated PNG" : "truncated JPEG"));
                Interlocked.Increment(ref failures);
                return;
            }

            using var t = ImageCodec.Decode(data[k]);
            Assert.That(t.ToBytes(), Is.EqualTo(sequential[k]), files[k]);
        });
        Assert.That(failures, Is.GreaterThan(0));
    }

    [Test]
    public void Decoding_leaks_no_native_handles()
    {
        var files = metadata["files"].Split(',');
        var bad = File.ReadAllBytes(Path.Combine(Dir, "dots.png"))[..500];
        for (var round = 0; round < 2; round++)
        {
            var before = LiveTensors.Settled();
            foreach (var file in files)
            {
                foreach (var (_, mode) in Modes)
                {
                    using var image = ImageCodec.Decode(Path.Combine(Dir, file), mode);
                    _ = ImageCodec.EncodePng(image);
                }
            }

            Assert.Throws<InvalidDataException>(() => ImageCodec.Decode(bad));
            Assert.That(LiveTensors.Settled(), Is.EqualTo(before), $"round {round}");
        }
    }

    private static IEnumerable<TestCaseData> Cases(string extension)
    {
        foreach (var path in Directory.GetFiles(Dir, "*" + extension).Order(StringComparer.Ordinal))
        {
            var file = Path.GetFileName(path);
            foreach (var (key, mode) in Modes)
            {
                yield return new TestCaseData(file, key, mode).SetArgDisplayNames(file, key);
            }
        }
    }

    // Max and mean |decoded - Pillow| over the rows the fixture stores (every k-th row of large images).
    private (int Max, double Mean) Compare(string file, string key, Tensor image)
    {
        var name = $"{file}/{key}";
        if (metadata.TryGetValue($"alias:{name}", out var alias))
        {
            name = alias;
        }

        var want = expected[name];
        var step = metadata.TryGetValue($"rowstep:{file}", out var s) ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : 1;
        var shape = image.Shape;
        Assert.That(image.DType, Is.EqualTo(ScalarType.UInt8));
        Assert.That(want.Shape, Is.EqualTo(new[] { shape[0], (shape[1] + step - 1) / step, shape[2] }), $"{name}: shape");
        var got = image.ToBytes();
        var exp = want.ToBytes();
        var (c, h, w) = ((int)shape[0], (int)shape[1], (int)shape[2]);
        var rows = (h + step - 1) / step;
        var max = 0;
        long sum = 0;
        for (var ch = 0; ch < c; ch++)
        {
            for (var r = 0; r < rows; r++)
            {
                var src = ((ch * h) + (r * step)) * w;
                var dst = ((ch * rows) + r) * w;
                for (var x = 0; x < w; x++)
                {
                    var d = Math.Abs(got[src + x] - exp[dst + x]);
                    max = Math.Max(max, d);
                    sum += d;
                }
            }
        }

        return (max, (double)sum / exp.Length);
    }

    private static int IndexOf(byte[] data, byte[] pattern)
    {
        for (var i = 0; i + pattern.Length <= data.Length; i++)
        {
            if (data.AsSpan(i, pattern.Length).SequenceEqual(pattern))
            {
                return i;
            }
        }

        throw new InvalidOperationException("pattern not found");
    }
}
