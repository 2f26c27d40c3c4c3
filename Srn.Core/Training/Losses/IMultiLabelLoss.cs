using Srn.Torch;

namespace Srn.Training.Losses;

/// <summary>
/// A multi-label loss over logits and targets in the partial-label encoding: 1 present, -1 absent, 0 unknown, and soft
/// positives in (0, 1) (the targets of blended representations). Unknown entries never contribute.
/// </summary>
public interface IMultiLabelLoss
{
    /// <summary>The loss's name as the command line and the results files spell it, e.g. <c>partial-bce</c>.</summary>
    string Name { get; }

    /// <summary>The scalar loss of a batch.</summary>
    /// <param name="logits">Scores before the sigmoid, <c>[B, C]</c>.</param>
    /// <param name="targets">Targets, <c>[B, C]</c>, same dtype as <paramref name="logits"/>.</param>
    /// <returns>A 0-d tensor; 0 (not NaN) when the batch has no known entry.</returns>
    /// <exception cref="ArgumentException">When the shapes differ or are not 2-D.</exception>
    Tensor Compute(Tensor logits, Tensor targets);

    /// <summary>
    /// The loss summed over each image's counted entries and averaged over the images, <c>sum / B</c>: Caffe's
    /// normalisation (<see cref="LossNormalization.Batch"/>). For a loss that averages over the known entries it is
    /// <c>Compute(logits, targets) * (number of known entries) / B</c>, which is what this default returns; a loss that
    /// counts other entries, or normalises each image otherwise, overrides it.
    /// </summary>
    /// <param name="logits">Scores before the sigmoid, <c>[B, C]</c>.</param>
    /// <param name="targets">Targets, <c>[B, C]</c>, same dtype as <paramref name="logits"/>.</param>
    /// <returns>A 0-d tensor; 0 (not NaN) when the batch has no known entry or no image.</returns>
    /// <exception cref="ArgumentException">When the shapes differ or are not 2-D.</exception>
    Tensor ComputeSumPerImage(Tensor logits, Tensor targets)
    {
        using var scope = DisposeScope.Enter();
        var mean = Compute(logits, targets);
        var known = targets.Ne(0.0).Sum().To(mean.DType);
        return (mean * known / (double)Math.Max(targets.Size(0), 1)).MoveToOuterScope();
    }
}
