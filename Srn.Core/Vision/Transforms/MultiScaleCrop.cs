using Srn.Torch;

namespace Srn.Vision.Transforms;

/// <summary>
/// The shape shared by the multi-scale training crops (<see cref="SrnMultiScaleCrop"/>, <see cref="HcpMultiScaleCrop"/>):
/// resize to B x B, cut a window drawn by the scheme (<see cref="GetParams"/>), resize the window to S x S. Boxes are
/// scaled, shifted, clipped to the window (vanished ones dropped) and scaled again.
/// </summary>
public abstract class MultiScaleCrop : ITransform
{
    /// <summary>Validates and stores the sizes.</summary>
    /// <param name="outputSize">Side of the output, S.</param>
    /// <param name="baseSize">Side of the first resize, B.</param>
    /// <param name="cropSizes">Allowed window sides, each in [1, B].</param>
    /// <param name="interpolation">Nearest, Bilinear or Bicubic, for both resizes.</param>
    /// <param name="antialias">Antialias bilinear and bicubic when downscaling.</param>
    /// <exception cref="ArgumentOutOfRangeException">For a non-positive size or a crop size outside [1, B].</exception>
    /// <exception cref="ArgumentException">When no crop size is given or the interpolation is unsupported.</exception>
    protected MultiScaleCrop(int outputSize, int baseSize, IReadOnlyList<int> cropSizes, InterpolationMode interpolation, bool antialias)
    {
        ArgumentNullException.ThrowIfNull(cropSizes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(baseSize);
        ImageOps.RequireResizeMode(interpolation, nameof(interpolation));
        Sizes = cropSizes.ToArray();
        if (Sizes.Length == 0)
        {
            throw new ArgumentException("at least one crop size is needed", nameof(cropSizes));
        }

        foreach (var s in Sizes)
        {
            if (s <= 0 || s > baseSize)
            {
                throw new ArgumentOutOfRangeException(nameof(cropSizes), s, $"crop sizes must be in [1, {baseSize}] (the base size)");
            }
        }

        OutputSize = outputSize;
        BaseSize = baseSize;
        Interpolation = interpolation;
        Antialias = antialias;
    }

    /// <summary>Side of the output.</summary>
    public int OutputSize { get; }

    /// <summary>Side of the first resize.</summary>
    public int BaseSize { get; }

    /// <summary>Allowed window sides.</summary>
    public IReadOnlyList<int> CropSizes => Sizes;

    /// <summary>The interpolation of both resizes.</summary>
    public InterpolationMode Interpolation { get; }

    /// <summary>Whether downscaling is antialiased.</summary>
    public bool Antialias { get; }

    /// <summary>The allowed window sides, for the schemes' draws.</summary>
    protected int[] Sizes { get; }

    /// <summary>Draws the window, in coordinates of the B x B resized image.</summary>
    /// <param name="rng">The random source.</param>
    /// <returns>The window.</returns>
    public abstract CropWindow GetParams(Random rng);

    /// <inheritdoc/>
    public ImageSample Apply(ImageSample sample, Random rng)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ImageOps.RequireImage(sample.Image, GetType().Name);
        var window = GetParams(rng);
        using var scope = DisposeScope.Enter();
        var resized = ImageOps.ResizeSample(sample, BaseSize, BaseSize, Interpolation, Antialias);
        var cropped = ImageOps.CropSample(resized, window);
        var result = ImageOps.ResizeSample(cropped, OutputSize, OutputSize, Interpolation, Antialias);
        return ImageOps.Escape(result, sample);
    }
}
