namespace Srn.Torch;

/// <summary>
/// How a tensor's elements are laid out in memory. Same as <c>torch.memory_format</c>; the values are c10's codes.
/// </summary>
/// <remarks>
/// Channels-last (NHWC) lets oneDNN and cuDNN run convolutions without layout conversions, which matters most under
/// autocast: PyTorch's bf16 ResNet training on AVX512-BF16 CPUs is ~25% faster channels-last than contiguous.
/// </remarks>
public enum MemoryFormat
{
    /// <summary>Row-major (NCHW for images): <c>torch.contiguous_format</c>.</summary>
    Contiguous = 0,

    /// <summary>Keep the input's layout: <c>torch.preserve_format</c>.</summary>
    Preserve = 1,

    /// <summary>NHWC strides for 4-D tensors: <c>torch.channels_last</c>.</summary>
    ChannelsLast = 2,

    /// <summary>NDHWC strides for 5-D tensors: <c>torch.channels_last_3d</c>.</summary>
    ChannelsLast3d = 3,
}
