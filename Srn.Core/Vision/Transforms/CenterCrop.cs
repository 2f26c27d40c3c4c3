namespace Srn.Vision.Transforms;

/// <summary>
/// Cuts the central (height, width) window out of the image, zero-padding where the window is larger than the image;
/// boxes are shifted, clipped to the window and dropped when nothing of them is left.
/// Same as <c>torchvision.transforms.CenterCrop</c> on tensors.
/// </summary>
/// <remarks>
/// Along an axis of length L cropped to l &lt;= L the window starts at <c>round((L - l) / 2)</c> (halves to even, as
/// Python's <c>round</c>); when l &gt; L the image is padded with <c>(l - L) // 2</c> zeros before and
/// <c>(l - L + 1) // 2</c> after. The result is a view of the input when no padding is needed.
/// </remarks>
public sealed class CenterCrop : ITransform
{
    /// <summary>A centre crop of (height, width).</summary>
    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    /// <exception cref="ArgumentOutOfRangeException">When a size is not positive.</exception>
    public CenterCrop(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Height = height;
        Width = width;
    }

    /// <summary>A square centre crop.</summary>
    /// <param name="size">Output height and width.</param>
    public CenterCrop(int size)
        : this(size, size)
    {
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <summary>The window cut from an image of the given size; negative or overhanging where it pads.</summary>
    /// <param name="imageHeight">Input height.</param>
    /// <param name="imageWidth">Input width.</param>
    /// <returns>The window in input coordinates.</returns>
    public CropWindow Window(long imageHeight, long imageWidth) =>
        new((int)Start(imageHeight, Height), (int)Start(imageWidth, Width), Height, Width);

    /// <inheritdoc/>
    public ImageSample Apply(ImageSample sample, Random rng)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ImageOps.RequireImage(sample.Image, nameof(CenterCrop));
        return ImageOps.CropSample(sample, Window(sample.Height, sample.Width));
    }

    private static long Start(long length, long crop) =>
        crop > length ? -((crop - length) / 2) : ImageOps.HalfRoundedToEven(length - crop);
}
