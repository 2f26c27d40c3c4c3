using Srn.Torch;

namespace Srn.Vision.Transforms;

/// <summary>
/// SRN's training crop (Zhu et al., CVPR 2017; docs/methods.md, the default training augmentation): resize the image
/// to B x B (256), cut an h x w window with sides from {256, 224, 192, 168, 128} at one of the four corners or the
/// centre, and resize the window to S x S (224). Boxes are scaled, shifted, clipped to the window (vanished ones
/// dropped) and scaled again.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="SrnCropSampling.Tsn"/> (the default, the reference's): SRN was trained with TSN's Caffe data layer
/// (zhufengx/SRN_multilabel ships it: <c>caffe/src/caffe/data_transformer.cpp</c>, <c>fillCropSize</c> and
/// <c>fillFixOffset</c>; tsn-pytorch's <c>GroupMultiScaleCrop._sample_crop_size</c> and <c>fill_fix_offset</c> are the
/// same scheme). The size pairs are (sizes[i], sizes[j]) as (height, width) for every i, j with |i - j| &lt;= max_distort,
/// listed i-major (13 pairs for 5 sizes and max_distort 1: squares and neighbouring sizes only). With the steps
/// sh = floor((B - h) / 4) and sw = floor((B - w) / 4), the (top, left) offsets are, in this order: (0, 0), (0, 4 sw),
/// (4 sh, 0), (4 sh, 4 sw), (2 sh, 2 sw); with <see cref="MoreFixCrop"/> also (0, 2 sw), (4 sh, 2 sw), (2 sh, 0),
/// (2 sh, 4 sw), (sh, sw), (sh, 3 sw), (3 sh, sw), (3 sh, 3 sw) (13 positions). The paper names the four corners and the
/// centre, the five basic ones, which are the default. Draws, in order: the pair uniformly, then the offset uniformly
/// (Caffe's order; Caffe draws its mirror flag before both, which here is <see cref="RandomHorizontalFlip"/>'s draw after
/// the crop).
/// </para>
/// <para>
/// <see cref="SrnCropSampling.Independent"/>: w uniformly from the sizes, then h uniformly (all 25 pairs), then the
/// position uniformly from {top-left, top-right, bottom-left, bottom-right, centre} with origins (0, 0), (0, B - w),
/// (B - h, 0), (B - h, B - w) and (round((B - h) / 2), round((B - w) / 2)), halves to even as <see cref="CenterCrop"/>.
/// </para>
/// <para>
/// Both resizes use <see cref="MultiScaleCrop.Interpolation"/> (bilinear by default) and, when <see cref="MultiScaleCrop.Antialias"/> (the default),
/// antialiasing as <see cref="Resize"/>. The Caffe layer resizes the window with OpenCV's bilinear <c>cv::resize</c>
/// (no antialiasing) and gets images already resized to B x B; these defaults are ours.
/// Random flipping is a separate transform (<see cref="RandomHorizontalFlip"/>).
/// There is no single torchvision equivalent: it is <c>Resize((B, B))</c>, the crop, then <c>Resize((S, S))</c>.
/// </para>
/// </remarks>
public sealed class SrnMultiScaleCrop : MultiScaleCrop
{
    private readonly (int Height, int Width)[] pairs;

