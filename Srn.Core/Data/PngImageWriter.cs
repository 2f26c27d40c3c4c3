using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Data;

/// <summary>Writes RGB scenes as PNG files (libpng through <see cref="ImageCodec"/>); safe to call from several threads.</summary>
/// <param name="compressionLevel">zlib level 0..9 (6, Pillow's default).</param>
public sealed class PngImageWriter(int compressionLevel = 6) : IImageWriter
{
    /// <inheritdoc/>
    public string Extension => ".png";

    /// <inheritdoc/>
    public void Write(string path, ReadOnlySpan<byte> rgbHwc, int width, int height)
    {
        using var scope = DisposeScope.Enter();
        var chw = Tensor.FromSpan(rgbHwc, [height, width, 3]).Permute(2, 0, 1);
        File.WriteAllBytes(path, ImageCodec.EncodePng(chw, compressionLevel));
    }
}
