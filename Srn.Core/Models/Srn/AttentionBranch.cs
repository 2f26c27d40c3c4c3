using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.Models;

/// <summary>
/// SRN's f_att: conv 1x1 (W) + ReLU, conv 3x3 pad 1 (W) + ReLU, conv 1x1 (C) on the stage-3 features X, giving the
/// unnormalised attention maps Z [B, C, H, W]. <see cref="SpatialSoftmax"/> turns them into A.
/// </summary>
public sealed class AttentionBranch : Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    /// <summary>Creates the branch.</summary>
    /// <param name="inChannels">Channels of X.</param>
    /// <param name="width">Hidden channels (paper: 512).</param>
    /// <param name="numClasses">C.</param>
    /// <param name="batchNorm">Batch norm after each convolution (the ports' variant).</param>
    public AttentionBranch(long inChannels, long width, long numClasses, bool batchNorm = false)
    {
        layers = RegisterModule("layers", new Sequential(
            new ConvUnit(inChannels, width, 1, batchNorm: batchNorm),
            new ConvUnit(width, width, 3, padding: 1, batchNorm: batchNorm),
            new ConvUnit(width, numClasses, 1, batchNorm: false, relu: false)));
    }

    /// <summary>
    /// A_l(i, j) = exp Z_l(i, j) / sum_ij exp Z_l(i, j): a softmax over the H x W positions of each label's map (not over
    /// labels), so each map sums to 1.
    /// </summary>
    /// <param name="z">Z [B, C, H, W].</param>
    /// <returns>A [B, C, H, W].</returns>
    public static Tensor SpatialSoftmax(Tensor z)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (z.Dim != 4)
        {
            throw new ArgumentException($"Spatial softmax expects [B, C, H, W], got [{string.Join(", ", z.Shape)}].", nameof(z));
        }

        var s = z.Shape;
        using var flat = z.Reshape([s[0], s[1], s[2] * s[3]]);
        using var soft = flat.Softmax(-1);
        return soft.Reshape(s);
    }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => layers.Forward(input);
}
