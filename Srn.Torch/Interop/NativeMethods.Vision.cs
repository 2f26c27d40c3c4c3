using System.Runtime.InteropServices;

namespace Srn.Torch.Interop;

/// <summary>Exports of the vision area (Native/src/vision.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static unsafe partial TensorHandle srn_interpolate_antialias(TensorHandle input, long* size, double scaleH, double scaleW, int mode, int alignCorners);
}
