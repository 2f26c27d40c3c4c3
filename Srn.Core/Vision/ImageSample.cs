using Srn.Torch;

namespace Srn.Vision;

/// <summary>
/// An image on its way through the pipeline, with the boxes that must follow its geometry. The image is a tensor
/// [C, H, W]: uint8 straight from the decoder (torchvision.io's layout), float32 after <c>ToFloat</c>.
/// </summary>
/// <param name="Image">The pixels, [C, H, W].</param>
/// <param name="Boxes">Boxes in the image's pixel coordinates, or null.</param>
public sealed record ImageSample(Tensor Image, IReadOnlyList<Box>? Boxes = null)
{
    /// <summary>Height in pixels.</summary>
    public long Height => Image.Size(-2);

    /// <summary>Width in pixels.</summary>
    public long Width => Image.Size(-1);
}
