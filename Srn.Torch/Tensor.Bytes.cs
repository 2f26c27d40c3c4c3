using Srn.Torch.Interop;

namespace Srn.Torch;

public sealed partial class Tensor
{
    /// <summary>A CPU tensor from raw little-endian bytes of the given element type (for file readers).</summary>
    /// <param name="bytes">Exactly numel x element size bytes, row-major.</param>
    /// <param name="shape">The size of each dimension.</param>
    /// <param name="dtype">The element type the bytes encode.</param>
    /// <returns>The new tensor.</returns>
    /// <exception cref="TorchException">When the byte count does not match the shape.</exception>
    public static unsafe Tensor FromBytes(ReadOnlySpan<byte> bytes, ReadOnlySpan<long> shape, ScalarType dtype)
    {
        fixed (byte* p = bytes)
        {
            return Wrap(NativeMethods.srn_tensor_from_data(p, bytes.Length, shape, shape.Length, (int)dtype));
        }
    }

    /// <summary>The raw little-endian bytes of the values, row-major, copied to the host (for file writers).</summary>
    /// <returns>numel x element size bytes.</returns>
    public unsafe byte[] ToBytes()
    {
        var n = checked(NumEl * DType.ElementSize());
        var result = new byte[n];
        fixed (byte* p = result)
        {
            NativeMethods.Check(NativeMethods.srn_tensor_copy_to(Handle, p, n));
        }

        return result;
    }
}
