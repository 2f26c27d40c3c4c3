using Srn.PartialLabels.Blending;
using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.PartialLabels.Transfer;

/// <summary>
/// SST's memory of known positives for cross-image transfer: for each class c, the category vectors f_c of the N most
/// recent training images where c is a known positive (newest first), zeros until filled. After each training batch,
/// class c's slots become the batch's known positives of c (in batch order) followed by the previous slots, cut to N:
/// <code>
/// G_c ← first N rows of [ f_n,c for the images n of the batch with y_n,c = 1 ; G_c ]
/// </code>
/// The memory is a persistent buffer (<c>features</c>, <c>[C, N, D]</c>), so checkpoints keep it and resuming is exact.
/// </summary>
/// <remarks>
/// Same as <c>SST.updateFeature</c> of HCPLab-SYSU/HCP-MLR-PL (<c>posFeature</c>, <c>interExampleNumber</c> = 100 in its
/// script), which is called on every training batch from the first epoch on, before the pseudo labels of that batch.
/// </remarks>
public sealed class PositiveFeatureBank : Module
{
    /// <summary>Creates an empty (all-zero) memory on the CPU.</summary>
    /// <param name="numClasses">C.</param>
    /// <param name="size">N, the slots per class.</param>
    /// <param name="featureDim">D.</param>
    /// <exception cref="ArgumentOutOfRangeException">For a size below 1.</exception>
    public PositiveFeatureBank(long numClasses, int size, long featureDim)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureDim, 1);
        Features = RegisterBuffer("features", Tensor.Zeros([numClasses, size, featureDim]))!;
    }

    /// <summary>G, <c>[C, N, D]</c>.</summary>
    public Tensor Features { get; }

    /// <summary>C.</summary>
    public long NumClasses => Features.Size(0);

    /// <summary>N.</summary>
    public int Size => (int)Features.Size(1);

    /// <summary>Puts a batch's known positives (target exactly 1) in front of each class's slots, in place, without gradient.</summary>
    /// <param name="vectors">Category vectors <c>[B, C, D]</c> (detached here).</param>
    /// <param name="targets">Targets <c>[B, C]</c>.</param>
    /// <exception cref="ArgumentException">When the shapes do not fit the memory.</exception>
    public void Update(Tensor vectors, Tensor targets)
    {
        BlendShapes.Check(nameof(PositiveFeatureBank), vectors, targets, 3);
        if (vectors.Size(1) != NumClasses || vectors.Size(2) != Features.Size(2))
        {
            throw new ArgumentException($"{nameof(PositiveFeatureBank)}: expected vectors [B, {NumClasses}, {Features.Size(2)}], got [{string.Join(", ", vectors.Shape)}]", nameof(vectors));
        }

        var b = vectors.Size(0);
        var c = (int)NumClasses;
        var n = Size;
        var y = BlendShapes.HostTargets(targets);
        // Slot s of class k takes row index[k, s] of [batch vectors of k ; old slots of k]: new positives first, then old.
        var index = new long[c * n];
        for (var k = 0; k < c; k++)
        {
            var taken = 0;
            for (var image = 0; image < b && taken < n; image++)
            {
                if (y[(image * c) + k] == 1f)
                {
                    index[(k * n) + taken++] = image;
                }
            }

            for (var s = taken; s < n; s++)
            {
                index[(k * n) + s] = b + (s - taken);
            }
        }

        using var scope = DisposeScope.Enter();
        using var noGrad = Autograd.NoGrad();
        var source = Tensor.Cat([vectors.Detach().To(Features.Device, Features.DType).Transpose(0, 1), Features], 1);   // [C, B + N, D]
        var gather = Tensor.FromArray(index, [c, n, 1]).To(Features.Device).Expand(c, n, Features.Size(2));
        Features.Copy_(source.Gather(1, gather));
    }
}
