using Srn.Torch;

namespace Srn.Vision.Transforms;

/// <summary>
/// Converts a uint8 image to float32 in [0, 1]: <c>x / 255</c>; a float32 image is passed on unchanged. Same as
/// <c>torchvision.transforms.ConvertImageDtype(torch.float32)</c> (and the scaling of <c>ToTensor</c>).
/// </summary>
public sealed class ToFloat : ITransform
{
    /// <summary>The image as float32 / 255 (<c>torchvision.transforms.functional.convert_image_dtype</c>).</summary>
    /// <param name="image">A uint8 or float32 [C, H, W] image.</param>
    /// <returns>A new tensor, caller-owned (a new handle on the same data for float32 input).</returns>
    public static Tensor Convert(Tensor image)
    {
        ImageOps.RequireImage(image, nameof(ToFloat));
        if (image.DType == ScalarType.Float32)
        {
            return image.Alias();
        }

        using var scope = DisposeScope.Enter();
        return (image.To(ScalarType.Float32) / 255.0).MoveToOuterScope();
    }

    /// <inheritdoc/>
    public ImageSample Apply(ImageSample sample, Random rng)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ImageOps.RequireImage(sample.Image, nameof(ToFloat));
        return sample.Image.DType == ScalarType.Float32 ? sample : sample with { Image = Convert(sample.Image) };
    }
}
