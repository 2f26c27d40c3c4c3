using Srn.Torch;

namespace Srn.Training.Losses;

/// <summary>
/// The partial-label binary cross-entropy of HCP-MLR-PL (the reference of SSGRL, SARB and DSRB), which is also the plain
/// BCE when every label is known:
/// <code>
/// l(s, t) = BCEWithLogits(s, t)          for t &gt; 0   (t = 1, or a soft positive in (0, 1))
///         = -log(1 - sigmoid(s))         for t &lt; 0
///         = ignored                      for t = 0
/// L = sum of l over the known entries / number of known entries   (0 when there are none)
/// </code>
/// </summary>
/// <remarks>
/// The reference computes <c>BCEWithLogits(s, t)</c> on positives and <c>BCEWithLogits(s, 0)</c> on negatives and averages
/// over the entries with <c>t != 0</c>; this is the same function, written so that an all-unknown batch returns 0 with a
/// zero gradient instead of 0/0 = NaN. Same as <c>torch.nn.functional.binary_cross_entropy_with_logits(s[m], t[m].clamp(0))</c>
/// on the mask <c>m = t != 0</c>.
/// </remarks>
public sealed class PartialBce : IMultiLabelLoss
{
    /// <summary>The shared instance (the loss has no parameters).</summary>
    public static PartialBce Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "partial-bce";

    /// <inheritdoc/>
    public Tensor Compute(Tensor logits, Tensor targets)
    {
        LossShapes.Check(Name, logits, targets);
        logits = LossShapes.FullPrecision(logits);
        using var scope = DisposeScope.Enter();
        var known = targets.Ne(0.0).To(logits.DType);
        var positive = targets.Clamp(0.0, 1.0);
        var elementwise = Functional.BinaryCrossEntropyWithLogits(logits, positive, reduction: Reduction.None);
        var count = known.Sum().Clamp(min: 1.0);
        return ((elementwise * known).Sum() / count).MoveToOuterScope();
    }

    /// <inheritdoc/>
    /// <remarks>
    /// <c>sum of l over the known entries / B</c>: Caffe's <c>SigmoidCrossEntropyLoss</c> (<c>loss / num</c>, num the
    /// batch size) restricted to the known entries; the same as
    /// <c>F.binary_cross_entropy_with_logits(s[m], t[m].clamp(0), reduction="sum") / B</c>.
    /// </remarks>
    public Tensor ComputeSumPerImage(Tensor logits, Tensor targets)
    {
        LossShapes.Check(Name, logits, targets);
        logits = LossShapes.FullPrecision(logits);
        using var scope = DisposeScope.Enter();
        var known = targets.Ne(0.0).To(logits.DType);
        var elementwise = Functional.BinaryCrossEntropyWithLogits(logits, targets.Clamp(0.0, 1.0), reduction: Reduction.None);
        return ((elementwise * known).Sum() / (double)Math.Max(logits.Size(0), 1)).MoveToOuterScope();
    }
}
