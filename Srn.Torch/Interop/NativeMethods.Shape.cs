using System.Runtime.InteropServices;

namespace Srn.Torch.Interop;

/// <summary>Exports of the views, shapes and indexing area (srn_native.h, "area: shape").</summary>
internal static partial class NativeMethods
{
    // ----- views and shape changes -----
    [LibraryImport(Lib)] internal static partial TensorHandle srn_view(TensorHandle t, ReadOnlySpan<long> shape, int ndim);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_reshape(TensorHandle t, ReadOnlySpan<long> shape, int ndim);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_permute(TensorHandle t, ReadOnlySpan<long> dims, int ndim);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_transpose(TensorHandle t, long dim0, long dim1);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_flatten(TensorHandle t, long startDim, long endDim);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_squeeze(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_squeeze_dim(TensorHandle t, long dim);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_unsqueeze(TensorHandle t, long dim);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_expand(TensorHandle t, ReadOnlySpan<long> shape, int ndim);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_expand_as(TensorHandle t, TensorHandle other);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_repeat(TensorHandle t, ReadOnlySpan<long> repeats, int n);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_contiguous(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_flip(TensorHandle t, ReadOnlySpan<long> dims, int n);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_roll(TensorHandle t, ReadOnlySpan<long> shifts, int nShifts, ReadOnlySpan<long> dims, int nDims);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_narrow(TensorHandle t, long dim, long start, long length);

    // ----- joining and splitting -----
    [LibraryImport(Lib)] internal static partial TensorHandle srn_cat(ReadOnlySpan<IntPtr> tensors, long n, long dim);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_stack(ReadOnlySpan<IntPtr> tensors, long n, long dim);
    [LibraryImport(Lib)] internal static partial TensorListHandle srn_split(TensorHandle t, long splitSize, long dim);
    [LibraryImport(Lib)] internal static partial TensorListHandle srn_split_sizes(TensorHandle t, ReadOnlySpan<long> sizes, int n, long dim);
    [LibraryImport(Lib)] internal static partial TensorListHandle srn_chunk(TensorHandle t, long chunks, long dim);

    // ----- gather / scatter / select -----
    [LibraryImport(Lib)] internal static partial TensorHandle srn_index_select(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_gather(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_scatter(TensorHandle t, long dim, TensorHandle index, TensorHandle src);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_scatter_value(TensorHandle t, long dim, TensorHandle index, NativeScalar value);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_scatter_add(TensorHandle t, long dim, TensorHandle index, TensorHandle src);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_masked_fill(TensorHandle t, TensorHandle mask, NativeScalar value);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_masked_fill_tensor(TensorHandle t, TensorHandle mask, TensorHandle value);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_where(TensorHandle condition, TensorHandle x, NativeScalar xs, TensorHandle y, NativeScalar ys);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_nonzero(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorListHandle srn_nonzero_tuple(TensorHandle t);

    // ----- Python-style indexing -----
    [LibraryImport(Lib)] internal static partial TensorHandle srn_index(TensorHandle t, ReadOnlySpan<int> kinds, ReadOnlySpan<long> values, ReadOnlySpan<IntPtr> tensors, int n);
    [LibraryImport(Lib)] internal static partial int srn_index_put_(TensorHandle t, ReadOnlySpan<int> kinds, ReadOnlySpan<long> values, ReadOnlySpan<IntPtr> tensors, int n, TensorHandle value);
    [LibraryImport(Lib)] internal static partial int srn_index_put_scalar_(TensorHandle t, ReadOnlySpan<int> kinds, ReadOnlySpan<long> values, ReadOnlySpan<IntPtr> tensors, int n, NativeScalar value);
}
