namespace Srn.Torch.IO;

/// <summary>The channels <see cref="ImageCodec.Decode(string, ImageMode, bool)"/> returns.</summary>
/// <remarks>Same as <c>torchvision.io.ImageReadMode</c> (UNCHANGED, GRAY, RGB), with Pillow's conversions.</remarks>
public enum ImageMode
{
    /// <summary>
    /// The channels the file stores: 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA). A palette PNG gives RGB, or RGBA
    /// when it has a transparency chunk (tRNS), which likewise adds alpha to gray and RGB PNGs; a CMYK JPEG gives RGB.
    /// </summary>
    Unchanged = 0,

    /// <summary>One channel, as Pillow's <c>convert("L")</c>: luma L = (19595 R + 38470 G + 7471 B + 2^15) >> 16; alpha is dropped.</summary>
    Gray = 1,

    /// <summary>Three channels, as Pillow's <c>convert("RGB")</c>: gray is replicated, alpha is dropped (not composited).</summary>
    Rgb = 3,
}
