using System.Runtime.InteropServices;

namespace Srn.Torch.Interop;

/// <summary>
/// Declarations of libsrn_native's exports (Native/include/srn_native.h), one partial file per area.
/// Conventions: a handle-returning export returns an invalid handle on failure and an <c>int</c>
/// export returns non-zero; <see cref="Check(TensorHandle)"/> and <see cref="Check(int)"/> turn that
/// into a <see cref="TorchException"/> carrying libtorch's message.
/// </summary>
internal static partial class NativeMethods
{
    /// <summary>The library name given to the import resolver (<see cref="NativeLibraryLoader"/>).</summary>
    public const string Lib = "srn_native";

    /// <summary>Throws the pending native error when <paramref name="status"/> reports a failure.</summary>
    public static void Check(int status)
    {
        if (status != 0)
        {
            throw NativeError.Take();
        }
    }

    /// <summary>Returns <paramref name="handle"/>, or throws the pending native error if it is invalid.</summary>
    public static TensorHandle Check(TensorHandle handle)
    {
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw NativeError.Take();
        }

        return handle;
    }

    /// <summary>Returns <paramref name="handle"/>, or throws the pending native error if it is invalid.</summary>
    public static TensorListHandle Check(TensorListHandle handle)
    {
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw NativeError.Take();
        }

        return handle;
    }

    // ----- errors, library -----
    [LibraryImport(Lib)] internal static partial int srn_abi_version();
    [LibraryImport(Lib)] internal static partial IntPtr srn_last_error_take();
    [LibraryImport(Lib)] internal static partial void srn_free_string(IntPtr s);
    [LibraryImport(Lib)] internal static partial IntPtr srn_torch_version();
    [LibraryImport(Lib)] internal static partial long srn_live_tensors();
    [LibraryImport(Lib)] internal static partial int srn_malloc_tuned();
    [LibraryImport(Lib)] internal static partial int srn_cuda_is_available();
    [LibraryImport(Lib)] internal static partial int srn_cuda_device_count();
    [LibraryImport(Lib)] internal static partial int srn_get_num_threads();
    [LibraryImport(Lib)] internal static partial int srn_set_num_threads(int n);
    [LibraryImport(Lib)] internal static partial int srn_manual_seed(ulong seed);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_get_rng_state();
    [LibraryImport(Lib)] internal static partial int srn_set_rng_state(TensorHandle state);
    [LibraryImport(Lib)] internal static partial int srn_blas_info(out IntPtr text);

    // ----- tensor lifetime, metadata, data -----
    [LibraryImport(Lib)] internal static partial void srn_tensor_free(IntPtr t);
    [LibraryImport(Lib)] internal static partial int srn_tensor_dim(TensorHandle t, out long dim);
    [LibraryImport(Lib)] internal static partial int srn_tensor_shape(TensorHandle t, Span<long> shape, int capacity);
    [LibraryImport(Lib)] internal static partial int srn_tensor_strides(TensorHandle t, Span<long> strides, int capacity);
    [LibraryImport(Lib)] internal static partial int srn_tensor_numel(TensorHandle t, out long numel);
    [LibraryImport(Lib)] internal static partial int srn_tensor_dtype(TensorHandle t, out int dtype);
    [LibraryImport(Lib)] internal static partial int srn_tensor_device(TensorHandle t, out int type, out int index);
    [LibraryImport(Lib)] internal static partial int srn_tensor_is_contiguous(TensorHandle t, out int contiguous);
    [LibraryImport(Lib)] internal static unsafe partial int srn_tensor_copy_to(TensorHandle t, void* dst, long nbytes);
    [LibraryImport(Lib)] internal static unsafe partial TensorHandle srn_tensor_from_data(void* data, long nbytes, ReadOnlySpan<long> shape, int ndim, int dtype);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_tensor_alias(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_tensor_to(TensorHandle t, int dtype, int deviceType, int deviceIndex, int nonBlocking, int copy);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_tensor_clone(TensorHandle t);

    // ----- tensor lists -----
    [LibraryImport(Lib)] internal static partial void srn_tensor_list_free(IntPtr l);
    [LibraryImport(Lib)] internal static partial int srn_tensor_list_size(TensorListHandle l, out long size);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_tensor_list_get(TensorListHandle l, long i);

    // ----- creation -----
    [LibraryImport(Lib)] internal static partial TensorHandle srn_zeros(ReadOnlySpan<long> shape, int ndim, int dtype, int devType, int devIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_ones(ReadOnlySpan<long> shape, int ndim, int dtype, int devType, int devIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_empty(ReadOnlySpan<long> shape, int ndim, int dtype, int devType, int devIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_full(ReadOnlySpan<long> shape, int ndim, NativeScalar value, int dtype, int devType, int devIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_arange(NativeScalar start, NativeScalar end, NativeScalar step, int dtype, int devType, int devIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_linspace(double start, double end, long steps, int dtype, int devType, int devIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_eye(long n, long m, int dtype, int devType, int devIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_rand(ReadOnlySpan<long> shape, int ndim, int dtype, int devType, int devIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_randn(ReadOnlySpan<long> shape, int ndim, int dtype, int devType, int devIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_randint(long low, long high, ReadOnlySpan<long> shape, int ndim, int dtype, int devType, int devIndex);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_randperm(long n, int dtype, int devType, int devIndex);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_like(TensorHandle t, int kind, int dtype);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_full_like(TensorHandle t, NativeScalar value, int dtype);

    // ----- autograd -----
    [LibraryImport(Lib)] internal static partial int srn_requires_grad(TensorHandle t, out int value);
    [LibraryImport(Lib)] internal static partial int srn_set_requires_grad(TensorHandle t, int value);
    [LibraryImport(Lib)] internal static partial int srn_is_leaf(TensorHandle t, out int value);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_grad(TensorHandle t, out int hasGrad);
    [LibraryImport(Lib)] internal static partial int srn_set_grad(TensorHandle t, TensorHandle grad);
    [LibraryImport(Lib)] internal static partial int srn_backward(TensorHandle t, TensorHandle gradient, int retainGraph, int createGraph);
    [LibraryImport(Lib)] internal static partial int srn_retain_grad(TensorHandle t);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_detach(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int srn_detach_(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int srn_grad_enabled(out int value);
    [LibraryImport(Lib)] internal static partial GuardHandle srn_guard_new(int kind);
    [LibraryImport(Lib)] internal static partial void srn_guard_free(IntPtr g);
    [LibraryImport(Lib)] internal static partial int srn_is_inference_mode(out int value);

    /// <summary>Copies a string the shim allocated and frees the original.</summary>
    public static string TakeString(IntPtr text)
    {
        if (text == IntPtr.Zero)
        {
            return string.Empty;
        }

        try
        {
            return Marshal.PtrToStringUTF8(text) ?? string.Empty;
        }
        finally
        {
            srn_free_string(text);
        }
    }
}
