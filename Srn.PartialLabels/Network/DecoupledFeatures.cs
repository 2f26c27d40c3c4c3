using Srn.Torch;

namespace Srn.PartialLabels.Network;

/// <summary>
/// The outputs of <see cref="SemanticDecoupling"/>: one attention map per class over the image positions and the
/// class-specific features it pools.
/// </summary>
/// <param name="Vectors">Category vectors f_c = Σ_ij a_c,ij f_ij, <c>[B, C, D]</c>.</param>
/// <param name="Maps">Per-location maps F_c,ij = a_c,ij f_ij, <c>[B, C, HW, D]</c>, or null when they were not asked for.</param>
/// <param name="Attention">Attention a_c,ij (softmax over the HW positions), <c>[B, C, HW]</c>.</param>
public sealed record DecoupledFeatures(Tensor Vectors, Tensor? Maps, Tensor Attention) : IDisposable
{
    /// <summary>Disposes the three tensors.</summary>
    public void Dispose()
    {
        Vectors.Dispose();
        Maps?.Dispose();
        Attention.Dispose();
    }
}
