using Srn.Torch.Interop;

namespace Srn.Torch;

/// <summary>Region-of-interest pooling (Native/src/roi.cpp): the region features of Fast R-CNN and WSDDN.</summary>
public static partial class Functional
{
    /// <summary>
    /// Max pooling of each box's region of a feature map into a fixed grid (Fast R-CNN's RoI pooling). A box's corners
    /// are mapped to cells as <c>round(x * spatialScale)</c> (half away from zero); the box covers
    /// <c>w = max(x2' - x1' + 1, 1)</c> columns (and likewise rows), split into bins <c>[floor(j w / ow), ceil((j + 1) w / ow))</c>
    /// offset by x1' and clipped to the map. Each output is the maximum over its bin; an empty bin (wholly outside the map)
    /// gives 0. The gradient flows to the first maximum of each bin (row-major), none from an empty bin.
    /// Same as <c>torchvision.ops.roi_pool</c>.
    /// </summary>
    /// <remarks>
    /// On CPU (float32 and float64 inputs) a C++ kernel with torchvision's arithmetic runs, with its own autograd node
    /// (first derivatives only: differentiating the gradient again throws). On any other device a composite of ATen ops
    /// runs (a masked maximum over each bin's columns, then rows, in chunks of boxes), which autograd differentiates.
    /// Boxes get no gradient.
    /// </remarks>
    /// <param name="input">The feature map, [N, C, H, W], floating point.</param>
    /// <param name="boxes">
    /// [K, 5] rows <c>(batch index, x1, y1, x2, y2)</c> in input-image coordinates, floating point (converted to the
    /// input's dtype), on the input's device. <see cref="BoxesToRois"/> builds them from per-image boxes.
    /// </param>
    /// <param name="outputSize">The pooled (height, width), positive.</param>
    /// <param name="spatialScale">Feature-map cells per image pixel: 1/16 for a stride-16 map. Positive.</param>
    /// <returns>[K, C, outputSize.H, outputSize.W]; [0, C, oh, ow] for no boxes.</returns>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When the output size or the scale is not positive (or the scale not finite).</exception>
    /// <exception cref="TorchException">
    /// When the input is not a floating-point [N, C, H, W] tensor with H, W &gt; 0 (on CPU: not float32 or float64); the boxes
    /// are not floating-point [K, 5] on the input's device; a batch index is not an integer in [0, N); or a coordinate is
    /// not finite. The message names the box.
    /// </exception>
    public static Tensor RoIPool(Tensor input, Tensor boxes, IntPair outputSize, double spatialScale = 1.0) =>
        RoIPool(input, boxes, outputSize, spatialScale, composite: false);

    /// <summary>
    /// Average of bilinear samples over each bin of each box (Mask R-CNN's RoIAlign). With <c>o = aligned ? 0.5 : 0</c>, a
    /// box spans <c>[x1 s - o, x2 s - o)</c> cells (s the spatial scale; when not aligned, at least 1 cell wide and
    /// high); each of the oh x ow bins is sampled on a regular g_h x g_w grid at the centres of its sub-cells, with
    /// <c>g = samplingRatio</c>, or, when <c>samplingRatio &lt;= 0</c>, <c>g = ceil(box size / output size)</c> per side.
    /// A sample is the bilinear interpolation of the map at that point, the point clamped to the map when it lies within
    /// one cell outside it and contributing 0 when further out. The output is the sum of the samples divided by
    /// <c>max(g_h g_w, 1)</c>. Same as <c>torchvision.ops.roi_align</c>.
    /// </summary>
    /// <remarks>
    /// On CPU (float32 and float64 inputs) a C++ kernel with torchvision's arithmetic runs, with its own autograd node
    /// (first derivatives only). On any other device a composite of ATen ops runs: per box two interpolation matrices
    /// (output rows x H and W x output columns, holding the summed sample weights) applied to its image with matmul,
    /// in chunks of boxes; autograd differentiates it. Boxes get no gradient.
    /// </remarks>
    /// <param name="input">The feature map, [N, C, H, W], floating point.</param>
    /// <param name="boxes">[K, 5] rows <c>(batch index, x1, y1, x2, y2)</c> in input-image coordinates, as for <see cref="RoIPool(Tensor, Tensor, IntPair, double)"/>.</param>
    /// <param name="outputSize">The pooled (height, width), positive.</param>
    /// <param name="spatialScale">Feature-map cells per image pixel: 1/16 for a stride-16 map. Positive.</param>
    /// <param name="samplingRatio">Samples per bin side; 0 or negative for the adaptive <c>ceil(box size / output size)</c> (torchvision's -1).</param>
    /// <param name="aligned">Shift the box by half a cell so that pixel centres line up (Detectron2's choice); false is the original RoIAlign.</param>
    /// <returns>[K, C, outputSize.H, outputSize.W]; [0, C, oh, ow] for no boxes.</returns>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When the output size or the scale is not positive (or the scale not finite).</exception>
    /// <exception cref="TorchException">As for <see cref="RoIPool(Tensor, Tensor, IntPair, double)"/>.</exception>
    public static Tensor RoIAlign(Tensor input, Tensor boxes, IntPair outputSize, double spatialScale = 1.0, long samplingRatio = -1, bool aligned = false) =>
        RoIAlign(input, boxes, outputSize, spatialScale, samplingRatio, aligned, composite: false);

