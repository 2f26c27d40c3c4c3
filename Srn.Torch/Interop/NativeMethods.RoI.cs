using System.Runtime.InteropServices;

namespace Srn.Torch.Interop;

/// <summary>Exports of the RoI area (Native/src/roi.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial TensorHandle srn_roi_pool(TensorHandle input, TensorHandle boxes, long outputH, long outputW, double spatialScale, int impl);

    [LibraryImport(Lib)] internal static partial TensorHandle srn_roi_align(TensorHandle input, TensorHandle boxes, long outputH, long outputW, double spatialScale, long samplingRatio, int aligned, int impl);
}
