using Srn.Torch;

namespace Srn.Vision.Transforms;

/// <summary>
/// The partial-label training crop of HCP-MLR-PL (SSGRL, SST, SARB, HST, DSRB; docs/methods.md, the default training
/// augmentation): resize the image to B x B (512), cut a square s x s window at a uniformly random position with s drawn uniformly from
/// {512, 448, 384, 320, 256}, and resize the window to S x S (448). Boxes are scaled, shifted, clipped to the window
/// (vanished ones dropped) and scaled again.
/// </summary>
/// <remarks>
/// <para>
/// The published recipe says "resize 512, random crop size from {512, 448, 384, 320, 256}, resize to 448". Where it is silent we
/// follow the reference code (HCP-MLR-PL <c>utils/dataloader.py</c>), which is not a TSN-style MultiScaleCrop but
/// <c>Resize((512, 512), BICUBIC)</c>, <c>RandomChoice([RandomCrop(s) for s in sizes])</c>,
/// <c>Resize((448, 448), BICUBIC)</c>: the first resize is to a square (not the shorter side), windows are square,
/// positions are uniform over all pixels (not corners and centre), and interpolation is bicubic. The reference resizes
/// PIL images, whose bicubic resize always antialiases; the default here is therefore bicubic with antialiasing
/// (torchvision's tensor resize with <c>antialias=True</c>, close to PIL's but not bit-identical).
/// </para>
/// <para>
/// Draws, in order, from the sample's random source: the size index (<c>random.choice</c>), then, unless s = B,
/// top ~ U{0, ..., B - s} and left ~ U{0, ..., B - s} (torchvision's <c>RandomCrop.get_params</c>; nothing is drawn
/// for the full-size window). Random flipping is a separate transform (<see cref="RandomHorizontalFlip"/>).
/// </para>
/// </remarks>
public sealed class HcpMultiScaleCrop : MultiScaleCrop
{
    /// <summary>The reference scheme, with the sizes configurable.</summary>
    /// <param name="outputSize">Side of the output, S (448; the reference's <c>cropSize</c>).</param>
    /// <param name="baseSize">Side the image is first resized to, B (512; the reference's <c>scaleSize</c>).</param>
    /// <param name="cropSizes">Allowed window sides, each at most <paramref name="baseSize"/> (default {512, 448, 384, 320, 256}).</param>
    /// <param name="interpolation">Nearest, Bilinear or Bicubic (default, as the reference).</param>
    /// <param name="antialias">Antialias bilinear and bicubic when downscaling (default true, as PIL).</param>
    /// <exception cref="ArgumentOutOfRangeException">When a size is not positive, a crop size exceeds the base size, or the mode is not supported.</exception>
    /// <exception cref="ArgumentException">When no crop size is given.</exception>
    public HcpMultiScaleCrop(int outputSize = 448, int baseSize = 512, IReadOnlyList<int>? cropSizes = null, InterpolationMode interpolation = InterpolationMode.Bicubic, bool antialias = true)
        : base(outputSize, baseSize, cropSizes ?? [512, 448, 384, 320, 256], interpolation, antialias)
    {
    }

    /// <summary>Draws the window, in coordinates of the B x B resized image.</summary>
    /// <param name="rng">The random source.</param>
    /// <returns>The window.</returns>
    public override CropWindow GetParams(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var s = Sizes[rng.Next(Sizes.Length)];
        return RandomCrop.Draw(BaseSize, BaseSize, s, s, rng);
    }
}
