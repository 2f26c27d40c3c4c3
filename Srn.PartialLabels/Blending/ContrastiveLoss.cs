using Srn.Torch;

namespace Srn.PartialLabels.Blending;

/// <summary>
/// The category-specific contrastive term of SARB and DSRB (CSRL), on the un-blended category vectors f. For every pair
/// of images i &lt; j of the batch and every class c, with d = cos(f_i,c, f_j,c):
/// <code>
/// both known positive (y = 1)                     : 1 − d    (group PP, P terms)
/// one known positive, the other known negative    : 1 + d    (group PN)
/// both known negative (y = −1)                    : 1 + d    (group NN)
/// pairs with an unknown label                     : ignored
/// </code>
/// When P &gt; 0, NN and then PN are each replaced by 2P of their terms drawn uniformly without replacement (all when
/// fewer) followed by their P largest terms (the hardest; all when fewer), so a term may count twice. The loss is the
/// mean of PP and the two subsampled groups; 0 when there is no term.
/// </summary>
/// <remarks>
/// Same as <c>ContrastiveLoss</c> of HCPLab-SYSU/HCP-MLR-PL (<c>loss/SARB.py</c>, <c>reduce=True, size_average=True</c>),
/// with <c>torch.nn.CosineSimilarity(eps=1e-9)</c>; the random subsets come from the given <see cref="Random"/> instead of
/// <c>torch.randperm</c>, and an empty batch of terms gives 0 instead of the reference's mean of nothing (NaN). The
/// reference weighs it by 0.05, ramped linearly over the first epoch (<see cref="RampedWeight"/>).
/// </remarks>
public static class ContrastiveLoss
{
    /// <summary>The cosine similarity's epsilon, as the reference's.</summary>
    public const double Epsilon = 1e-9;

    /// <summary>The loss of a batch.</summary>
    /// <param name="vectors">Category vectors <c>[B, C, D]</c>.</param>
    /// <param name="targets">Targets <c>[B, C]</c> in {1, −1, 0}.</param>
    /// <param name="rng">The source of the random subsets.</param>
    /// <returns>A 0-d tensor on the vectors' device, in their dtype (float32 for low-precision vectors).</returns>
    /// <exception cref="ArgumentException">When the shapes do not fit.</exception>
    public static Tensor Compute(Tensor vectors, Tensor targets, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        BlendShapes.Check(nameof(ContrastiveLoss), vectors, targets, 3);
        vectors = Srn.Training.Losses.LossShapes.FullPrecision(vectors); // a loss runs in float32, autocast or not
        var b = (int)vectors.Size(0);
        var c = (int)vectors.Size(1);
        var y = BlendShapes.HostTargets(targets);
        var first = new List<long>();
        var second = new List<long>();
        for (var i = 0; i < b - 1; i++)
        {
            for (var j = i + 1; j < b; j++)
            {
                first.Add(i);
                second.Add(j);
            }
        }

        // Flat term index p·C + c, in the reference's row-major order.
        var posPos = new List<long>();
        var posNeg = new List<long>();
        var negNeg = new List<long>();
        for (var p = 0; p < first.Count; p++)
        {
            for (var k = 0; k < c; k++)
            {
                var a = y[(first[p] * c) + k];
                var e = y[(second[p] * c) + k];
                var term = ((long)p * c) + k;
                if (a == 1f && e == 1f)
                {
                    posPos.Add(term);
                }
                else if ((a == 1f && e == -1f) || (a == -1f && e == 1f))
                {
                    posNeg.Add(term);
                }
                else if (a == -1f && e == -1f)
                {
                    negNeg.Add(term);
                }
            }
        }

        using var scope = DisposeScope.Enter();
        if (posPos.Count + posNeg.Count + negNeg.Count == 0)
        {
            return Tensor.Zeros([], vectors.DType, vectors.Device).MoveToOuterScope();
        }

        var device = vectors.Device;
        var left = vectors.IndexSelect(0, Tensor.FromArray(first.ToArray()).To(device));
        var right = vectors.IndexSelect(0, Tensor.FromArray(second.ToArray()).To(device));
        var cosine = Functional.CosineSimilarity(left, right, dim: 2, eps: Epsilon).Reshape(-1); // [pairs · C]
        var attract = 1.0 - cosine;
        var repel = 1.0 + cosine;
        var selectedNegNeg = negNeg;
        var selectedPosNeg = posNeg;
        if (posPos.Count > 0)
        {
            var values = repel.Detach().To(Device.Cpu, ScalarType.Float64).ToArray<double>();
            selectedNegNeg = Subsample(negNeg, posPos.Count, values, rng);
            selectedPosNeg = Subsample(posNeg, posPos.Count, values, rng);
        }

        var parts = new List<Tensor>();
        foreach (var (source, terms) in new[] { (attract, posPos), (repel, selectedPosNeg), (repel, selectedNegNeg) })
        {
            if (terms.Count > 0)
            {
                parts.Add(source.IndexSelect(0, Tensor.FromArray(terms.ToArray()).To(device)));
            }
        }

        return Tensor.Cat(parts).Mean().MoveToOuterScope();
    }

    /// <summary>The reference's weight schedule: <paramref name="weight"/> from the second epoch on, ramped linearly from 0 over the first.</summary>
    /// <param name="epoch">0-based epoch.</param>
    /// <param name="batchIndex">0-based batch within the epoch.</param>
    /// <param name="batchesPerEpoch">Batches in an epoch.</param>
    /// <param name="weight">The full weight (reference 0.05).</param>
    /// <returns>weight · batchIndex / batchesPerEpoch in epoch 0, else weight.</returns>
    public static double RampedWeight(int epoch, int batchIndex, int batchesPerEpoch, double weight = 0.05) =>
        epoch >= 1 || batchesPerEpoch <= 0 ? weight : weight * batchIndex / batchesPerEpoch;

    // 2P uniform without replacement (Fisher–Yates prefix), then the P largest (ties: the earlier term first).
    private static List<long> Subsample(List<long> group, int p, double[] values, Random rng)
    {
        if (group.Count == 0)
        {
            return group;
        }

        var shuffled = new List<long>(group);
        var take = Math.Min(2 * p, shuffled.Count);
        for (var i = 0; i < take; i++)
        {
            var j = i + rng.Next(shuffled.Count - i);
            (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
        }

        var hardest = group.OrderByDescending(t => values[t]).Take(p);
        return [.. shuffled.Take(take), .. hardest];
    }
}
