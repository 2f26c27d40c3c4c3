namespace Srn.Torch.NN;

/// <summary>
/// RoIAlign of boxes over a feature map: each bin the average of bilinear samples; see
/// <see cref="Functional.RoIAlign(Tensor, Tensor, IntPair, double, long, bool)"/>. The input is (feature map [N, C, H, W],
/// boxes [K, 5] rows <c>(batch index, x1, y1, x2, y2)</c> in image coordinates); the output [K, C, oh, ow].
/// Same as <c>torchvision.ops.RoIAlign</c>.
/// </summary>
/// <remarks>No parameters: the module only carries the output size, the scale, the sampling ratio and the alignment.</remarks>
public sealed class RoIAlign : Module<(Tensor Input, Tensor Boxes), Tensor>
{
    /// <summary>Creates the module.</summary>
    /// <param name="outputSize">The pooled (height, width), positive.</param>
    /// <param name="spatialScale">Feature-map cells per image pixel (1/16 for a stride-16 map), positive.</param>
    /// <param name="samplingRatio">Samples per bin side; 0 or negative for the adaptive <c>ceil(box size / output size)</c>.</param>
    /// <param name="aligned">Shift boxes by half a cell (pixel-centre alignment); false is the original RoIAlign.</param>
    /// <exception cref="ArgumentOutOfRangeException">When the output size or the scale is not positive.</exception>
    public RoIAlign(IntPair outputSize, double spatialScale, long samplingRatio = -1, bool aligned = false)
    {
        Functional.CheckRoIGeometry(outputSize, spatialScale);
        OutputSize = outputSize;
        SpatialScale = spatialScale;
        SamplingRatio = samplingRatio;
        Aligned = aligned;
    }

    /// <summary>The pooled (height, width).</summary>
    public IntPair OutputSize { get; }

    /// <summary>Feature-map cells per image pixel.</summary>
    public double SpatialScale { get; }

    /// <summary>Samples per bin side (0 or negative: adaptive).</summary>
    public long SamplingRatio { get; }

    /// <summary>Whether boxes are shifted by half a cell.</summary>
    public bool Aligned { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore((Tensor Input, Tensor Boxes) input) =>
        Functional.RoIAlign(input.Input, input.Boxes, OutputSize, SpatialScale, SamplingRatio, Aligned);
}
