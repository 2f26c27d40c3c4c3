using System.Runtime.InteropServices;

namespace Srn.Torch.Interop;

internal static partial class NativeMethods
{
    // ----- random fills, init, linear algebra -----
    [LibraryImport(Lib)] internal static partial int srn_uniform_(TensorHandle t, double from, double to);
    [LibraryImport(Lib)] internal static partial int srn_normal_(TensorHandle t, double mean, double std);
    [LibraryImport(Lib)] internal static partial int srn_bernoulli_(TensorHandle t, double p);
    [LibraryImport(Lib)] internal static partial int srn_set_data(TensorHandle t, TensorHandle src);
    [LibraryImport(Lib)] internal static partial int srn_linalg_qr(TensorHandle a, out TensorHandle q, out TensorHandle r);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_diagonal(TensorHandle t, long offset, long dim1, long dim2);
}
