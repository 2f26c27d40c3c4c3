namespace Srn.Torch.NN;

/// <summary>
/// RoI max pooling of boxes over a feature map into a fixed grid; see <see cref="Functional.RoIPool(Tensor, Tensor, IntPair, double)"/>
/// for the bins. The input is (feature map [N, C, H, W], boxes [K, 5] rows <c>(batch index, x1, y1, x2, y2)</c> in image
/// coordinates); the output [K, C, oh, ow]. Same as <c>torchvision.ops.RoIPool</c>.
/// </summary>
/// <remarks>No parameters: the module only carries the output size and the scale (7 x 7 at 1/16 in Fast R-CNN and WSDDN).</remarks>
public sealed class RoIPool : Module<(Tensor Input, Tensor Boxes), Tensor>
{
    /// <summary>Creates the module.</summary>
    /// <param name="outputSize">The pooled (height, width), positive.</param>
    /// <param name="spatialScale">Feature-map cells per image pixel (1/16 for a stride-16 map), positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">When the output size or the scale is not positive.</exception>
    public RoIPool(IntPair outputSize, double spatialScale)
    {
        Functional.CheckRoIGeometry(outputSize, spatialScale);
        OutputSize = outputSize;
        SpatialScale = spatialScale;
    }

    /// <summary>The pooled (height, width).</summary>
    public IntPair OutputSize { get; }

    /// <summary>Feature-map cells per image pixel.</summary>
    public double SpatialScale { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore((Tensor Input, Tensor Boxes) input) =>
        Functional.RoIPool(input.Input, input.Boxes, OutputSize, SpatialScale);
}
