using Srn.Torch;

namespace Srn.PartialLabels.Blending;

/// <summary>A batch blended with prototypes, with the choices made.</summary>
/// <param name="Features">Blended features, the input's shape.</param>
/// <param name="Targets">Blended targets <c>[B, C]</c>.</param>
/// <param name="Mask">bool <c>[B, C]</c>, true at blended entries.</param>
/// <param name="Choices">The blended entries, image by image.</param>
public sealed record PrototypeBlendResult(Tensor Features, Tensor Targets, Tensor Mask, IReadOnlyList<PrototypeChoice> Choices)
    : BlendResult(Features, Targets, Mask);
