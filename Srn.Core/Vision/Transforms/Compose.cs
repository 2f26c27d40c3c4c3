namespace Srn.Vision.Transforms;

/// <summary>
/// Applies transforms in order, each to the previous one's output, with the same random source (so draws happen in
/// pipeline order). Same as <c>torchvision.transforms.Compose</c>.
/// </summary>
/// <remarks>
/// Intermediate images are disposed as soon as the next step has produced its own; the input's image never is. The
/// result is the input's image itself only when no step changed anything.
/// </remarks>
public sealed class Compose : ITransform
{
    private readonly ITransform[] transforms;

    /// <summary>A pipeline of the given steps.</summary>
    /// <param name="transforms">The steps, applied first to last.</param>
    /// <exception cref="ArgumentException">When a step is null.</exception>
    public Compose(params ITransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        if (transforms.Any(t => t is null))
        {
            throw new ArgumentException("Compose: a transform is null", nameof(transforms));
        }

        this.transforms = [.. transforms];
    }

    /// <summary>The steps.</summary>
    public IReadOnlyList<ITransform> Transforms => transforms;

    /// <inheritdoc/>
    public ImageSample Apply(ImageSample sample, Random rng)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var current = sample;
        foreach (var t in transforms)
        {
            ImageSample next;
            try
            {
                next = t.Apply(current, rng);
            }
            catch
            {
                if (!ReferenceEquals(current.Image, sample.Image))
                {
                    current.Image.Dispose();
                }

                throw;
            }

            if (!ReferenceEquals(next.Image, current.Image) && !ReferenceEquals(current.Image, sample.Image))
            {
                current.Image.Dispose();
            }

            current = next;
        }

        return current;
    }
}
