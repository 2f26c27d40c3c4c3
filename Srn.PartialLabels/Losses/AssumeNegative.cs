using Srn.Torch;
using Srn.Training.Losses;

namespace Srn.PartialLabels.Losses;

/// <summary>
/// The naive baseline for partial labels, <c>assume-negative</c>: every unknown label is taken as absent, then the plain
/// binary cross-entropy is averaged over all B x C entries:
/// <code>
/// y = t for t &gt; 0 (1 or a soft positive),  0 for t &lt;= 0 (absent or unknown)
/// L = (1 / (B C)) sum BCEWithLogits(s, y)
/// </code>
/// </summary>
/// <remarks>
/// Unlike the other losses of <see cref="IMultiLabelLoss"/>, unknown entries do contribute here (as negatives): that is
/// the baseline's point. So a batch with no known label does not give 0; only an empty batch does. Same as
/// <c>torch.nn.functional.binary_cross_entropy_with_logits(s, t.clamp(0, 1))</c>.
/// </remarks>
public sealed class AssumeNegative : IMultiLabelLoss
{
    /// <summary>The shared instance (the loss has no parameters).</summary>
    public static AssumeNegative Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "assume-negative";

    /// <inheritdoc/>
    public Tensor Compute(Tensor logits, Tensor targets)
    {
        LossShapes.Check(Name, logits, targets);
        logits = LossShapes.FullPrecision(logits);
        var count = Math.Max(logits.Shape[0] * logits.Shape[1], 1);
        using var scope = DisposeScope.Enter();
        var elementwise = Functional.BinaryCrossEntropyWithLogits(logits, targets.Clamp(0.0, 1.0), reduction: Reduction.None);
        return (elementwise.Sum() / count).MoveToOuterScope();
    }

    /// <inheritdoc/>
    /// <remarks>Every entry counts: <c>sum BCEWithLogits(s, y) / B</c>, that is <see cref="Compute"/> times C.</remarks>
    public Tensor ComputeSumPerImage(Tensor logits, Tensor targets)
    {
        LossShapes.Check(Name, logits, targets);
        logits = LossShapes.FullPrecision(logits);
        using var scope = DisposeScope.Enter();
        var elementwise = Functional.BinaryCrossEntropyWithLogits(logits, targets.Clamp(0.0, 1.0), reduction: Reduction.None);
        return (elementwise.Sum() / (double)Math.Max(logits.Shape[0], 1)).MoveToOuterScope();
    }
}
