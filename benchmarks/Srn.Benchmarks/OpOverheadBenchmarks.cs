using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using Srn.Torch;

namespace Srn.Benchmarks;

/// <summary>
/// Per-op cost through Srn.Torch: the managed call, the P/Invoke, libtorch's dispatcher and the kernel.
/// benchmarks/torch_ops.py measures the same ops in PyTorch's Python API in the same run.
/// </summary>
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 5, iterationCount: 15)]
[MemoryDiagnoser]
public class OpOverheadBenchmarks
{
    private Tensor a16 = null!;
    private Tensor b16 = null!;
    private Tensor m512a = null!;
    private Tensor m512b = null!;
    private Tensor convInput = null!;
    private Tensor convWeight = null!;
    private Tensor convBias = null!;

    [GlobalSetup]
    public void Setup()
    {
        var threads = Environment.GetEnvironmentVariable("SRN_BENCH_THREADS");
        if (int.TryParse(threads, out var n) && n > 0)
        {
            LibTorch.NumThreads = n;
        }

        LibTorch.ManualSeed(0);
        a16 = Tensor.Randn([16]);
        b16 = Tensor.Randn([16]);
        m512a = Tensor.Randn([512, 512]);
        m512b = Tensor.Randn([512, 512]);
        convInput = Tensor.Randn([1, 16, 32, 32]);
        convWeight = Tensor.Randn([32, 16, 3, 3]);
        convBias = Tensor.Randn([32]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in new[] { a16, b16, m512a, m512b, convInput, convWeight, convBias })
        {
            t.Dispose();
        }
    }

    /// <summary>a + b on 16 floats: almost pure overhead.</summary>
    [Benchmark]
    public void Add16()
    {
        using var c = a16 + b16;
    }

    /// <summary>A small 3x3 convolution, 16 to 32 channels on 32x32.</summary>
    [Benchmark]
    public void Conv2dSmall()
    {
        using var y = Functional.Conv2d(convInput, convWeight, convBias, padding: [1, 1]);
    }

    /// <summary>512x512 float matrix product: BLAS-bound.</summary>
    [Benchmark]
    public void MatMul512()
    {
        using var c = m512a.MatMul(m512b);
    }
}
