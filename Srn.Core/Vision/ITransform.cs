namespace Srn.Vision;

/// <summary>
/// One step of an image pipeline. Random transforms draw only from the <c>rng</c> passed to <see cref="Apply"/>,
/// which the data loader seeds per sample from (experiment seed, epoch, index), so a batch is the same whatever the
/// number of worker threads. A transform must not dispose its input's image; it returns a new sample (it may share
/// the input's tensor when nothing changes).
/// </summary>
public interface ITransform
{
    /// <summary>Applies the transform.</summary>
    /// <param name="sample">The input.</param>
    /// <param name="rng">The per-sample random source.</param>
    /// <returns>The transformed sample; boxes follow the geometry.</returns>
    ImageSample Apply(ImageSample sample, Random rng);
}
