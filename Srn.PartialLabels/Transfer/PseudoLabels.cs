using Srn.Torch;

namespace Srn.PartialLabels.Transfer;

/// <summary>
/// Pseudo labels for unknown classes from transfer scores (<see cref="SemanticTransfer"/>):
/// <code>
/// SST, hard:    ŷ_n,c = y_n,c                          where known (y ≠ 0)
///                     = 1  if s_n,c ≥ m and m &lt; 1     where unknown, else 0 (still unknown)
/// HST, soft:    p_n,c = clamp(s_n,c − m, 0, 1)        for every entry, differentiable in s and m
/// HST, target:  ŷ_n,c = y_n,c + [y_n,c = 0] [p_n,c &gt; 0]
/// </code>
/// </summary>
/// <remarks>
/// Same as the thresholds of <c>getIntraPseudoLabel</c> / <c>getInterPseudoLabel</c> of HCPLab-SYSU/HCP-MLR-PL's SST
/// (<c>p[p &gt;= m] = 1; p[p &lt;= m] = 0</c>: a margin of 1 or more leaves nothing, since the 1s written first are then
/// cleared) and HST (<c>clamp(p - margin, 0, 1)</c>, and <c>HST.py</c>'s <c>target + eq(target, 0) * where(p &gt; 0, 1, 0)</c>).
/// </remarks>
public static class PseudoLabels
{
    /// <summary>SST's hard pseudo labels (no gradient).</summary>
    /// <param name="scores">s <c>[B, C]</c>.</param>
    /// <param name="targets">y <c>[B, C]</c> in {1, −1, 0}.</param>
    /// <param name="margin">m.</param>
    /// <returns>ŷ <c>[B, C]</c> in {1, −1, 0}, in the scores' dtype.</returns>
    /// <exception cref="ArgumentException">When the shapes differ.</exception>
    public static Tensor Hard(Tensor scores, Tensor targets, double margin)
    {
        CheckShapes(scores, targets);
        using var scope = DisposeScope.Enter();
        using var noGrad = Autograd.NoGrad();
        var y = targets.To(scores.Device, scores.DType);
        var unknown = y.Eq(0.0);
        var transferred = margin < 1 ? (scores.Detach() >= margin).To(scores.DType) : y.ZerosLike();
        return Tensor.Where(unknown, transferred, y).MoveToOuterScope();
    }

    /// <summary>HST's soft pseudo labels, clamp(s − m, 0, 1), for every entry.</summary>
    /// <param name="scores">s <c>[B, C]</c>.</param>
    /// <param name="margin">m, a 0-d tensor (HST learns it).</param>
    /// <returns>p <c>[B, C]</c>, differentiable in s and m.</returns>
    public static Tensor Soft(Tensor scores, Tensor margin)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(margin);
        using var scope = DisposeScope.Enter();
        return (scores - margin.To(scores.Device, scores.DType)).Clamp(0.0, 1.0).MoveToOuterScope();
    }

    /// <summary>HST's training target: the known labels, and 1 for an unknown class whose soft pseudo label is above 0.</summary>
    /// <param name="targets">y <c>[B, C]</c> in {1, −1, 0}.</param>
    /// <param name="soft">p <c>[B, C]</c> (<see cref="Soft"/>).</param>
    /// <returns>ŷ <c>[B, C]</c> in {1, −1, 0}, in the targets' dtype, without gradient.</returns>
    /// <exception cref="ArgumentException">When the shapes differ.</exception>
    public static Tensor Complete(Tensor targets, Tensor soft)
    {
        CheckShapes(soft, targets);
        using var scope = DisposeScope.Enter();
        using var noGrad = Autograd.NoGrad();
        var y = targets.To(soft.Device);
        var added = (y.Eq(0.0) & (soft.Detach() > 0.0)).To(y.DType);
        return (y + added).MoveToOuterScope();
    }

    private static void CheckShapes(Tensor scores, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(targets);
        if (scores.Dim != 2 || !scores.Shape.AsSpan().SequenceEqual(targets.Shape))
        {
            throw new ArgumentException($"pseudo labels: expected scores and targets both [B, C], got [{string.Join(", ", scores.Shape)}] and [{string.Join(", ", targets.Shape)}]");
        }
    }
}
