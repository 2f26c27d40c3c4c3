using Srn.Torch;

namespace Srn.PartialLabels.Methods;

/// <summary>The terms of an SST or HST batch loss (<see cref="SemanticTransferMethod.Losses"/>), each already weighted; null when off.</summary>
/// <param name="Total">The sum, the loss the optimizer minimises.</param>
/// <param name="Classification">
/// The classification loss on the known labels; for HST from <c>transfer_start</c> on, plus the same loss on the targets
/// completed by each pseudo label.
/// </param>
/// <param name="Intra">SST: the loss on the targets completed by intra-image pseudo labels; HST: the partial BCE of the soft intra-image pseudo labels (as logits) against the known labels.</param>
/// <param name="Inter">The same for the cross-image pseudo labels.</param>
/// <param name="Cooccurrence">The co-occurrence branch's loss.</param>
/// <param name="Contrastive">The instance-level contrastive term.</param>
/// <param name="Prototype">HST's prototype-level contrastive term.</param>
public sealed record TransferLosses(Tensor Total, Tensor Classification, Tensor? Intra, Tensor? Inter, Tensor? Cooccurrence, Tensor? Contrastive, Tensor? Prototype) : IDisposable
{
    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        foreach (var t in new[] { Total, Classification, Intra, Inter, Cooccurrence, Contrastive, Prototype })
        {
            t?.Dispose();
        }
    }
}
