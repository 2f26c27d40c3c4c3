using MathNet.Numerics.Distributions;

namespace Srn.Experiments.Results;

/// <summary>Mean, sample standard deviation and 95% confidence half-width of a metric over seeds.</summary>
/// <param name="Mean">Arithmetic mean; NaN for no value.</param>
/// <param name="Std">Sample standard deviation (n - 1 in the denominator); NaN for fewer than 2 values.</param>
/// <param name="Ci95">Half-width of the 95% confidence interval of the mean, t(0.975, n - 1) * std / sqrt(n); NaN for fewer than 2 values.</param>
internal readonly record struct SeedStats(double Mean, double Std, double Ci95);

/// <summary>The statistics of <c>summary.csv</c> over seeds: described values and the paired t-test.</summary>
internal static class SeedStatistics
{
    /// <summary>Mean, sample std and the Student-t 95% half-width of <paramref name="values"/>.</summary>
    /// <param name="values">One value per seed.</param>
    /// <returns>The statistics.</returns>
    /// <remarks>
    /// Same as <c>np.mean(x)</c>, <c>np.std(x, ddof=1)</c> and <c>scipy.stats.t.ppf(0.975, n - 1) * std / sqrt(n)</c>.
    /// </remarks>
    public static SeedStats Describe(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var n = values.Count;
        if (n == 0)
        {
            return new(double.NaN, double.NaN, double.NaN);
        }

        var mean = values.Average();
        if (n == 1)
        {
            return new(mean, double.NaN, double.NaN);
        }

        var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        return new(mean, std, StudentT.InvCDF(0, 1, n - 1, 0.975) * std / Math.Sqrt(n));
    }

    /// <summary>
    /// Two-sided p-value of the paired t-test of <paramref name="a"/> against <paramref name="b"/> (pairs by index): with
    /// d = a - b, t = mean(d) / (std(d) / sqrt(n)) on n - 1 degrees of freedom, p = 2 P(T &lt;= -|t|).
    /// </summary>
    /// <param name="a">One value per seed.</param>
    /// <param name="b">The matched values, same seeds in the same order.</param>
    /// <returns>
    /// The p-value; NaN for fewer than 2 pairs, or when every difference is 0. When all differences are equal but not 0,
    /// std(d) = 0 and t is infinite: p = 0, as scipy reports.
    /// </returns>
    /// <exception cref="ArgumentException">When the lists differ in length.</exception>
    /// <remarks>Same as <c>scipy.stats.ttest_rel(a, b).pvalue</c>.</remarks>
    public static double PairedTTestPValue(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"paired samples differ in length: {a.Count} and {b.Count}", nameof(b));
        }

        var n = a.Count;
        if (n < 2)
        {
            return double.NaN;
        }

        var d = a.Zip(b, (x, y) => x - y).ToArray();
        var mean = d.Average();
        var std = Math.Sqrt(d.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        var t = mean / (std / Math.Sqrt(n));
        if (double.IsNaN(t))
        {
            return double.NaN;
        }

        return double.IsInfinity(t) ? 0 : 2 * StudentT.CDF(0, 1, n - 1, -Math.Abs(t));
    }
}
