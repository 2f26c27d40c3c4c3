using Srn.Torch;

namespace Srn.Vision.Transforms;

/// <summary>
/// Mirrors the image left to right with probability p; boxes follow: x1' = W - x2, x2' = W - x1.
/// Same as <c>torchvision.transforms.RandomHorizontalFlip</c> on tensors.
/// </summary>
/// <remarks>Flips when <c>u &lt; p</c> for u ~ U[0, 1) drawn from the sample's random source (one draw per sample).</remarks>
public sealed class RandomHorizontalFlip : ITransform
{
    /// <summary>A flip with probability <paramref name="p"/>.</summary>
    /// <param name="p">The probability of flipping, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="p"/> is outside [0, 1].</exception>
    public RandomHorizontalFlip(double p = 0.5)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "the flip probability must be in [0, 1]");
        }

        P = p;
    }

    /// <summary>The probability of flipping.</summary>
    public double P { get; }

    /// <summary>The image mirrored left to right (<c>torchvision.transforms.functional.hflip</c>), with its boxes.</summary>
    /// <param name="sample">The input.</param>
    /// <returns>A new sample whose image the caller owns.</returns>
    public static ImageSample Flip(ImageSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ImageOps.RequireImage(sample.Image, nameof(RandomHorizontalFlip));
        return new ImageSample(sample.Image.Flip(-1), ImageOps.FlipBoxes(sample.Boxes, sample.Width));
    }

    /// <inheritdoc/>
    public ImageSample Apply(ImageSample sample, Random rng)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(rng);
        ImageOps.RequireImage(sample.Image, nameof(RandomHorizontalFlip));
        return rng.NextDouble() < P ? Flip(sample) : sample;
    }
}
