using System.CommandLine;
using Srn.Torch;

namespace Srn.Experiments;

/// <summary><c>srn info</c>: what the native stack is (libtorch version, BLAS, threads, CUDA).</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show the libtorch build, BLAS library, thread count and CUDA availability.");
        command.SetAction(_ =>
        {
            Console.WriteLine($"libtorch      {LibTorch.Version} (native ABI {LibTorch.AbiVersion})");
            Console.WriteLine($"BLAS          {LibTorch.BlasLibrary}");
            Console.WriteLine($"threads       {LibTorch.NumThreads}");
            Console.WriteLine($"CUDA          {(Device.CudaIsAvailable ? $"yes, {Device.CudaDeviceCount} device(s)" : "no")}");
            return 0;
        });
        return command;
    }
}
