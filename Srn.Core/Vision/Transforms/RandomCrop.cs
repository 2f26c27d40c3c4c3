namespace Srn.Vision.Transforms;

/// <summary>
/// Cuts a (height, width) window at a uniformly random position out of the image; boxes are shifted, clipped to the
/// window and dropped when nothing of them is left. Same as <c>torchvision.transforms.RandomCrop</c> on tensors
/// (without its padding options).
/// </summary>
/// <remarks>
/// top ~ U{0, ..., H - h}, then left ~ U{0, ..., W - w}, drawn in that order from the sample's random source; when the
/// window is the whole image nothing is drawn (as torchvision's <c>get_params</c>). The result is a view of the input.
/// </remarks>
public sealed class RandomCrop : ITransform
{
    /// <summary>A random crop of (height, width).</summary>
    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    /// <exception cref="ArgumentOutOfRangeException">When a size is not positive.</exception>
    public RandomCrop(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Height = height;
        Width = width;
    }

    /// <summary>A random square crop.</summary>
    /// <param name="size">Output height and width.</param>
    public RandomCrop(int size)
        : this(size, size)
    {
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <summary>Draws the window for an image of the given size (torchvision's <c>RandomCrop.get_params</c>).</summary>
    /// <param name="imageHeight">Input height.</param>
    /// <param name="imageWidth">Input width.</param>
    /// <param name="rng">The random source.</param>
    /// <returns>The window.</returns>
    /// <exception cref="ArgumentException">When the image is smaller than the crop.</exception>
    public CropWindow GetParams(long imageHeight, long imageWidth, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return Draw(imageHeight, imageWidth, Height, Width, rng);
    }

    /// <inheritdoc/>
    public ImageSample Apply(ImageSample sample, Random rng)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ImageOps.RequireImage(sample.Image, nameof(RandomCrop));
        return ImageOps.CropSample(sample, GetParams(sample.Height, sample.Width, rng));
    }

    internal static CropWindow Draw(long imageHeight, long imageWidth, int height, int width, Random rng)
    {
        if (imageHeight < height || imageWidth < width)
        {
            throw new ArgumentException($"RandomCrop: the crop size ({height}, {width}) is larger than the image size ({imageHeight}, {imageWidth})");
        }

        if (imageHeight == height && imageWidth == width)
        {
            return new CropWindow(0, 0, height, width);
        }

        var top = rng.Next(0, (int)(imageHeight - height + 1));
        var left = rng.Next(0, (int)(imageWidth - width + 1));
        return new CropWindow(top, left, height, width);
    }
}
