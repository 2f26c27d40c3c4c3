using Srn.PartialLabels.Blending;
using Srn.Torch;
using Srn.Training.Losses;

namespace Srn.PartialLabels.Transfer;

/// <summary>
/// HST's prototype-level contrastive term, on the category vectors f and the k-means prototypes of each class
/// (<see cref="KMeansPrototypes"/>), with d̄_n,c = the mean cosine similarity of f_n,c to class c's prototypes
/// (<see cref="SemanticTransfer.CrossScores"/>):
/// <code>
/// reference (as published):  l_n,c = 1 + y_n,c d̄_n,c       (y = 1: 1 + d̄,  y = −1: 1 − d̄,  unknown: 1)
/// pull:                      l_n,c = 1 − y_n,c d̄_n,c       (known positives drawn to their prototypes, negatives pushed)
/// L = mean of l over the B x C entries
/// </code>
/// A class without prototypes has d̄ = 0 (a constant term).
/// </summary>
/// <remarks>
/// Same as <c>PrototypeContrastiveLoss</c> of HCPLab-SYSU/HCP-MLR-PL (<c>loss/HST.py</c>, <c>reduce=True, size_average=True</c>),
/// whose own comment reads "-1: 1-distance, 0: 1, 1: 1+distance": minimising it moves a known positive away from its
/// class's prototypes and a known negative towards them, the opposite of what the instance-level term
/// (<see cref="ContrastiveLoss"/>) does for pairs of images. The option value <see cref="Pull"/> flips the sign.
/// </remarks>
public static class PrototypeContrastiveLoss
{
    /// <summary>Option value of the published sign.</summary>
    public const string Reference = "reference";

    /// <summary>Option value of the flipped sign.</summary>
    public const string Pull = "pull";

    /// <summary>The loss of a batch.</summary>
    /// <param name="vectors">Category vectors f <c>[B, C, D]</c>.</param>
    /// <param name="targets">Targets <c>[B, C]</c> in {1, −1, 0}.</param>
    /// <param name="prototypes">Each class's prototypes.</param>
    /// <param name="pull">False: the reference's sign; true: positives pulled towards their prototypes.</param>
    /// <returns>A 0-d float32 tensor (the vectors' dtype when wider).</returns>
    /// <exception cref="ArgumentException">When the shapes do not fit.</exception>
    public static Tensor Compute(Tensor vectors, Tensor targets, KMeansPrototypes prototypes, bool pull = false)
    {
        ArgumentNullException.ThrowIfNull(prototypes);
        BlendShapes.Check(nameof(PrototypeContrastiveLoss), vectors, targets, 3);
        using var scope = DisposeScope.Enter();
        var counts = Enumerable.Range(0, prototypes.NumClasses).Select(prototypes.ClusterCount).ToArray();
        var mean = SemanticTransfer.CrossScores(vectors, prototypes.Prototypes, counts);
        var y = targets.To(mean.Device, mean.DType);
        var signed = mean * y;
        var terms = pull ? 1.0 - signed : 1.0 + signed;
        return terms.Mean().MoveToOuterScope();
    }
}
