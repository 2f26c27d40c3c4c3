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
/// <remarks>
/// An optional seventh argument picks a <see cref="TrainMode"/> (default <c>fp32</c>). Under autocast the loss is computed
/// on the logits cast to float32 inside the region; backward and SGD run outside it, as in PyTorch. Each step is also timed
/// in three phases (forward and loss, backward, zero-grad and SGD) to show where the time goes.
/// </remarks>
internal static class TrainStep
{
    public static int Run(string[] args)
    {
        var mode = args.Length == 7 ? TrainMode.Parse(args[6]) : TrainMode.Parse("fp32");
        if (args.Length is not (6 or 7) || mode is null)
        {
            Console.Error.WriteLine($"usage: train-step MODEL BATCH SIZE STEPS WARMUP THREADS [{TrainMode.Names}]");
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
        if (mode.ChannelsLast)
        {
            model.To(MemoryFormat.ChannelsLast);
        }

        // Built after the layout change, as PyTorch's optimizer is: Module.To(MemoryFormat) converts the parameters in place.
        using var optimizer = new SGD(model.Parameters(), lr: 0.01, momentum: 0.9, weightDecay: 1e-4);
        using var random = Tensor.Randn([batch, 3, size, size]);
        using var x = random.Contiguous(mode.ChannelsLast ? MemoryFormat.ChannelsLast : MemoryFormat.Contiguous);
        using var y = (Tensor.Rand([batch, classes]) < 0.3).To(ScalarType.Float32);
        var (times, forward, backward, update) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
        var lossValue = 0f;
        for (var step = 0; step < warmup + steps; step++)
        {
            var clock = Stopwatch.StartNew();
            double forwardEnd, backwardEnd;
            using (var scope = DisposeScope.Enter())
            {
                optimizer.ZeroGrad();
                Tensor loss;
                using (mode.Enter())
                {
                    var logits = model.Forward(x);
                    loss = Functional.BinaryCrossEntropyWithLogits(mode.Autocast ? logits.To(ScalarType.Float32) : logits, y);
                }

                forwardEnd = clock.Elapsed.TotalSeconds;
                loss.Backward();
                backwardEnd = clock.Elapsed.TotalSeconds;
                optimizer.Step();
                lossValue = loss.Item<float>();
            }

            if (step >= warmup)
            {
                var total = clock.Elapsed.TotalSeconds;
                times.Add(total);
                forward.Add(forwardEnd);
                backward.Add(backwardEnd - forwardEnd);
                update.Add(total - backwardEnd);
            }
        }

        times.Sort();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["median_seconds"] = times[times.Count / 2],
            ["times"] = times,
            ["mode"] = mode.Name,
            ["forward_times"] = forward,
            ["backward_times"] = backward,
            ["update_times"] = update,
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
