using System.Diagnostics;
using Srn.Torch;

namespace Srn.Experiments.Demo;

/// <summary>
/// A small, self-contained partial-label experiment that exercises the tensor API end to end: a
/// two-layer MLP on synthetic multi-label data (20 labels driven by a hidden linear model, so labels
/// co-occur), trained with BCE masked to the known labels, SGD with momentum, evaluated by test mAP.
/// </summary>
internal static class SyntheticSweep
{
    private const int Features = 32;
    private const int Hidden = 64;
    private const int Classes = 20;
    private const int TrainCount = 2048;
    private const int TestCount = 1024;

    /// <summary>One proportion's outcome.</summary>
    /// <param name="Proportion">Share of training labels known.</param>
    /// <param name="MeanAveragePrecision">Test mAP in percent.</param>
    /// <param name="FinalLoss">Masked BCE of the last step.</param>
    /// <param name="Seconds">Wall time.</param>
    public sealed record Result(double Proportion, double MeanAveragePrecision, double FinalLoss, double Seconds);

    /// <summary>Trains and evaluates at one known-label proportion.</summary>
    /// <param name="proportion">Share of training labels known (0, 1].</param>
    /// <param name="seed">Seed of data, mask and initialisation.</param>
    /// <param name="steps">Full-batch SGD steps.</param>
    /// <returns>The result.</returns>
    public static Result Run(double proportion, int seed, int steps)
    {
        var clock = Stopwatch.StartNew();
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed((ulong)seed);
        var truth = Tensor.Randn([Features, Classes]);
        var bias = Tensor.Full([Classes], -1.0);
        var (xTrain, yTrain) = Sample(truth, bias, TrainCount);
        var (xTest, yTest) = Sample(truth, bias, TestCount);

        // The same seed masks the same entries; a larger proportion keeps a superset (nested masks).
        LibTorch.ManualSeed((ulong)seed + 1);
        var known = (Tensor.Rand([TrainCount, Classes]) < proportion).To(ScalarType.Float32);

        LibTorch.ManualSeed((ulong)seed + 2);
        var parameters = new[]
        {
            (Tensor.Randn([Features, Hidden]) * Math.Sqrt(2.0 / Features)).RequiresGrad_(),
            Tensor.Zeros([Hidden], requiresGrad: true),
            (Tensor.Randn([Hidden, Classes]) * Math.Sqrt(1.0 / Hidden)).RequiresGrad_(),
            Tensor.Zeros([Classes], requiresGrad: true),
        };
        var velocity = parameters.Select(p => p.ZerosLike()).ToArray();
        double lastLoss = double.NaN;
        for (var step = 0; step < steps; step++)
        {
            using var stepScope = DisposeScope.Enter();
            var logits = Forward(parameters, xTrain);

            // BCE with logits = softplus(z) - y·z, averaged over the known entries only.
            var elementwise = logits.Softplus() - (yTrain * logits);
            var loss = (elementwise * known).Sum() / Math.Max(1.0, known.Sum().Item<float>());
            loss.Backward();
            using (Autograd.NoGrad())
            {
                for (var i = 0; i < parameters.Length; i++)
                {
                    var g = parameters[i].Grad!;
                    velocity[i].Mul_(0.9).Add_(g);
                    parameters[i].Sub_(velocity[i], alpha: 0.5);
                    g.Zero_();
                }
            }

            lastLoss = loss.Item<float>();
        }

        double map;
        using (Autograd.NoGrad())
        {
            var scores = Forward(parameters, xTest).ToArray<float>();
            map = MeanAveragePrecision(scores, yTest.ToArray<float>(), TestCount, Classes) * 100;
        }

        return new Result(proportion, map, lastLoss, clock.Elapsed.TotalSeconds);
    }

    private static Tensor Forward(Tensor[] p, Tensor x) => x.MatMul(p[0]).Add(p[1]).Relu().MatMul(p[2]).Add(p[3]);

    private static (Tensor X, Tensor Y) Sample(Tensor truth, Tensor bias, int count)
    {
        var x = Tensor.Randn([count, Features]);
        var noise = Tensor.Randn([count, Classes]) * 0.5;
        var y = ((x.MatMul(truth) / Math.Sqrt(Features) * 3.0) + bias + noise > 0.0).To(ScalarType.Float32);
        return (x, y);
    }

    /// <summary>Mean over classes with at least one positive of the non-interpolated average precision.</summary>
    private static double MeanAveragePrecision(float[] scores, float[] targets, int n, int classes)
    {
        double total = 0;
        var counted = 0;
        var order = new int[n];
        for (var c = 0; c < classes; c++)
        {
            for (var i = 0; i < n; i++)
            {
                order[i] = i;
            }

            Array.Sort(order, (a, b) => scores[(b * classes) + c].CompareTo(scores[(a * classes) + c]));
            double hits = 0, sum = 0;
            for (var rank = 0; rank < n; rank++)
            {
                if (targets[(order[rank] * classes) + c] > 0)
                {
                    hits++;
                    sum += hits / (rank + 1);
                }
            }

            if (hits > 0)
            {
                total += sum / hits;
                counted++;
            }
        }

        return counted == 0 ? 0 : total / counted;
    }
}
