using System.Runtime.InteropServices;

namespace Srn.Torch.Interop;

/// <summary>Exports of the image area (srn_native.h, "area: image"; Native/src/image.cpp).</summary>
internal static partial class NativeMethods
{
    // ----- image codecs -----
    [LibraryImport(Lib)] internal static unsafe partial TensorHandle srn_image_decode(byte* data, long size, int mode, int applyExifOrientation);
    [LibraryImport(Lib)] internal static unsafe partial int srn_image_info(byte* data, long size, Span<long> info, int capacity);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_image_encode_png(TensorHandle image, int compressionLevel);
}
