using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.Models;

/// <summary>
/// SRN's confidence branch (the paper's "conv1"): a 1x1 convolution with C kernels on X, giving S [B, C, H, W]. The ports'
/// variant is two layers: conv 1x1 (C) + BN + ReLU, conv 1x1 (C).
/// </summary>
public sealed class ConfidenceBranch : Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    /// <summary>Creates the branch.</summary>
    /// <param name="inChannels">Channels of X.</param>
    /// <param name="numClasses">C.</param>
    /// <param name="twoLayers">The ports' two-layer variant with batch norm.</param>
    public ConfidenceBranch(long inChannels, long numClasses, bool twoLayers = false)
    {
        layers = RegisterModule("layers", twoLayers
            ? new Sequential(new ConvUnit(inChannels, numClasses, 1, batchNorm: true), new ConvUnit(numClasses, numClasses, 1, relu: false))
            : new Sequential(new ConvUnit(inChannels, numClasses, 1, relu: false)));
    }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => layers.Forward(input);
}
