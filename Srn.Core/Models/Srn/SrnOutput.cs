using Srn.Torch;

namespace Srn.Models;

/// <summary>Which of SRN's outputs a forward pass computes (the training stages need different parts).</summary>
[Flags]
public enum SrnHeads
{
    /// <summary>y_cls: stage 4 of the backbone, global pooling, fc (training stage 1).</summary>
    Classification = 1,

    /// <summary>y_att = sum_ij A .* S (training stage 2).</summary>
    Attention = 2,

    /// <summary>y_sr: f_sr on U = A .* sigmoid(S) (training stage 3).</summary>
    Regularization = 4,

    /// <summary>Everything, including the fused y (training stage 4 and inference).</summary>
    All = Classification | Attention | Regularization,
}

/// <summary>
/// SRN's outputs for a batch (each null when not computed): the logits of each head, the fused logits, and the
/// attention and confidence maps. Dispose to free them.
/// </summary>
/// <param name="Cls">y_cls [B, C].</param>
/// <param name="Att">y_att [B, C].</param>
/// <param name="Sr">y_sr [B, C].</param>
/// <param name="Fused">y = alpha y_cls + (1 - alpha) y_sr [B, C].</param>
/// <param name="Attention">A [B, C, H, W], softmax over the H x W positions of each label's map.</param>
/// <param name="Confidence">S [B, C, H, W], the confidence branch's output.</param>
public sealed record SrnOutput(Tensor? Cls, Tensor? Att, Tensor? Sr, Tensor? Fused, Tensor? Attention, Tensor? Confidence) : IDisposable
{
    /// <inheritdoc/>
    public void Dispose()
    {
        Cls?.Dispose();
        Att?.Dispose();
        Sr?.Dispose();
        Fused?.Dispose();
        Attention?.Dispose();
        Confidence?.Dispose();
    }
}
