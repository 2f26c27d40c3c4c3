using Srn.Torch;
using Srn.Training.Losses;

namespace Srn.PartialLabels.Transfer;

/// <summary>
/// The two scores SST and HST turn into pseudo labels for unknown classes (<see cref="PseudoLabels"/>):
/// <code>
/// intra-image:  r_n,c = clamp( Σ_j M_n,cj [y_n,j = 1] / max(Σ_j [y_n,j = 1], 1), −1, 1 )
///               M_n,cc = 1, M_n,ij = M_n,ji = σ(q_n,k) for the pair k = (i, j)
/// cross-image:  e_n,c = mean over the references g of class c of cos(f_n,c, g)
/// </code>
/// r is how strongly the image's known positives co-occur with c, by the <see cref="CooccurrenceHead"/>'s logits q;
/// e is how close the image's category vector for c is to other images' vectors of c (SST: a memory of recent known
/// positives, <see cref="PositiveFeatureBank"/>; HST: k-means prototypes).
/// </summary>
/// <remarks>
/// Same as the score parts of <c>getIntraPseudoLabel</c> and <c>getInterPseudoLabel</c> of HCPLab-SYSU/HCP-MLR-PL
/// (<c>loss/SST.py</c>, <c>loss/HST.py</c>), with <c>torch.nn.CosineSimilarity(eps=1e-9)</c>. Both are differentiable
/// (HST trains through them); the reference's C x C matrix is never built: each pair adds its term to both of its classes.
/// </remarks>
public static class SemanticTransfer
{
    /// <summary>The cosine similarity's epsilon, as the reference's.</summary>
    public const double Epsilon = 1e-9;

    /// <summary>The intra-image scores r.</summary>
    /// <param name="cooccurrence">Pair logits q <c>[B, P]</c> (<see cref="CooccurrenceHead"/>).</param>
    /// <param name="targets">Targets <c>[B, C]</c> in {1, −1, 0}; only the known positives (exactly 1) count.</param>
    /// <returns>r <c>[B, C]</c>, float32 (or the logits' wider dtype); 0 for an image without known positive.</returns>
    /// <exception cref="ArgumentException">When the shapes do not fit.</exception>
    public static Tensor IntraScores(Tensor cooccurrence, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(cooccurrence);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Dim != 2 || targets.Size(1) < 2 || cooccurrence.Dim != 2 || cooccurrence.Size(0) != targets.Size(0)
            || cooccurrence.Size(1) != LabelPairs.Count((int)targets.Size(1)))
        {
            throw new ArgumentException(
                $"{nameof(IntraScores)}: expected pair logits [B, C(C-1)/2] and targets [B, C >= 2], got [{string.Join(", ", cooccurrence.Shape)}] and [{string.Join(", ", targets.Shape)}]");
        }

        using var scope = DisposeScope.Enter();
        var q = LossShapes.FullPrecision(cooccurrence);
        var device = q.Device;
        var (first, second) = LabelPairs.Of((int)targets.Size(1));
        var i = Tensor.FromArray(first).To(device);
        var j = Tensor.FromArray(second).To(device);
        var positive = targets.To(device).Eq(1.0).To(q.DType);                        // [y = 1]
        var p = q.Sigmoid();
        // Pair (i, j) adds σ(q) [y_j = 1] to row i and σ(q) [y_i = 1] to row j; the diagonal (M_cc = 1) is [y_c = 1] itself.
        var terms = Tensor.Cat([p * positive.IndexSelect(1, j), p * positive.IndexSelect(1, i)], 1);
        var rows = Tensor.Cat([i, j]).Unsqueeze(0).Expand(q.Size(0), terms.Size(1));
        var sums = positive.ScatterAdd(1, rows, terms);
        var count = positive.Sum(1, keepDim: true).Clamp(min: 1.0);
        return (sums / count).Clamp(-1.0, 1.0).MoveToOuterScope();
    }

    /// <summary>The cross-image scores e: mean cosine similarity of each category vector to its class's references.</summary>
    /// <param name="vectors">Category vectors f <c>[B, C, D]</c>.</param>
    /// <param name="references">References <c>[C, N, D]</c> (memory slots or prototypes).</param>
    /// <param name="counts">
    /// How many of the N references of each class are valid (the first ones); a class with none scores 0. Null: all N, as
    /// SST's memory, whose empty (zero) slots have similarity 0 and still count in the mean, as in the reference.
    /// </param>
    /// <returns>e <c>[B, C]</c> in float32 (or the vectors' wider dtype), on the vectors' device.</returns>
    /// <exception cref="ArgumentException">When the shapes do not fit.</exception>
    public static Tensor CrossScores(Tensor vectors, Tensor references, IReadOnlyList<int>? counts = null)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(references);
        if (vectors.Dim != 3 || references.Dim != 3 || references.Size(0) != vectors.Size(1) || references.Size(2) != vectors.Size(2)
            || references.Size(1) < 1 || (counts is not null && (counts.Count != vectors.Size(1) || counts.Any(k => k < 0 || k > references.Size(1)))))
        {
            throw new ArgumentException(
                $"{nameof(CrossScores)}: expected vectors [B, C, D], references [C, N >= 1, D] and C counts in [0, N], got [{string.Join(", ", vectors.Shape)}] and [{string.Join(", ", references.Shape)}]");
        }

        using var scope = DisposeScope.Enter();
        var f = LossShapes.FullPrecision(vectors);
        var g = references.To(f.Device, f.DType);
        var fn = f / f.Norm(2, [2], keepDim: true).Clamp(min: Epsilon);
        var gn = g / g.Norm(2, [2], keepDim: true).Clamp(min: Epsilon);
        var cosine = fn.Transpose(0, 1).Bmm(gn.Transpose(1, 2)).Transpose(0, 1);   // [B, C, N]
        if (counts is null)
        {
            return cosine.Mean(2).MoveToOuterScope();
        }

        var n = references.Size(1);
        var valid = counts.SelectMany(k => Enumerable.Range(0, (int)n).Select(s => s < k ? 1f : 0f)).ToArray();
        var mask = Tensor.FromArray(valid, [vectors.Size(1), n]).To(f.Device, f.DType);
        var denominator = Tensor.FromArray(counts.Select(k => (float)Math.Max(k, 1)).ToArray()).To(f.Device, f.DType);
        return ((cosine * mask).Sum(2) / denominator).MoveToOuterScope();
    }
}
