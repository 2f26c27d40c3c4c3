using Srn.Torch;

namespace Srn.PartialLabels.Network;

/// <summary>What <see cref="SsgrlNetwork"/> computes for a batch.</summary>
/// <param name="Logits">s, <c>[B, C]</c>.</param>
/// <param name="Vectors">Category vectors f_c, <c>[B, C, D]</c> (un-blended; the contrastive term uses them).</param>
/// <param name="Maps">Per-location maps F_c,ij, <c>[B, C, HW, D]</c>, or null when <see cref="SsgrlNetworkOptions.ComputeMaps"/> is off.</param>
/// <param name="Attention">Attention a_c,ij, <c>[B, C, HW]</c>.</param>
/// <param name="GridHeight">H of the position grid (HW = H·W, positions row-major).</param>
/// <param name="GridWidth">W of the position grid.</param>
public sealed record SsgrlOutput(Tensor Logits, Tensor Vectors, Tensor? Maps, Tensor Attention, int GridHeight, int GridWidth) : IDisposable
{
    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        Logits.Dispose();
        Vectors.Dispose();
        Maps?.Dispose();
        Attention.Dispose();
    }
}
