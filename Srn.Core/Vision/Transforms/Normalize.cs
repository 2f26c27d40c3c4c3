using Srn.Torch;

namespace Srn.Vision.Transforms;

/// <summary>
/// Standardises each channel of a float image: <c>y_c = (x_c - mean_c) / std_c</c>. Same as
/// <c>torchvision.transforms.Normalize</c> (mean and std are rounded to float32 first, as torchvision does).
/// </summary>
public sealed class Normalize : ITransform
{
    private readonly double[] mean;
    private readonly double[] std;

    /// <summary>A normalisation with per-channel statistics (one value each broadcasts over all channels).</summary>
    /// <param name="mean">Per-channel means.</param>
    /// <param name="std">Per-channel standard deviations, non-zero.</param>
    /// <exception cref="ArgumentException">When the lists are empty, of different lengths, or a std is zero.</exception>
    public Normalize(IReadOnlyList<double> mean, IReadOnlyList<double> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count == 0 || mean.Count != std.Count)
        {
            throw new ArgumentException($"Normalize: mean and std must be non-empty and of the same length, got {mean.Count} and {std.Count}", nameof(std));
        }

        if (std.Any(s => (float)s == 0f))
        {
            throw new ArgumentException("Normalize: std evaluated to zero in float32, leading to division by zero", nameof(std));
        }

        this.mean = [.. mean];
        this.std = [.. std];
    }

    /// <summary>ImageNet's statistics (RGB): mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225).</summary>
    public static Normalize ImageNet => new([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);

    /// <summary>Per-channel means.</summary>
    public IReadOnlyList<double> Mean => mean;

    /// <summary>Per-channel standard deviations.</summary>
    public IReadOnlyList<double> Std => std;

    /// <inheritdoc/>
    public ImageSample Apply(ImageSample sample, Random rng)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var image = sample.Image;
        ImageOps.RequireImage(image, nameof(Normalize));
        if (image.DType != ScalarType.Float32)
        {
            throw new ArgumentException($"Normalize: expected a float32 image (apply ToFloat first), got {image.DType}", nameof(sample));
        }

        if (mean.Length != 1 && mean.Length != image.Size(0))
        {
            throw new ArgumentException($"Normalize: {mean.Length} channel statistics for an image of {image.Size(0)} channels", nameof(sample));
        }

        using var scope = DisposeScope.Enter();
        var m = Tensor.FromArray(mean).To(ScalarType.Float32).View(-1, 1, 1);
        var s = Tensor.FromArray(std).To(ScalarType.Float32).View(-1, 1, 1);
        return sample with { Image = ((image - m) / s).MoveToOuterScope() };
    }
}
