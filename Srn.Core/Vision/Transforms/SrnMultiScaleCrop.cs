using Srn.Torch;

namespace Srn.Vision.Transforms;

/// <summary>
/// SRN's training crop (Zhu et al., CVPR 2017; docs/methods.md, the default training augmentation): resize the image
/// to B x B (256), cut a w x h window at one of the four corners or the centre, with w and h each drawn from
/// {256, 224, 192, 168, 128}, and resize the window to S x S (224). Boxes are scaled, shifted, clipped to the window (vanished ones dropped) and scaled again.
/// </summary>
/// <remarks>
/// <para>
/// Draws, in order, from the sample's random source: w uniformly from the sizes, h uniformly from the sizes
/// (independently: all 25 pairs are possible, non-square windows included), and the position uniformly from
/// {top-left, top-right, bottom-left, bottom-right, centre}. Window origins (top, left): (0, 0), (0, B - w), (B - h, 0),
/// (B - h, B - w), and (round((B - h) / 2), round((B - w) / 2)) with halves to even, as <see cref="CenterCrop"/>.
/// </para>
/// <para>
/// Both resizes use <see cref="MultiScaleCrop.Interpolation"/> (bilinear by default) and, when <see cref="MultiScaleCrop.Antialias"/> (the default),
/// antialiasing as <see cref="Resize"/>. The paper does not name an interpolation (its Caffe data layer is not public);
/// these defaults are ours. Random flipping is a separate transform (<see cref="RandomHorizontalFlip"/>).
/// There is no single torchvision equivalent: it is <c>Resize((B, B))</c>, the crop, then <c>Resize((S, S))</c>.
/// </para>
/// </remarks>
public sealed class SrnMultiScaleCrop : MultiScaleCrop
{
    /// <summary>The paper's scheme, with the sizes configurable.</summary>
    /// <param name="outputSize">Side of the output, S (224).</param>
    /// <param name="baseSize">Side the image is first resized to, B (256).</param>
    /// <param name="cropSizes">Allowed window widths and heights, each at most <paramref name="baseSize"/> (default {256, 224, 192, 168, 128}).</param>
    /// <param name="interpolation">Nearest, Bilinear (default) or Bicubic.</param>
    /// <param name="antialias">Antialias bilinear and bicubic when downscaling.</param>
    /// <exception cref="ArgumentOutOfRangeException">When a size is not positive, a crop size exceeds the base size, or the mode is not supported.</exception>
    /// <exception cref="ArgumentException">When no crop size is given.</exception>
    public SrnMultiScaleCrop(int outputSize = 224, int baseSize = 256, IReadOnlyList<int>? cropSizes = null, InterpolationMode interpolation = InterpolationMode.Bilinear, bool antialias = true)
        : base(outputSize, baseSize, cropSizes ?? [256, 224, 192, 168, 128], interpolation, antialias)
    {
    }

    /// <summary>Draws the window, in coordinates of the B x B resized image.</summary>
    /// <param name="rng">The random source.</param>
    /// <returns>The window.</returns>
    public override CropWindow GetParams(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var w = Sizes[rng.Next(Sizes.Length)];
        var h = Sizes[rng.Next(Sizes.Length)];
        var b = BaseSize;
        return rng.Next(5) switch
        {
            0 => new CropWindow(0, 0, h, w),
            1 => new CropWindow(0, b - w, h, w),
            2 => new CropWindow(b - h, 0, h, w),
            3 => new CropWindow(b - h, b - w, h, w),
            _ => new CropWindow((int)ImageOps.HalfRoundedToEven(b - h), (int)ImageOps.HalfRoundedToEven(b - w), h, w),
        };
    }
}
