using Srn.Torch;

namespace Srn.PartialLabels.Blending;

/// <summary>A blended batch: the features to classify again, their targets, and which entries were blended.</summary>
/// <param name="Features">Blended features, the shape of the input (maps <c>[B, C, HW, D]</c> or vectors <c>[B, C, D]</c>).</param>
/// <param name="Targets">Blended targets <c>[B, C]</c>: soft positives (1 − α or 1 − β) at blended entries, the input's elsewhere; they carry the coefficient's gradient, as in the reference.</param>
/// <param name="Mask">bool <c>[B, C]</c>, true at blended entries.</param>
public record BlendResult(Tensor Features, Tensor Targets, Tensor Mask) : IDisposable
{
    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the tensors.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Features.Dispose();
            Targets.Dispose();
            Mask.Dispose();
        }
    }
}
