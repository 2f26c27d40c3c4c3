using System.Runtime.InteropServices;

namespace Srn.Torch.Interop;

/// <summary>Exports of the functional and losses areas (Native/src/functional.cpp, Native/src/losses.cpp).</summary>
/// <remarks>2-d sizes travel as pointers to two int64 values (h, w); a NULL optional pair means PyTorch's default.</remarks>
internal static partial class NativeMethods
{
    // ----- functional (nn) -----
    [LibraryImport(Lib)] internal static unsafe partial TensorHandle srn_conv2d(TensorHandle input, TensorHandle weight, TensorHandle bias, long* stride, long* padding, long* dilation, long groups);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_batch_norm(TensorHandle input, TensorHandle runningMean, TensorHandle runningVar, TensorHandle weight, TensorHandle bias, int training, double momentum, double eps);
    [LibraryImport(Lib)] internal static unsafe partial TensorHandle srn_layer_norm(TensorHandle input, long* normalizedShape, int ndim, TensorHandle weight, TensorHandle bias, double eps);
    [LibraryImport(Lib)] internal static unsafe partial TensorHandle srn_max_pool2d(TensorHandle input, long* kernelSize, long* stride, long* padding, long* dilation, int ceilMode);
    [LibraryImport(Lib)] internal static unsafe partial TensorListHandle srn_max_pool2d_with_indices(TensorHandle input, long* kernelSize, long* stride, long* padding, long* dilation, int ceilMode);
    [LibraryImport(Lib)] internal static unsafe partial TensorHandle srn_avg_pool2d(TensorHandle input, long* kernelSize, long* stride, long* padding, int ceilMode, int countIncludePad, long divisorOverride);
    [LibraryImport(Lib)] internal static unsafe partial TensorHandle srn_adaptive_avg_pool2d(TensorHandle input, long* outputSize);
    [LibraryImport(Lib)] internal static unsafe partial TensorListHandle srn_adaptive_max_pool2d(TensorHandle input, long* outputSize);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_linear(TensorHandle input, TensorHandle weight, TensorHandle bias);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_dropout(TensorHandle input, double p, int training);
    [LibraryImport(Lib)] internal static unsafe partial TensorHandle srn_interpolate(TensorHandle input, long* size, double scaleH, double scaleW, int mode, int alignCorners, int recomputeScaleFactor);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_grid_sample(TensorHandle input, TensorHandle grid, int mode, int paddingMode, int alignCorners);
    [LibraryImport(Lib)] internal static unsafe partial TensorHandle srn_pad(TensorHandle input, long* pad, int npad, int mode, double value);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_cosine_similarity(TensorHandle x1, TensorHandle x2, long dim, double eps);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_normalize(TensorHandle input, double p, long dim, double eps);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_one_hot(TensorHandle input, long numClasses);

    // ----- losses -----
    [LibraryImport(Lib)] internal static partial TensorHandle srn_binary_cross_entropy(TensorHandle input, TensorHandle target, TensorHandle weight, int reduction);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_binary_cross_entropy_with_logits(TensorHandle input, TensorHandle target, TensorHandle weight, TensorHandle posWeight, int reduction);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_cross_entropy(TensorHandle input, TensorHandle target, TensorHandle weight, long ignoreIndex, int reduction, double labelSmoothing);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_kl_div(TensorHandle input, TensorHandle target, int reduction, int logTarget);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_mse_loss(TensorHandle input, TensorHandle target, int reduction);
}
