using BenchmarkDotNet.Running;

namespace Srn.Benchmarks;

/// <summary>
/// Entry point. <c>train-step MODEL BATCH SIZE STEPS WARMUP THREADS</c> runs the training-step benchmark,
/// <c>pipeline JPEG_DIR WORKERS EPOCHS</c> the image-pipeline benchmark; anything
/// else goes to BenchmarkDotNet (<c>--filter '*'</c>). benchmarks/run.sh runs both next to PyTorch.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "train-step")
        {
            return TrainStep.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "pipeline")
        {
            return Pipeline.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
