using System.Globalization;
using System.Text;
using Srn.Torch.Interop;

namespace Srn.Torch.IO;

/// <summary>
/// Decodes JPEG and PNG images into uint8 tensors [C, H, W] (torchvision.io's layout) and encodes PNG. JPEG goes
/// through libjpeg-turbo, PNG through libpng, inside the native shim; the format is detected from the first bytes.
/// </summary>
/// <remarks>
/// Same as <c>torchvision.io.decode_image(data, mode, apply_exif_orientation)</c>, with the pixels Pillow gives:
/// <c>ImageOps.exif_transpose(Image.open(f)).convert(mode)</c> as a CHW tensor. Against Pillow (Debian 12's 9.4 on
/// the same libjpeg-turbo) every fixture decodes identically, JPEG included (accurate integer IDCT and fancy
/// upsampling, libjpeg's defaults). Pillow's readings are kept where they are surprising: a CMYK JPEG is read as
/// Adobe-inverted and converted with Pillow's formula, a 16-bit grayscale PNG is clipped to 0..255 (Pillow opens it
/// as mode "I"), other 16-bit PNGs keep the high byte. Pillow does not apply the EXIF orientation on open; this
/// decoder does unless told not to. Bad data (truncated, corrupt, unknown format) throws
/// <see cref="InvalidDataException"/> with libjpeg's or libpng's message; decoding never crashes the process.
/// Files are read through a bounded buffer: at most <see cref="MaxFileBytes"/>, whatever length the file system reports
/// (a device such as <c>/dev/zero</c> reports none), and a file whose first bytes are not JPEG or PNG is refused before
/// the rest is read. Images larger than <see cref="MaxDecodedBytes"/> once decoded are refused from their headers.
/// </remarks>
public static class ImageCodec
{
    /// <summary>zlib level used by <see cref="EncodePng"/> unless told otherwise (Pillow's default too).</summary>
    public const int DefaultPngCompression = 6;

    /// <summary>The largest image file read (256 MiB): a larger file, or a device that never ends, is refused rather than read into memory.</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    /// <summary>
    /// The largest decoded image, width x height x channels bytes (2^30), checked from the headers before any pixel is
    /// decoded: a small file can claim a huge image (a decompression bomb, or one flipped bit in a header).
    /// </summary>
    public const long MaxDecodedBytes = 1L << 30;

    // Headers (and EXIF, at most 64 KiB) are near the start; ReadInfo reads this much first and the rest only if needed.
    private const int InfoPrefixBytes = 256 * 1024;

    // The first read of a file: enough for every signature; the rest is read only when the signature is JPEG or PNG.
    private const int FirstChunkBytes = 64 * 1024;

    /// <summary>Decodes an image held in memory.</summary>
    /// <param name="data">The whole JPEG or PNG file.</param>
    /// <param name="mode">The channels to return.</param>
    /// <param name="applyExifOrientation">Rotate / flip by the EXIF orientation tag (JPEG APP1, PNG eXIf), as <c>PIL.ImageOps.exif_transpose</c>.</param>
    /// <returns>A new uint8 CPU tensor [C, H, W].</returns>
    /// <exception cref="InvalidDataException">When the data is empty, of an unknown format, truncated or corrupt.</exception>
    /// <remarks>Same as <c>torchvision.io.decode_image(torch.frombuffer(data, dtype=torch.uint8), mode)</c>.</remarks>
    public static Tensor Decode(ReadOnlySpan<byte> data, ImageMode mode = ImageMode.Rgb, bool applyExifOrientation = true) =>
        DecodeCore(data, mode, applyExifOrientation, source: null);