    /// <summary>
    /// Stacks per-image boxes into the [K, 5] rows <c>(batch index, x1, y1, x2, y2)</c> that <see cref="RoIPool(Tensor, Tensor, IntPair, double)"/>
    /// and <see cref="RoIAlign(Tensor, Tensor, IntPair, double, long, bool)"/> take: image i's boxes get batch index i.
    /// Same as <c>torchvision.ops._utils.convert_boxes_to_roi_format</c>.
    /// </summary>
    /// <param name="boxesPerImage">One [L_i, 4] tensor <c>(x1, y1, x2, y2)</c> per image (L_i may be 0), all of one dtype and device.</param>
    /// <returns>[sum L_i, 5] in the boxes' dtype and device; an empty float32 [0, 5] CPU tensor for no images.</returns>
    /// <exception cref="ArgumentNullException">When the list or one of its tensors is null.</exception>
    /// <exception cref="ArgumentException">When a tensor is not [L, 4], or the dtypes or devices differ.</exception>
    public static Tensor BoxesToRois(IReadOnlyList<Tensor> boxesPerImage)
    {
        ArgumentNullException.ThrowIfNull(boxesPerImage);
        if (boxesPerImage.Count == 0)
        {
            return Tensor.Zeros([0, 5]);
        }

        var first = boxesPerImage[0] ?? throw new ArgumentNullException(nameof(boxesPerImage), "boxes of image 0 are null");
        for (var i = 0; i < boxesPerImage.Count; i++)
        {
            var b = boxesPerImage[i] ?? throw new ArgumentNullException(nameof(boxesPerImage), $"boxes of image {i} are null");
            if (b.Dim != 2 || b.Size(1) != 4)
            {
                throw new ArgumentException($"boxes of image {i} must be [L, 4] (x1, y1, x2, y2), got [{string.Join(", ", b.Shape)}]", nameof(boxesPerImage));
            }

            if (b.DType != first.DType || b.Device != first.Device)
            {
                throw new ArgumentException($"boxes of image {i} are {b.DType} on {b.Device}, image 0's are {first.DType} on {first.Device}", nameof(boxesPerImage));
            }
        }

        using var scope = DisposeScope.Enter();
        var rows = new Tensor[boxesPerImage.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var b = boxesPerImage[i];
            rows[i] = Tensor.Cat([Tensor.Full([b.Size(0), 1], i, b.DType, b.Device), b], 1);
        }

        return Tensor.Cat(rows, 0).MoveToOuterScope();
    }

    /// <summary><see cref="RoIPool(Tensor, Tensor, IntPair, double)"/>, optionally forcing the ATen composite that other devices run (tests run it on CPU).</summary>
    internal static Tensor RoIPool(Tensor input, Tensor boxes, IntPair outputSize, double spatialScale, bool composite)
    {
        CheckRoIArgs(input, boxes, outputSize, spatialScale);
        return InFloat32(input, boxes, (x, b) => Tensor.Wrap(NativeMethods.srn_roi_pool(x.Handle, b.Handle, outputSize.H, outputSize.W, spatialScale, composite ? 1 : 0)));
    }

    /// <summary><see cref="RoIAlign(Tensor, Tensor, IntPair, double, long, bool)"/>, optionally forcing the ATen composite that other devices run.</summary>
    internal static Tensor RoIAlign(Tensor input, Tensor boxes, IntPair outputSize, double spatialScale, long samplingRatio, bool aligned, bool composite)
    {
        CheckRoIArgs(input, boxes, outputSize, spatialScale);
        return InFloat32(input, boxes, (x, b) => Tensor.Wrap(NativeMethods.srn_roi_align(x.Handle, b.Handle, outputSize.H, outputSize.W, spatialScale, samplingRatio, aligned ? 1 : 0, composite ? 1 : 0)));
    }

    // torchvision's autocast rule for its RoI ops: inside an autocast region, bfloat16/float16 features are pooled in
    // float32 and the result is cast back to their dtype. Outside one, the kernels take float32/float64 only, as
    // torchvision's CPU kernels do.
    private static Tensor InFloat32(Tensor input, Tensor boxes, Func<Tensor, Tensor, Tensor> op)
    {
        if (input.DType is not (ScalarType.BFloat16 or ScalarType.Float16) || input.Device.Type is not (DeviceType.Cpu or DeviceType.Cuda)
            || !Autocast.IsEnabled(input.Device.Type))
        {
            return op(input, boxes);
        }

        using var scope = DisposeScope.Enter();
        return op(input.To(ScalarType.Float32), boxes.To(ScalarType.Float32)).To(input.DType).MoveToOuterScope();
    }

    private static void CheckRoIArgs(Tensor input, Tensor boxes, IntPair outputSize, double spatialScale)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(boxes);
        CheckRoIGeometry(outputSize, spatialScale);
    }

    /// <summary>The output size and scale rules the RoI functions and modules share.</summary>
    internal static void CheckRoIGeometry(IntPair outputSize, double spatialScale)
    {
        if (outputSize.H <= 0 || outputSize.W <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(outputSize), outputSize, "the RoI output size must be positive");
        }

        if (!(spatialScale > 0 && double.IsFinite(spatialScale)))
        {
            throw new ArgumentOutOfRangeException(nameof(spatialScale), spatialScale, "the spatial scale must be positive and finite (1/16 for a stride-16 feature map)");
        }
    }
}
