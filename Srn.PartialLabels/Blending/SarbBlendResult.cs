using Srn.Torch;

namespace Srn.PartialLabels.Blending;

/// <summary>A batch blended with k-means prototypes.</summary>
/// <param name="Features">Blended category vectors <c>[B, C, D]</c>.</param>
/// <param name="Targets">Blended targets <c>[B, C]</c>.</param>
/// <param name="Mask">bool <c>[B, C]</c>, true at blended entries.</param>
/// <param name="Cluster">The prototype index drawn for the batch (a class with fewer centres uses it modulo its count).</param>
/// <param name="Classes">The class blended in each image, or −1 where none was.</param>
public sealed record SarbBlendResult(Tensor Features, Tensor Targets, Tensor Mask, int Cluster, IReadOnlyList<int> Classes)
    : BlendResult(Features, Targets, Mask);