    /// <summary>Decodes an image file.</summary>
    /// <param name="path">A JPEG or PNG file.</param>
    /// <param name="mode">The channels to return.</param>
    /// <param name="applyExifOrientation">Rotate / flip by the EXIF orientation tag, as <c>PIL.ImageOps.exif_transpose</c>.</param>
    /// <returns>A new uint8 CPU tensor [C, H, W].</returns>
    /// <exception cref="FileNotFoundException">When the file (or its folder) does not exist.</exception>
    /// <exception cref="InvalidDataException">When the file is empty, of an unknown or unsupported format (BMP, GIF, WebP,
    /// TIFF, ...), truncated or corrupt, a directory, larger than <see cref="MaxFileBytes"/>, or its image larger than
    /// <see cref="MaxDecodedBytes"/>; the message starts with the path.</exception>
    /// <remarks>Same as <c>torchvision.io.decode_image(path, mode)</c>, or <c>ImageOps.exif_transpose(Image.open(path)).convert("RGB")</c>.</remarks>
    public static Tensor Decode(string path, ImageMode mode = ImageMode.Rgb, bool applyExifOrientation = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "not an ImageMode");
        }

        var data = ReadFile(path, MaxFileBytes);

        // The size limit, from the headers, before any pixel is decoded; unreadable headers are left to the decoder,
        // whose message says what is wrong with them.
        if (TryReadInfo(data, out var v, out _))
        {
            CheckDecodedSize(ToInfo(v), mode == ImageMode.Unchanged ? (int)v[3] : (int)mode, path);
        }

        return DecodeCore(data, mode, applyExifOrientation, path);
    }

    /// <summary>Reads an image file's format, size, channels and EXIF orientation from its headers, without decoding the pixels.</summary>
    /// <param name="path">A JPEG or PNG file.</param>
    /// <returns>What the headers say.</returns>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">When the headers are unreadable, the format unknown or unsupported, the file
    /// larger than <see cref="MaxFileBytes"/>, or the image larger than <see cref="MaxDecodedBytes"/> decoded (as RGB, or
    /// with its own channels when more); the message starts with the path.</exception>
    /// <remarks>Like <c>PIL.Image.open(path)</c>, which also reads only the headers (<c>.format</c>, <c>.size</c>). The
    /// pixel data is not looked at, so a file whose pixels are corrupt passes; <see cref="Decode(string, ImageMode, bool)"/> finds that.</remarks>
    public static ImageInfo ReadInfo(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var prefix = ReadFile(path, InfoPrefixBytes);
        if (prefix.Length == InfoPrefixBytes && !TryReadInfo(prefix, out _, out _))
        {
            // Headers longer than the prefix (large metadata segments), or a file cut short: read it all.
            prefix = ReadFile(path, MaxFileBytes);
        }

        var info = ReadInfoCore(prefix, path);
        CheckDecodedSize(info, Math.Max(info.Channels, 3), path);
        return info;
    }

    /// <summary>Reads the format, size, channels and EXIF orientation of an image held in memory, without decoding the pixels.</summary>
    /// <param name="data">The file's bytes (the headers suffice).</param>
    /// <returns>What the headers say.</returns>
    /// <exception cref="InvalidDataException">When the headers are unreadable, the format unknown or unsupported, or the
    /// image larger than <see cref="MaxDecodedBytes"/> decoded.</exception>
    public static ImageInfo ReadInfo(ReadOnlySpan<byte> data)
    {
        var info = ReadInfoCore(data, source: null);
        CheckDecodedSize(info, Math.Max(info.Channels, 3), source: null);
        return info;
    }

    /// <summary>Encodes an image as PNG (8 bits per channel, not interlaced).</summary>
    /// <param name="chwUint8">A uint8 tensor [C, H, W] on any device: C = 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA).</param>
    /// <param name="compressionLevel">zlib level 0 (none) to 9 (smallest); the pixels are the same at every level.</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="ArgumentException">For another dtype or shape.</exception>
    /// <remarks>Same as <c>torchvision.io.encode_png(image, compression_level)</c>.</remarks>
    public static byte[] EncodePng(Tensor chwUint8, int compressionLevel = DefaultPngCompression)
    {
        ArgumentNullException.ThrowIfNull(chwUint8);
        ArgumentOutOfRangeException.ThrowIfNegative(compressionLevel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(compressionLevel, 9);
        if (chwUint8.DType != ScalarType.UInt8)
        {
            throw new ArgumentException($"PNG encoding needs a uint8 image, got {chwUint8.DType}", nameof(chwUint8));
        }

        var shape = chwUint8.Shape;
        if (shape.Length != 3 || shape[0] is < 1 or > 4 || shape[1] < 1 || shape[2] < 1)
        {
            throw new ArgumentException(
                $"PNG encoding needs an image [C, H, W] with C = 1, 2, 3 or 4 and H, W >= 1, got [{string.Join(", ", shape)}]",
                nameof(chwUint8));
        }

        using var png = NativeMethods.Check(NativeMethods.srn_image_encode_png(chwUint8.Handle, compressionLevel));
        NativeMethods.Check(NativeMethods.srn_tensor_numel(png, out var n));
        var bytes = new byte[n];
        unsafe
        {
            fixed (byte* p = bytes)
            {
                NativeMethods.Check(NativeMethods.srn_tensor_copy_to(png, p, n));
            }
        }

        return bytes;
    }

    /// <summary>Writes an image as a PNG file, atomically (a temporary file renamed over <paramref name="path"/>).</summary>
    /// <param name="path">The destination.</param>
    /// <param name="image">A uint8 tensor [C, H, W], C = 1, 2, 3 or 4.</param>
    /// <param name="compressionLevel">zlib level 0 to 9.</param>
    /// <exception cref="ArgumentException">For another dtype or shape.</exception>
    /// <remarks>Same as <c>torchvision.io.write_png(image, path, compression_level)</c>.</remarks>
    public static void SavePng(string path, Tensor image, int compressionLevel = DefaultPngCompression)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = EncodePng(image, compressionLevel);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    // Reads at most `limit` bytes (the whole file when it is shorter). The length the file system reports is only a hint:
    // a device (/dev/zero) or a pipe reports 0 and never ends, so the read is bounded by the limit, and the signature is
    // checked after the first chunk so that something that is not a JPEG or PNG is refused without reading on. When
    // `limit` is MaxFileBytes a longer file is an error; otherwise (a header prefix) the rest is simply not read.
    private static byte[] ReadFile(string path, long limit)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"image file not found: {path}", path, e);
        }
        catch (UnauthorizedAccessException e) when (Directory.Exists(path))
        {
            throw new InvalidDataException($"{path}: a directory, not an image file", e);
        }

        using (stream)
        {
            var whole = limit >= MaxFileBytes;
            long declared = 0;
            try
            {
                declared = stream.CanSeek ? stream.Length : 0;
            }
            catch (Exception e) when (e is IOException or NotSupportedException)
            {
                // Not seekable after all: read it like a pipe.
            }

            if (whole && declared > MaxFileBytes)
            {
                throw TooLarge(path, string.Create(CultureInfo.InvariantCulture, $"the file is {declared} bytes"));
            }

            var cap = (int)Math.Min(limit, MaxFileBytes);
            var buffer = new byte[(int)Math.Clamp(declared > 0 ? declared : FirstChunkBytes, 1, cap)];
            var total = 0;
            var signatureChecked = false;
            try
            {
                while (true)
                {
                    if (total == buffer.Length)
                    {
                        if (total == cap)
                        {
                            break;
                        }

                        Array.Resize(ref buffer, (int)Math.Min(2L * buffer.Length, cap));
                    }

                    var n = stream.Read(buffer, total, Math.Min(buffer.Length - total, signatureChecked ? int.MaxValue : FirstChunkBytes));
                    if (n == 0)
                    {
                        return total == buffer.Length ? buffer : buffer[..total];
                    }

                    total += n;
                    if (!signatureChecked && total >= SignatureBytes)
                    {
                        CheckSignature(buffer.AsSpan(0, total), path);
                        signatureChecked = true;
                    }
                }

                if (whole && stream.Read(new byte[1], 0, 1) > 0)
                {
                    throw TooLarge(path, string.Create(CultureInfo.InvariantCulture, $"{MaxFileBytes} bytes were read and the file goes on (a device, or a file still being written?)"));
                }
            }
            catch (IOException e)
            {
                throw new InvalidDataException($"{path}: the image file cannot be read: {e.Message}", e);
            }

            return buffer;
        }
    }

    private static InvalidDataException TooLarge(string path, string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{path}: {what}, larger than the limit of {MaxFileBytes} bytes for an image file (ImageCodec.MaxFileBytes)"));

    private static void CheckDecodedSize(ImageInfo info, int channels, string? source)
    {
        var bytes = (long)info.Width * info.Height * channels;
        if (bytes > MaxDecodedBytes)
        {
            var what = string.Create(CultureInfo.InvariantCulture,
                $"{info.Format} image is {info.Width}x{info.Height} with {channels} channels = {bytes} bytes decoded, larger than the limit of {MaxDecodedBytes} (ImageCodec.MaxDecodedBytes)");
            throw new InvalidDataException(source is null ? what : $"{source}: {what}");
        }
    }

    private static unsafe Tensor DecodeCore(ReadOnlySpan<byte> data, ImageMode mode, bool applyExifOrientation, string? source)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "not an ImageMode");
        }

        CheckSignature(data, source);
        TensorHandle handle;
        fixed (byte* p = data)
        {
            handle = NativeMethods.srn_image_decode(p, data.Length, (int)mode, applyExifOrientation ? 1 : 0);
        }

        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw Bad(NativeError.Take(), source);
        }

        return new Tensor(handle);
    }

    private static unsafe bool TryReadInfo(ReadOnlySpan<byte> data, out long[] values, out TorchException? error)
    {
        values = new long[5];
        int status;
        fixed (byte* p = data)
        {
            status = NativeMethods.srn_image_info(p, data.Length, values, values.Length);
        }

        error = status == 0 ? null : NativeError.Take();
        return status == 0;
    }

    private static ImageInfo ReadInfoCore(ReadOnlySpan<byte> data, string? source)
    {
        CheckSignature(data, source);
        if (!TryReadInfo(data, out var v, out var error))
        {
            throw Bad(error!, source);
        }

        return ToInfo(v);
    }

    private static ImageInfo ToInfo(long[] v) =>
        new((ImageFormat)v[0], checked((int)v[1]), checked((int)v[2]), (int)v[3], (int)v[4]);

    // JPEG and PNG are told from their first bytes, as the native decoder does; other formats are named, so that the
    // message says what the file is and what to do, and anything else is refused before the rest of a file is read.
    private const int SignatureBytes = 8;

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static void CheckSignature(ReadOnlySpan<byte> data, string? source)
    {
        if (data.Length < SignatureBytes || data.StartsWith(PngSignature) || (data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF))
        {
            return; // JPEG, PNG, or too short to tell: the native decoder's message says which
        }

        var format = KnownFormat(data);
        var what = format is null
            ? $"unknown image format: the data starts with {string.Join(' ', data[..SignatureBytes].ToArray().Select(b => b.ToString("X2", CultureInfo.InvariantCulture)))}; only JPEG (FF D8 FF) and PNG (89 50 4E 47 0D 0A 1A 0A) are supported"
            : $"{format} images are not supported; use PNG or JPEG";
        throw new InvalidDataException(source is null ? what : $"{source}: {what}");
    }

    private static string? KnownFormat(ReadOnlySpan<byte> d)
    {
        if (d.StartsWith("BM"u8))
        {
            return "BMP";
        }

        if (d.StartsWith("GIF8"u8))
        {
            return "GIF";
        }

        if (d.Length >= 12 && d.StartsWith("RIFF"u8) && d[8..12].SequenceEqual("WEBP"u8))
        {
            return "WebP";
        }

        if (d.StartsWith("II*\0"u8) || d.StartsWith("MM\0*"u8))
        {
            return "TIFF";
        }

        if (d.Length >= 12 && d[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = Encoding.ASCII.GetString(d[8..12]);
            return brand.StartsWith("avi", StringComparison.Ordinal) ? "AVIF" : brand.StartsWith("he", StringComparison.Ordinal) || brand.StartsWith("mif", StringComparison.Ordinal) ? "HEIF" : null;
        }

        if (d.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) || d.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x4F, 0xFF, 0x51]))
        {
            return "JPEG 2000";
        }

        if (d.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x0A]) || d.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20]))
        {
            return "JPEG XL";
        }

        if (d.StartsWith("qoif"u8))
        {
            return "QOI";
        }

        if (d.StartsWith("P1"u8) || d.StartsWith("P2"u8) || d.StartsWith("P3"u8) || d.StartsWith("P4"u8) || d.StartsWith("P5"u8) || d.StartsWith("P6"u8))
        {
            return d.Length > 2 && char.IsWhiteSpace((char)d[2]) ? "PNM (PPM/PGM/PBM)" : null;
        }

        return d.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x01, 0x00]) ? "ICO" : null;
    }

    // The shim's message says what is wrong ("truncated PNG data: ...", "corrupt JPEG data: ..."); a path goes in front.
    private static Exception Bad(TorchException native, string? source)
    {
        if (native.Message == "out of memory")
        {
            return native;
        }

        return new InvalidDataException(source is null ? native.Message : $"{source}: {native.Message}", native);
    }
}
