using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Srn.Models;
using Srn.Torch;
using Srn.Torch.Optim;

namespace Srn.Benchmarks;

/// <summary>
/// One training step (forward, BCE-with-logits, backward, SGD with momentum 0.9 and weight decay 1e-4) of a registry
/// model, timed over several steps after warm-up; prints JSON like benchmarks/torch_train_step.py. A plain timed loop,
/// not BenchmarkDotNet: a step takes seconds, and peak memory (VmHWM) must be that of this process alone.
/// </summary>
internal static class TrainStep
{
    public static int Run(string[] args)
    {
        if (args.Length != 6)
        {
            Console.Error.WriteLine("usage: train-step MODEL BATCH SIZE STEPS WARMUP THREADS");
            return 2;
        }

        var name = args[0];
        var (batch, size, steps, warmup, threads) = (Parse(args[1]), Parse(args[2]), Parse(args[3]), Parse(args[4]), Parse(args[5]));
        LibTorch.NumThreads = threads;
        LibTorch.ManualSeed(0);
        var before = StatusKb("VmRSS");
        const int classes = 20;
        using var model = ModelRegistry.Create(name, classes);
        model.Train();
        using var optimizer = new SGD(model.Parameters(), lr: 0.01, momentum: 0.9, weightDecay: 1e-4);
        using var x = Tensor.Randn([batch, 3, size, size]);
        using var y = (Tensor.Rand([batch, classes]) < 0.3).To(ScalarType.Float32);
        var times = new List<double>();
        var lossValue = 0f;
        for (var step = 0; step < warmup + steps; step++)
        {
            var clock = Stopwatch.StartNew();
            using (var scope = DisposeScope.Enter())
            {
                optimizer.ZeroGrad();
                var loss = Functional.BinaryCrossEntropyWithLogits(model.Forward(x), y);
                loss.Backward();
                optimizer.Step();
                lossValue = loss.Item<float>();
            }

            if (step >= warmup)
            {
                times.Add(clock.Elapsed.TotalSeconds);
            }
        }

        times.Sort();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["median_seconds"] = times[times.Count / 2],
            ["times"] = times,
            ["peak_rss_kb"] = StatusKb("VmHWM"),
            ["rss_before_model_kb"] = before,
            ["threads"] = LibTorch.NumThreads,
            ["loss"] = lossValue,
        }));
        return 0;
    }

    private static int Parse(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    private static long StatusKb(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
