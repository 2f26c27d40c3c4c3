using Srn.Torch;
using Srn.Training.Losses;

namespace Srn.PartialLabels.Transfer;

/// <summary>
/// The loss of SST's and HST's co-occurrence branch: an asymmetric loss on the pair logits q <c>[B, P]</c> whose target
/// is 1 for a pair of two known positives and 0 for every other pair (unknown labels count as absent here):
/// <code>
/// z_k = [y_i = 1] [y_j = 1]                    for the pair k = (i, j)
/// p = σ(q),  p⁻ = min(1 − p + clip, 1)
/// l = −(z log max(p, ε) + (1 − z) log max(p⁻, ε)) · (1 − (z p + (1 − z) p⁻))^(γ⁺ z + γ⁻ (1 − z))
/// L = mean of l over the B x P entries
/// </code>
/// with γ⁻ = 2, γ⁺ = 1, clip = 0.05, ε = 1e-8 as the reference uses it. The focusing weight is differentiated too.
/// </summary>
/// <remarks>
/// Same as <c>intraAsymmetricLoss(classNum, gamma_neg=2, gamma_pos=1, reduce=True, size_average=True)</c> of
/// HCPLab-SYSU/HCP-MLR-PL (<c>loss/SST.py</c>, <c>loss/HST.py</c>); the reference treats y &gt; 0 as positive, which for
/// targets in {1, −1, 0} is y = 1.
/// </remarks>
public sealed class CooccurrenceLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="gammaNegative">γ⁻ (reference 2).</param>
    /// <param name="gammaPositive">γ⁺ (reference 1).</param>
    /// <param name="clip">The probability shift of absent pairs (reference 0.05; 0 turns it off).</param>
    /// <param name="eps">The clamp before the logarithms (reference 1e-8).</param>
    /// <exception cref="ArgumentOutOfRangeException">For a negative or NaN setting.</exception>
    public CooccurrenceLoss(double gammaNegative = 2, double gammaPositive = 1, double clip = 0.05, double eps = 1e-8)
    {
        foreach (var (value, name) in new[] { (gammaNegative, nameof(gammaNegative)), (gammaPositive, nameof(gammaPositive)), (clip, nameof(clip)), (eps, nameof(eps)) })
        {
            if (double.IsNaN(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be non-negative");
            }
        }

        GammaNegative = gammaNegative;
        GammaPositive = gammaPositive;
        Clip = clip;
        Eps = eps;
    }

    /// <summary>γ⁻.</summary>
    public double GammaNegative { get; }

    /// <summary>γ⁺.</summary>
    public double GammaPositive { get; }

    /// <summary>The clip.</summary>
    public double Clip { get; }

    /// <summary>ε.</summary>
    public double Eps { get; }

    /// <summary>The pair targets z <c>[B, P]</c>: 1 where both classes of the pair are known positives.</summary>
    /// <param name="targets">Targets <c>[B, C]</c> in {1, −1, 0}, C ≥ 2.</param>
    /// <returns>z in the targets' floating dtype (float32 for integer targets).</returns>
    public static Tensor PairTargets(Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Dim != 2 || targets.Size(1) < 2)
        {
            throw new ArgumentException($"co-occurrence targets: expected [B, C >= 2], got [{string.Join(", ", targets.Shape)}]", nameof(targets));
        }

        using var scope = DisposeScope.Enter();
        var (first, second) = LabelPairs.Of((int)targets.Size(1));
        var positive = targets.Eq(1.0).To(ScalarType.Float32);
        var z = positive.IndexSelect(1, Tensor.FromArray(first).To(targets.Device)) * positive.IndexSelect(1, Tensor.FromArray(second).To(targets.Device));
        return z.MoveToOuterScope();
    }

    /// <summary>The loss of a batch.</summary>
    /// <param name="cooccurrence">Pair logits q <c>[B, P]</c>.</param>
    /// <param name="targets">Targets <c>[B, C]</c> with P = C (C − 1) / 2.</param>
    /// <returns>A 0-d float32 tensor (the logits' dtype when wider).</returns>
    /// <exception cref="ArgumentException">When the shapes do not fit.</exception>
    public Tensor Compute(Tensor cooccurrence, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(cooccurrence);
        ArgumentNullException.ThrowIfNull(targets);
        if (cooccurrence.Dim != 2 || targets.Dim != 2 || targets.Size(1) < 2 || cooccurrence.Size(0) != targets.Size(0)
            || cooccurrence.Size(1) != LabelPairs.Count((int)targets.Size(1)))
        {
            throw new ArgumentException(
                $"{nameof(CooccurrenceLoss)}: expected pair logits [B, C(C-1)/2] and targets [B, C >= 2], got [{string.Join(", ", cooccurrence.Shape)}] and [{string.Join(", ", targets.Shape)}]");
        }

        using var scope = DisposeScope.Enter();
        var q = LossShapes.FullPrecision(cooccurrence);
        var z = PairTargets(targets.To(q.Device)).To(q.DType);
        var p = q.Sigmoid();
        var pNeg = 1.0 - p;
        if (Clip > 0)
        {
            pNeg = (pNeg + Clip).Clamp(max: 1.0);
        }

        var loss = -((z * p.Clamp(min: Eps).Log()) + ((1.0 - z) * pNeg.Clamp(min: Eps).Log()));
        if (GammaNegative > 0 || GammaPositive > 0)
        {
            var prob = (p * z) + (pNeg * (1.0 - z));
            var gamma = (GammaPositive * z) + (GammaNegative * (1.0 - z));
            loss = loss * (1.0 - prob).Pow(gamma);
        }

        return loss.Mean().MoveToOuterScope();
    }
}
