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
/// </remarks>
public static class ImageCodec
{
    /// <summary>zlib level used by <see cref="EncodePng"/> unless told otherwise (Pillow's default too).</summary>
    public const int DefaultPngCompression = 6;

    // Headers (and EXIF, at most 64 KiB) are near the start; ReadInfo reads this much first and the rest only if needed.
    private const int InfoPrefixBytes = 256 * 1024;

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
    /// <exception cref="InvalidDataException">When the file is empty, of an unknown format, truncated or corrupt; the message starts with the path.</exception>
    /// <remarks>Same as <c>torchvision.io.decode_image(path, mode)</c>, or <c>ImageOps.exif_transpose(Image.open(path)).convert("RGB")</c>.</remarks>
    public static Tensor Decode(string path, ImageMode mode = ImageMode.Rgb, bool applyExifOrientation = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        return DecodeCore(ReadFile(path), mode, applyExifOrientation, path);
    }

    /// <summary>Reads an image file's format, size, channels and EXIF orientation from its headers, without decoding the pixels.</summary>
    /// <param name="path">A JPEG or PNG file.</param>
    /// <returns>What the headers say.</returns>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">When the headers are unreadable; the message starts with the path.</exception>
    /// <remarks>Like <c>PIL.Image.open(path)</c>, which also reads only the headers (<c>.format</c>, <c>.size</c>).</remarks>
    public static ImageInfo ReadInfo(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] prefix;
        long length;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            length = stream.Length;
            prefix = new byte[(int)Math.Min(length, InfoPrefixBytes)];
            stream.ReadExactly(prefix);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"image file not found: {path}", path, e);
        }

        if (length > prefix.Length && !TryReadInfo(prefix, out _, out _))
        {
            // Headers longer than the prefix (large metadata segments): read them all.
            prefix = ReadFile(path);
        }

        return ReadInfoCore(prefix, path);
    }

    /// <summary>Reads the format, size, channels and EXIF orientation of an image held in memory, without decoding the pixels.</summary>
    /// <param name="data">The file's bytes (the headers suffice).</param>
    /// <returns>What the headers say.</returns>
    /// <exception cref="InvalidDataException">When the headers are unreadable or the format unknown.</exception>
    public static ImageInfo ReadInfo(ReadOnlySpan<byte> data) => ReadInfoCore(data, source: null);

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

    private static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"image file not found: {path}", path, e);
        }
    }

    private static unsafe Tensor DecodeCore(ReadOnlySpan<byte> data, ImageMode mode, bool applyExifOrientation, string? source)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "not an ImageMode");
        }

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
        if (!TryReadInfo(data, out var v, out var error))
        {
            throw Bad(error!, source);
        }

        return new ImageInfo((ImageFormat)v[0], checked((int)v[1]), checked((int)v[2]), (int)v[3], (int)v[4]);
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
