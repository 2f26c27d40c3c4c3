using Srn.Torch;

namespace Srn.Experiments.Runs;

/// <summary>Parses <c>--device</c> and checks, before any work, that the device exists in this libtorch build.</summary>
internal static class DeviceOption
{
    public static Device Parse(string text)
    {
        if (text == "cpu")
        {
            return Device.Cpu;
        }

        if (text == "cuda" || text.StartsWith("cuda:", StringComparison.Ordinal))
        {
            var index = text == "cuda" ? 0 : int.TryParse(text[5..], out var i) && i >= 0 ? i : throw new ArgumentException($"--device '{text}': expected cuda:N with N a device index.");
            var count = Srn.Torch.Device.CudaDeviceCount;
            if (count == 0)
            {
                throw new ArgumentException(
                    $"--device {text}: this libtorch ({LibTorch.Version}) has no CUDA device (a CPU-only build, or no GPU). Build the shim against a CUDA libtorch: see README, 'GPU'.");
            }

            if (index >= count)
            {
                throw new ArgumentException($"--device {text}: only {count} CUDA device(s) are visible.");
            }

            return Srn.Torch.Device.Cuda(index);
        }

        throw new ArgumentException($"--device '{text}': use cpu, cuda or cuda:N.");
    }
}