    /// <summary>The paper's scheme, with the sizes and the sampling configurable.</summary>
    /// <param name="outputSize">Side of the output, S (224).</param>
    /// <param name="baseSize">Side the image is first resized to, B (256).</param>
    /// <param name="cropSizes">Allowed window widths and heights, each at most <paramref name="baseSize"/> (default {256, 224, 192, 168, 128}), largest first as the reference lists them.</param>
    /// <param name="interpolation">Nearest, Bilinear (default) or Bicubic.</param>
    /// <param name="antialias">Antialias bilinear and bicubic when downscaling.</param>
    /// <param name="sampling">How pairs and positions are drawn (default <see cref="SrnCropSampling.Tsn"/>, the reference's).</param>
    /// <param name="maxDistort">TSN's max_distort: the largest |i - j| of a size pair (default 1); <see cref="SrnCropSampling.Tsn"/> only.</param>
    /// <param name="moreFixCrop">TSN's more_fix_crop: 13 positions instead of the corners and the centre; <see cref="SrnCropSampling.Tsn"/> only.</param>
    /// <exception cref="ArgumentOutOfRangeException">When a size is not positive, a crop size exceeds the base size, the mode
    /// is not supported, max_distort is negative, or the sampling is unknown.</exception>
    /// <exception cref="ArgumentException">When no crop size is given.</exception>
    public SrnMultiScaleCrop(
        int outputSize = 224, int baseSize = 256, IReadOnlyList<int>? cropSizes = null, InterpolationMode interpolation = InterpolationMode.Bilinear,
        bool antialias = true, SrnCropSampling sampling = SrnCropSampling.Tsn, int maxDistort = 1, bool moreFixCrop = false)
        : base(outputSize, baseSize, cropSizes ?? [256, 224, 192, 168, 128], interpolation, antialias)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistort);
        if (sampling is not (SrnCropSampling.Tsn or SrnCropSampling.Independent))
        {
            throw new ArgumentOutOfRangeException(nameof(sampling), sampling, "unknown crop sampling");
        }

        Sampling = sampling;
        MaxDistort = maxDistort;
        MoreFixCrop = moreFixCrop;
        pairs = sampling == SrnCropSampling.Tsn
            ? [.. from i in Enumerable.Range(0, Sizes.Length) from j in Enumerable.Range(0, Sizes.Length) where Math.Abs(i - j) <= maxDistort select (Sizes[i], Sizes[j])]
            : [.. from h in Sizes from w in Sizes select (h, w)];
    }

    /// <summary>How pairs and positions are drawn.</summary>
    public SrnCropSampling Sampling { get; }

    /// <summary>TSN's max_distort (used by <see cref="SrnCropSampling.Tsn"/>).</summary>
    public int MaxDistort { get; }

    /// <summary>TSN's more_fix_crop: 13 positions (used by <see cref="SrnCropSampling.Tsn"/>).</summary>
    public bool MoreFixCrop { get; }

    /// <summary>Every (height, width) the sampling can draw; under <see cref="SrnCropSampling.Tsn"/> in the reference's order, each equally likely.</summary>
    public IReadOnlyList<(int Height, int Width)> SizePairs => pairs;

    /// <summary>TSN's fixed (top, left) offsets of an h x w window in a B x B image, in the reference's order.</summary>
    /// <param name="baseSize">B.</param>
    /// <param name="height">h, at most B.</param>
    /// <param name="width">w, at most B.</param>
    /// <param name="moreFixCrop">The 13 positions instead of the 5 basic ones.</param>
    /// <returns>The offsets (duplicates kept, as the reference draws from the list).</returns>
    /// <exception cref="ArgumentOutOfRangeException">When a side is not in [1, B].</exception>
    public static IReadOnlyList<(int Top, int Left)> FixedOffsets(int baseSize, int height, int width, bool moreFixCrop)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, baseSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, baseSize);
        var sh = (baseSize - height) / 4;
        var sw = (baseSize - width) / 4;
        List<(int, int)> offsets = [(0, 0), (0, 4 * sw), (4 * sh, 0), (4 * sh, 4 * sw), (2 * sh, 2 * sw)];
        if (moreFixCrop)
        {
            offsets.AddRange([(0, 2 * sw), (4 * sh, 2 * sw), (2 * sh, 0), (2 * sh, 4 * sw), (sh, sw), (sh, 3 * sw), (3 * sh, sw), (3 * sh, 3 * sw)]);
        }

        return offsets;
    }

    /// <summary>Draws the window, in coordinates of the B x B resized image.</summary>
    /// <param name="rng">The random source.</param>
    /// <returns>The window.</returns>
    public override CropWindow GetParams(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var b = BaseSize;
        if (Sampling == SrnCropSampling.Tsn)
        {
            var (h, w) = pairs[rng.Next(pairs.Length)];
            var offsets = FixedOffsets(b, h, w, MoreFixCrop);
            var (top, left) = offsets[rng.Next(offsets.Count)];
            return new CropWindow(top, left, h, w);
        }

        var width = Sizes[rng.Next(Sizes.Length)];
        var height = Sizes[rng.Next(Sizes.Length)];
        return rng.Next(5) switch
        {
            0 => new CropWindow(0, 0, height, width),
            1 => new CropWindow(0, b - width, height, width),
            2 => new CropWindow(b - height, 0, height, width),
            3 => new CropWindow(b - height, b - width, height, width),
            _ => new CropWindow((int)ImageOps.HalfRoundedToEven(b - height), (int)ImageOps.HalfRoundedToEven(b - width), height, width),
        };
    }
}
