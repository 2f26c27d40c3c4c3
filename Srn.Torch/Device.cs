using System.Globalization;
using Srn.Torch.Interop;

namespace Srn.Torch;

/// <summary>Kinds of device a tensor can live on.</summary>
public enum DeviceType
{
    /// <summary>Host memory.</summary>
    Cpu = 0,

    /// <summary>An NVIDIA GPU (needs a CUDA build of libtorch).</summary>
    Cuda = 1,
}

/// <summary>A device: the CPU, or a CUDA GPU with an index. Same meaning as <c>torch.device</c>.</summary>
/// <param name="Type">The kind of device.</param>
/// <param name="Index">The CUDA ordinal; -1 means the current device (and is the only value for the CPU).</param>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    /// <summary>The CPU.</summary>
    public static Device Cpu { get; } = new(DeviceType.Cpu);

    /// <summary>Whether libtorch was built with CUDA and sees at least one GPU.</summary>
    public static bool CudaIsAvailable => NativeMethods.srn_cuda_is_available() != 0;

    /// <summary>The number of CUDA GPUs libtorch sees (0 on CPU-only builds).</summary>
    public static int CudaDeviceCount => NativeMethods.srn_cuda_device_count();

    /// <summary>The CUDA GPU with the given ordinal.</summary>
    /// <param name="index">The GPU ordinal.</param>
    /// <returns>The device.</returns>
    public static Device Cuda(int index = 0) => new(DeviceType.Cuda, index);

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (as <c>torch.device</c> does).</summary>
    /// <param name="text">The device string.</param>
    /// <returns>The device.</returns>
    /// <exception cref="FormatException">When the text is not one of those forms.</exception>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu")
        {
            return Cpu;
        }

        if (t == "cuda" || t == "gpu")
        {
            return Cuda(0);
        }

        if (t.StartsWith("cuda:", StringComparison.Ordinal) &&
            int.TryParse(t.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return Cuda(index);
        }

        throw new FormatException($"'{text}' is not a device: use cpu, cuda or cuda:N.");
    }

    /// <inheritdoc/>
    public override string ToString() => Type switch
    {
        DeviceType.Cpu => "cpu",
        _ => Index < 0 ? "cuda" : string.Create(CultureInfo.InvariantCulture, $"cuda:{Index}"),
    };
}
