using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.Models;

/// <summary>
/// SRN's f_sr on U = A .* sigmoid(S) [B, C, H, W]: conv2 1x1 (C -> W) + ReLU and conv3 1x1 (W -> W) + ReLU capture
/// semantic relations between labels; conv4, whose kernel covers the whole H x W map, with W groups of
/// <c>filtersPerGroup</c> filters (each group sees exactly one input channel), + ReLU, captures spatial relations; fc5
/// maps its W x filtersPerGroup outputs to C logits y_sr.
/// </summary>
/// <remarks>
/// The kernel follows the feature-map size (14 x 14 at 224 input, 28 x 28 at 448, 7 x 7 for <c>resnet-small</c> at 112),
/// so a model is built for one input size; a map of another size is rejected with a message naming both.
/// </remarks>
public sealed class SpatialRegularizer : Module<Tensor, Tensor>
{
    private readonly Sequential semantic;

    /// <summary>Creates f_sr.</summary>
    /// <param name="numClasses">C (input channels).</param>
    /// <param name="width">W: channels of conv2/conv3 and groups of conv4 (paper: 512).</param>
    /// <param name="filtersPerGroup">Filters per group of conv4 (paper: 4).</param>
    /// <param name="mapSize">H = W of the attention maps: conv4's kernel.</param>
    /// <param name="batchNorm">Batch norm after each convolution (the ports' variant).</param>
    public SpatialRegularizer(long numClasses, long width, long filtersPerGroup, long mapSize, bool batchNorm = false)
    {
        MapSize = mapSize;
        semantic = RegisterModule("semantic", new Sequential(
            new ConvUnit(numClasses, width, 1, batchNorm: batchNorm),
            new ConvUnit(width, width, 1, batchNorm: batchNorm)));
        Conv4 = RegisterModule("conv4", new ConvUnit(width, width * filtersPerGroup, mapSize, groups: width, batchNorm: batchNorm));
        Fc5 = RegisterModule("fc5", new Linear(width * filtersPerGroup, numClasses));
    }

    /// <summary>The map size conv4's kernel covers.</summary>
    public long MapSize { get; }

    /// <summary>conv4: the grouped, whole-map convolution.</summary>
    public Module<Tensor, Tensor> Conv4 { get; }

    /// <summary>fc5: the output layer.</summary>
    public Linear Fc5 { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim != 4 || input.Shape[2] != MapSize || input.Shape[3] != MapSize)
        {
            throw new ArgumentException(
                $"f_sr was built for {MapSize}x{MapSize} maps (its conv4 kernel), got [{string.Join(", ", input.Shape)}]. Build the SRN for this input size.", nameof(input));
        }

        using var relations = semantic.Forward(input);
        using var spatial = Conv4.Forward(relations);
        using var flat = spatial.Flatten(1);
        return Fc5.Forward(flat);
    }
}
