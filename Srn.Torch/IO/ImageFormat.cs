namespace Srn.Torch.IO;

/// <summary>An image file format <see cref="ImageCodec"/> reads, detected from the file's first bytes.</summary>
public enum ImageFormat
{
    /// <summary>JPEG (starts FF D8 FF): baseline, progressive, gray, YCbCr, CMYK and YCCK.</summary>
    Jpeg = 1,

    /// <summary>PNG (starts 89 50 4E 47 0D 0A 1A 0A): every color type and bit depth, interlaced or not.</summary>
    Png = 2,
}
