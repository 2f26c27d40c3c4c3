using System.Globalization;
using System.Text;

namespace Srn.Data;

/// <summary>
/// Writes binary PPM (Netpbm P6, maxval 255): a short text header and the raw RGB bytes. Lossless and readable by Pillow,
/// ImageMagick and most viewers; the stand-in until a PNG encoder is plugged into <see cref="IImageWriter"/>.
/// </summary>
public sealed class PpmImageWriter : IImageWriter
{
    /// <inheritdoc/>
    public string Extension => ".ppm";

    /// <inheritdoc/>
    public void Write(string path, ReadOnlySpan<byte> rgbHwc, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (rgbHwc.Length != width * height * 3)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{rgbHwc.Length} bytes for a {width}x{height} RGB image, expected {width * height * 3}."), nameof(rgbHwc));
        }

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        file.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"P6\n{width} {height}\n255\n")));
        file.Write(rgbHwc);
    }

    /// <summary>Reads a binary PPM written by <see cref="Write"/> (P6, maxval 255, no comments), for tests and previews.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The pixels (RGB HWC) and the size.</returns>
    /// <exception cref="DataFormatException">The file is not such a PPM.</exception>
    public static (byte[] RgbHwc, int Width, int Height) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var fields = new string[4];
        var pos = 0;
        for (var f = 0; f < 4; f++)
        {
            while (pos < bytes.Length && char.IsWhiteSpace((char)bytes[pos]))
            {
                pos++;
            }

            var start = pos;
            while (pos < bytes.Length && !char.IsWhiteSpace((char)bytes[pos]))
            {
                pos++;
            }

            fields[f] = Encoding.ASCII.GetString(bytes, start, pos - start);
        }

        pos++;
        if (fields[0] != "P6" || !int.TryParse(fields[1], CultureInfo.InvariantCulture, out var w) || !int.TryParse(fields[2], CultureInfo.InvariantCulture, out var h)
            || fields[3] != "255" || w <= 0 || h <= 0 || bytes.Length - pos != w * h * 3)
        {
            throw new DataFormatException(path, 0, "not a binary PPM (P6, maxval 255) of the size its header gives");
        }

        return (bytes[pos..], w, h);
    }
}
