using System.Runtime.InteropServices;

namespace Srn.Torch.Interop;

/// <summary>Mixed-precision exports of the shim (amp.cpp): autocast state and memory formats.</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial int srn_autocast_get(int deviceType, out int enabled, out int dtype);
    [LibraryImport(Lib)] internal static partial int srn_autocast_set(int deviceType, int enabled, int dtype);
    [LibraryImport(Lib)] internal static partial int srn_autocast_enter_nesting(out int depth);
    [LibraryImport(Lib)] internal static partial int srn_autocast_exit_nesting(out int depth);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_contiguous_format(TensorHandle t, int memoryFormat);
    [LibraryImport(Lib)] internal static partial int srn_tensor_is_contiguous_format(TensorHandle t, int memoryFormat, out int contiguous);
    [LibraryImport(Lib)] internal static partial int srn_tensor_suggest_memory_format(TensorHandle t, out int memoryFormat);
}
