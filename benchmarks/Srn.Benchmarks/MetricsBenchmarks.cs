using System.Globalization;
using BenchmarkDotNet.Attributes;
using Srn.Metrics;

namespace Srn.Benchmarks;

/// <summary>
/// Multi-label metrics of 40,000 x 80 scores (the size of COCO val2014 and its 80 classes). benchmarks/sklearn_metrics.py
/// times scikit-learn's <c>average_precision_score</c> per class on the same data in the same run.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
[MemoryDiagnoser]
public class MetricsBenchmarks
{
    /// <summary>Rows (images).</summary>
    public const int Rows = 40_000;

    /// <summary>Columns (classes).</summary>
    public const int Classes = 80;

    private double[] scores = null!;
    private double[] targets = null!;
    private double[][] columnScores = null!;
    private double[][] columnTargets = null!;

    [GlobalSetup]
    public void Setup()
    {
        (scores, targets) = Generate(Rows, Classes);
        columnScores = new double[Classes][];
        columnTargets = new double[Classes][];
        for (var c = 0; c < Classes; c++)
        {
            columnScores[c] = new double[Rows];
            columnTargets[c] = new double[Rows];
            for (var r = 0; r < Rows; r++)
            {
                columnScores[c][r] = scores[(r * Classes) + c];
                columnTargets[c][r] = targets[(r * Classes) + c];
            }
        }

        // Lets run.sh check that both sides measured the same data: the noninterp mAP must equal scikit-learn's.
        var outDir = Environment.GetEnvironmentVariable("SRN_METRICS_BENCH_OUT");
        if (!string.IsNullOrEmpty(outDir))
        {
            var m = MultiLabelMetrics.Compute(scores, targets, Classes);
            File.WriteAllText(Path.Combine(outDir, "metrics-srn-map.txt"), m.MapNonInterpolated.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Everything <c>srn metrics</c> computes: mAP in three variants, per-class AP, CP/CR/CF1/OP/OR/OF1, CF1 mean, top-3.</summary>
    /// <returns>The metrics.</returns>
    [Benchmark]
    public MultiLabelMetrics AllMetrics() => MultiLabelMetrics.Compute(scores, targets, Classes);

    /// <summary>What the scikit-learn loop computes: one AP per class column (here all three variants at once).</summary>
    /// <returns>The sum of the APs.</returns>
    [Benchmark]
    public double ApPerClassColumn()
    {
        double sum = 0;
        for (var c = 0; c < Classes; c++)
        {
            sum += AveragePrecision.ComputeAll(columnScores[c], columnTargets[c])!.Value.NonInterpolated;
        }

        return sum;
    }

    /// <summary>
    /// The benchmark data, identical to sklearn_metrics.py's: for entry k = row * C + column, u_j = splitmix64(3k + j) / 2^64;
    /// positive iff u_0 &lt; 0.01 + 0.06 * column / (C - 1) (4% positives on average); score = (float)(N + (positive ? 2 : -1))
    /// with N = sqrt(-2 ln(1 - u_1)) cos(2 pi u_2), a float32 logit like a model's output. Targets are 1 or -1.
    /// </summary>
    /// <param name="rows">Rows.</param>
    /// <param name="classes">Columns.</param>
    /// <returns>Row-major scores and targets.</returns>
    public static (double[] Scores, double[] Targets) Generate(int rows, int classes)
    {
        var scores = new double[rows * classes];
        var targets = new double[rows * classes];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < classes; c++)
            {
                var k = (ulong)((r * classes) + c);
                var positive = Uniform(3 * k) < 0.01 + (0.06 * c / (classes - 1));
                var normal = Math.Sqrt(-2 * Math.Log(1 - Uniform((3 * k) + 1))) * Math.Cos(2 * Math.PI * Uniform((3 * k) + 2));
                scores[(r * classes) + c] = (float)(normal + (positive ? 2.0 : -1.0));
                targets[(r * classes) + c] = positive ? 1 : -1;
            }
        }

        return (scores, targets);
    }

    private static double Uniform(ulong x)
    {
        var z = unchecked((x + 1) * 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
