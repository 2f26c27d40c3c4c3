using Srn.Torch.Interop;

namespace Srn.Torch;

/// <content>Memory formats: channels-last conversion and checks.</content>
public sealed partial class Tensor
{
    /// <summary>A tensor with the same values laid out in <paramref name="format"/> (this tensor itself when it already is).</summary>
    /// <param name="format">The layout; <see cref="MemoryFormat.ChannelsLast"/> needs 4 dimensions, <see cref="MemoryFormat.ChannelsLast3d"/> 5.</param>
    /// <returns>The tensor in that layout (differentiable).</returns>
    /// <exception cref="TorchException">For a channels-last format on a tensor of another rank.</exception>
    /// <remarks>Same as <c>Tensor.contiguous(memory_format=...)</c>, and as <c>Tensor.to(memory_format=...)</c>.</remarks>
    public Tensor Contiguous(MemoryFormat format) => Wrap(NativeMethods.srn_contiguous_format(Handle, (int)format));

    /// <summary>Same as <see cref="Contiguous(MemoryFormat)"/>: <c>x.to(memory_format=torch.channels_last)</c>.</summary>
    /// <param name="format">The layout.</param>
    /// <returns>The tensor in that layout.</returns>
    /// <exception cref="TorchException">For a channels-last format on a tensor of another rank.</exception>
    public Tensor To(MemoryFormat format) => Contiguous(format);

    /// <summary>Whether the tensor is laid out densely in <paramref name="format"/>. Same as <c>Tensor.is_contiguous(memory_format=...)</c>.</summary>
    /// <param name="format">The layout (<see cref="MemoryFormat.Preserve"/> is not a layout).</param>
    /// <returns>Whether it is.</returns>
    /// <remarks>Named <c>IsContiguousIn</c> because <see cref="IsContiguous"/> is the row-major property.</remarks>
    /// <exception cref="TorchException">For <see cref="MemoryFormat.Preserve"/>.</exception>
    public bool IsContiguousIn(MemoryFormat format)
    {
        NativeMethods.Check(NativeMethods.srn_tensor_is_contiguous_format(Handle, (int)format, out var c));
        return c != 0;
    }

    /// <summary>The layout the strides suggest (channels-last for an NHWC-strided 4-D tensor). Same as <c>Tensor.suggest_memory_format()</c>.</summary>
    public MemoryFormat SuggestedMemoryFormat
    {
        get
        {
            NativeMethods.Check(NativeMethods.srn_tensor_suggest_memory_format(Handle, out var f));
            return (MemoryFormat)f;
        }
    }
}
