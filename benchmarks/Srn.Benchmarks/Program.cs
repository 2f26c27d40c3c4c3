using BenchmarkDotNet.Running;

namespace Srn.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release -- --filter '*'</c>; benchmarks/run.sh runs it next to PyTorch.</summary>
internal static class Program
{
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
