using Srn.Torch.Interop;

namespace Srn.Torch;

public sealed partial class Tensor
{
    /// <summary>The number of dimensions. Same as <c>Tensor.dim()</c>.</summary>
    public long Dim
    {
        get
        {
            NativeMethods.Check(NativeMethods.srn_tensor_dim(Handle, out var d));
            return d;
        }
    }

    /// <summary>The size of each dimension. Same as <c>Tensor.shape</c>.</summary>
    public long[] Shape => ReadDims(static (h, buffer) => NativeMethods.srn_tensor_shape(h, buffer, buffer.Length));

    /// <summary>The element stride of each dimension. Same as <c>Tensor.stride()</c>.</summary>
    public long[] Strides => ReadDims(static (h, buffer) => NativeMethods.srn_tensor_strides(h, buffer, buffer.Length));

    /// <summary>The number of elements. Same as <c>Tensor.numel()</c>.</summary>
    public long NumEl
    {
        get
        {
            NativeMethods.Check(NativeMethods.srn_tensor_numel(Handle, out var n));
            return n;
        }
    }

    /// <summary>The element type. Same as <c>Tensor.dtype</c>.</summary>
    public ScalarType DType
    {
        get
        {
            NativeMethods.Check(NativeMethods.srn_tensor_dtype(Handle, out var t));
            return (ScalarType)t;
        }
    }

    /// <summary>The device holding the data. Same as <c>Tensor.device</c>.</summary>
    public Device Device
    {
        get
        {
            NativeMethods.Check(NativeMethods.srn_tensor_device(Handle, out var type, out var index));
            return new Device((DeviceType)type, index);
        }
    }

    /// <summary>Whether the elements are laid out densely in row-major order. Same as <c>Tensor.is_contiguous()</c>.</summary>
    public bool IsContiguous
    {
        get
        {
            NativeMethods.Check(NativeMethods.srn_tensor_is_contiguous(Handle, out var c));
            return c != 0;
        }
    }

    /// <summary>The size of one dimension (negative counts from the end). Same as <c>Tensor.size(dim)</c>.</summary>
    /// <param name="dim">The dimension.</param>
    /// <returns>Its size.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When the dimension does not exist.</exception>
    public long Size(long dim)
    {
        var shape = Shape;
        var d = dim < 0 ? dim + shape.Length : dim;
        if (d < 0 || d >= shape.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"dimension out of range for a tensor of shape [{string.Join(", ", shape)}]");
        }

        return shape[d];
    }

    /// <summary>Converts to another element type (a no-op returning an alias when it already has it). Same as <c>Tensor.to(dtype)</c>.</summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="copy">Always copy, even when nothing changes.</param>
    /// <returns>The converted tensor.</returns>
    public Tensor To(ScalarType dtype, bool copy = false) =>
        Wrap(NativeMethods.srn_tensor_to(Handle, (int)dtype, -1, -1, 0, copy ? 1 : 0));

    /// <summary>Moves to a device. Same as <c>Tensor.to(device)</c>.</summary>
    /// <param name="device">The device.</param>
    /// <param name="nonBlocking">Asynchronous copy where the backend allows it.</param>
    /// <param name="copy">Always copy, even when nothing changes.</param>
    /// <returns>The tensor on that device.</returns>
    /// <exception cref="TorchException">When the device is not available (e.g. CUDA on a CPU-only libtorch).</exception>
    public Tensor To(Device device, bool nonBlocking = false, bool copy = false) =>
        Wrap(NativeMethods.srn_tensor_to(Handle, -1, (int)device.Type, device.Index, nonBlocking ? 1 : 0, copy ? 1 : 0));

    /// <summary>Moves to a device and converts the element type at once. Same as <c>Tensor.to(device, dtype)</c>.</summary>
    /// <param name="device">The device.</param>
    /// <param name="dtype">The element type.</param>
    /// <returns>The converted tensor.</returns>
    public Tensor To(Device device, ScalarType dtype) =>
        Wrap(NativeMethods.srn_tensor_to(Handle, (int)dtype, (int)device.Type, device.Index, 0, 0));

    /// <summary>A copy on the CPU. Same as <c>Tensor.cpu()</c>.</summary>
    /// <returns>The tensor on the CPU.</returns>
    public Tensor Cpu() => To(Device.Cpu);

    /// <summary>A copy with its own storage. Same as <c>Tensor.clone()</c> (differentiable).</summary>
    /// <returns>The copy.</returns>
    public Tensor Clone() => Wrap(NativeMethods.srn_tensor_clone(Handle));

    /// <summary>A second managed handle on the same native tensor (shares data and autograd history).</summary>
    /// <returns>The alias; disposing it leaves this tensor alive.</returns>
    public Tensor Alias() => Wrap(NativeMethods.srn_tensor_alias(Handle));

    private delegate int DimsReader(TensorHandle handle, Span<long> buffer);

    /// <summary>Reads one value per dimension (libtorch allows at most 64 dimensions).</summary>
    private long[] ReadDims(DimsReader read)
    {
        Span<long> buffer = stackalloc long[64];
        var h = Handle;
        NativeMethods.Check(read(h, buffer));
        NativeMethods.Check(NativeMethods.srn_tensor_dim(h, out var d));
        return buffer[..(int)d].ToArray();
    }
}
