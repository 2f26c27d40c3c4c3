namespace Srn.Torch.IO;

/// <summary>What an image file's headers say, read by <see cref="ImageCodec.ReadInfo(string)"/> without decoding the pixels.</summary>
/// <param name="Format">The file format.</param>
/// <param name="Width">Width in pixels as stored (before any EXIF rotation), like PIL's <c>Image.size[0]</c>.</param>
/// <param name="Height">Height in pixels as stored.</param>
/// <param name="Channels">The channels an <see cref="ImageMode.Unchanged"/> decode returns.</param>
/// <param name="Orientation">The EXIF orientation tag (1 to 8; 1 when there is none or it is invalid).</param>
public sealed record ImageInfo(ImageFormat Format, int Width, int Height, int Channels, int Orientation)
{
    /// <summary>Width after the EXIF orientation is applied (orientations 5 to 8 swap width and height).</summary>
    public int OrientedWidth => Orientation >= 5 ? Height : Width;

    /// <summary>Height after the EXIF orientation is applied.</summary>
    public int OrientedHeight => Orientation >= 5 ? Width : Height;
}
