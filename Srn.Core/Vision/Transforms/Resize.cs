using Srn.Torch;

namespace Srn.Vision.Transforms;

/// <summary>
/// Resizes the image to a fixed (height, width), or so that its shorter side has a given length; boxes are scaled by
/// (W' / W, H' / H). Same as <c>torchvision.transforms.Resize</c> on tensors.
/// </summary>
/// <remarks>
/// <para>
/// Pixels: <c>torch.nn.functional.interpolate</c> with <c>align_corners=False</c> on the image as float32; a uint8
/// image is converted to float32, interpolated, clamped to [0, 255] (bicubic only, whose kernel overshoots), rounded
/// half to even and converted back, exactly as torchvision does. With <see cref="Antialias"/> (the default) bilinear and
/// bicubic run the antialiased kernels (<c>antialias=True</c>): when shrinking by s the kernel is widened by s, so the
/// output matches PIL's resize closely; enlarging is unaffected. Nearest never antialiases (the flag is ignored for it,
/// as torchvision 0.17+ does; 0.14 raises instead).
/// </para>
/// <para>
/// <see cref="PillowRounding"/> (off by default) follows PIL's <c>Image.resize</c> instead, which is what torchvision's
/// <c>Resize</c> does to PIL images (HCP-MLR-PL's pipelines): a uint8 image resized antialiased (bilinear or bicubic)
/// is resampled in two passes, the width first, each rounded half up to uint8, as Pillow's 8-bit resampler does. The
/// result is within 1 of PIL's on every pixel and equal on all but a few tenths of a percent for bicubic (about 1.5 %
/// for bilinear upscaling): PIL's coefficients are 22-bit fixed point. The one-pass float resize differs from PIL's by
/// up to ~20 levels where a bicubic overshoot at a sharp edge is clipped by PIL between the passes. Float images and
/// nearest are unaffected.
/// </para>
/// <para>
/// Shorter side S (<see cref="ShorterSide"/>): the longer side becomes <c>floor(S * long / short)</c>; with a max size M,
/// if that exceeds M the longer side becomes M and the shorter <c>floor(M * S / long')</c>. An image already of the
/// output size is passed on unchanged (the same tensor), as torchvision does.
/// </para>
/// </remarks>
public sealed class Resize : ITransform
{
    private readonly int height;
    private readonly int width;
    private readonly int? shorterSide;
    private readonly int? maxSize;

    /// <summary>Resizes to (height, width).</summary>
    /// <param name="height">Output height in pixels.</param>
    /// <param name="width">Output width in pixels.</param>
    /// <param name="interpolation">Nearest, Bilinear (default) or Bicubic.</param>
    /// <param name="antialias">Antialias bilinear and bicubic when downscaling (torchvision's <c>antialias=True</c>).</param>
    /// <param name="pillowRounding">Resample uint8 images in two passes rounded as PIL does (<see cref="PillowRounding"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">When a size is not positive or the mode is not supported.</exception>
    public Resize(int height, int width, InterpolationMode interpolation = InterpolationMode.Bilinear, bool antialias = true, bool pillowRounding = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ImageOps.RequireResizeMode(interpolation, nameof(interpolation));
        this.height = height;
        this.width = width;
        Interpolation = interpolation;
        Antialias = antialias;
        PillowRounding = pillowRounding;
    }

    private Resize(int shorterSide, int? maxSize, InterpolationMode interpolation, bool antialias)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shorterSide);
        if (maxSize is { } m && m <= shorterSide)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSize), m, $"the max size must be strictly greater than the shorter side {shorterSide}");
        }

        ImageOps.RequireResizeMode(interpolation, nameof(interpolation));
        this.shorterSide = shorterSide;
        this.maxSize = maxSize;
        Interpolation = interpolation;
        Antialias = antialias;
    }

    /// <summary>The interpolation.</summary>
    public InterpolationMode Interpolation { get; }

    /// <summary>Whether bilinear and bicubic downscaling is antialiased.</summary>
    public bool Antialias { get; }

    /// <summary>Whether uint8 images are resampled width then height, rounded half up after each pass, as PIL's <c>Image.resize</c> does (antialiased bilinear and bicubic only).</summary>
    public bool PillowRounding { get; }

    /// <summary>
    /// Resizes so the shorter side is <paramref name="size"/>, keeping the aspect ratio (torchvision's <c>Resize(int)</c>).
    /// </summary>
    /// <param name="size">The shorter side in pixels.</param>
    /// <param name="maxSize">If given, the longer side is at most this (then the shorter may come out smaller than <paramref name="size"/>).</param>
    /// <param name="interpolation">Nearest, Bilinear (default) or Bicubic.</param>
    /// <param name="antialias">Antialias bilinear and bicubic when downscaling.</param>
    /// <returns>The transform.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When the size is not positive, <paramref name="maxSize"/> is not greater than it, or the mode is not supported.</exception>
    public static Resize ShorterSide(int size, int? maxSize = null, InterpolationMode interpolation = InterpolationMode.Bilinear, bool antialias = true) =>
        new(size, maxSize, interpolation, antialias);

    /// <summary>The output (height, width) for an input of the given size.</summary>
    /// <param name="inputHeight">Input height.</param>
    /// <param name="inputWidth">Input width.</param>
    /// <returns>The output size.</returns>
    public (long Height, long Width) OutputSize(long inputHeight, long inputWidth) =>
        shorterSide is { } s ? ImageOps.ShorterSideSize(inputHeight, inputWidth, s, maxSize) : (height, width);

    /// <inheritdoc/>
    public ImageSample Apply(ImageSample sample, Random rng)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ImageOps.RequireImage(sample.Image, nameof(Resize));
        var (h, w) = OutputSize(sample.Height, sample.Width);
        return ImageOps.ResizeSample(sample, h, w, Interpolation, Antialias, PillowRounding);
    }
}
