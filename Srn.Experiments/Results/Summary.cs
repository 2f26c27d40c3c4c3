using System.Globalization;

namespace Srn.Experiments.Results;

/// <summary>
/// The statistics of <c>summary.csv</c>, computed from <c>results.csv</c> rows.
/// <list type="bullet">
/// <item><description>Each run counts once, by its final evaluation: the row with the highest epoch of its run id.</description></item>
/// <item><description>Per (dataset, method, proportion): mean, sample std (n - 1) and Student-t 95% half-width of mAP, CF1 and OF1
/// over the runs' seeds (<see cref="SeedStatistics.Describe"/>). Proportions are compared rounded to 6 decimals.</description></item>
/// <item><description>Per (dataset, method), the <c>avg</c> row (the partial-label papers' "average mAP"): let P be every proportion the
/// method has a run at on that dataset; for each seed with a run at every proportion of P, its average is the mean over P of
/// its runs' metric; the row describes these per-seed averages (seeds missing a proportion are left out). When every seed is
/// complete its mean equals the mean over P of the per-proportion means.</description></item>
/// <item><description>With a baseline named, every row of another method on a dataset where the baseline ran gets
/// <c>map_diff</c> = its <c>map_mean</c> minus the baseline's at the same proportion (or <c>avg</c>), each over its own seeds,
/// and <c>p_value</c>, the paired t-test of mAP over the seeds both have (for <c>avg</c>, the per-seed averages);
/// the baseline's own rows leave both empty.</description></item>
/// </list>
/// Rows are ordered by dataset, then the baseline first and the other methods by name (ordinal), then proportion with <c>avg</c> last.
/// </summary>
internal static class Summary
{
    /// <summary>The proportion label of the per-method average row.</summary>
    public const string AverageLabel = "avg";

    /// <summary>Computes the summary.</summary>
    /// <param name="rows">Rows of <c>results.csv</c> (any order, any epochs).</param>
    /// <param name="baseline">The baseline method, or null for no comparison columns.</param>
    /// <returns>The rows in file order.</returns>
    /// <exception cref="InvalidDataException">When two runs share dataset, method, proportion and seed: they cannot both be one seed's value.</exception>
    public static IReadOnlyList<SummaryRow> Compute(IEnumerable<ResultRow> rows, string? baseline = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var finals = rows.GroupBy(r => r.RunId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(r => r.Epoch)!)
            .ToArray();

        // cells[(dataset, method)][proportion][seed] = the run's final row.
        var cells = new Dictionary<(string Dataset, string Method), SortedDictionary<double, SortedDictionary<int, ResultRow>>>();
        foreach (var r in finals)
        {
            var byProportion = cells.TryGetValue((r.Dataset, r.Method), out var found) ? found : cells[(r.Dataset, r.Method)] = [];
            var p = Math.Round(r.Proportion, 6);
            var bySeed = byProportion.TryGetValue(p, out var s) ? s : byProportion[p] = [];
            if (bySeed.TryGetValue(r.Seed, out var taken))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"runs '{taken.RunId}' and '{r.RunId}' are both {r.Method} on {r.Dataset} at proportion {CsvCells.Fixed6(p)} with seed {r.Seed}; "
                    + $"one seed can have one run: keep runs of different backbones or settings in separate output directories"));
            }

            bySeed[r.Seed] = r;
        }

        var summary = new List<SummaryRow>();
        foreach (var ((dataset, method), byProportion) in cells
            .OrderBy(kv => kv.Key.Dataset, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Method == baseline ? 0 : 1)
            .ThenBy(kv => kv.Key.Method, StringComparer.Ordinal))
        {
            var compare = baseline is not null && method != baseline && cells.ContainsKey((dataset, baseline));
            var baseCells = compare ? cells[(dataset, baseline!)] : null;
            foreach (var (p, bySeed) in byProportion)
            {
                var own = bySeed.ToDictionary(kv => kv.Key, kv => kv.Value.Map);
                var other = baseCells is not null && baseCells.TryGetValue(p, out var b) ? b.ToDictionary(kv => kv.Key, kv => kv.Value.Map) : null;
                summary.Add(Row(dataset, method, p, bySeed.Values.ToArray(), baseline, own, other));
            }

            var (averageRows, averages) = SeedAverages(byProportion);
            var baseAverages = baseCells is not null ? SeedAverages(baseCells).Averages.ToDictionary(kv => kv.Key, kv => kv.Value.Map) : null;
            summary.Add(Row(dataset, method, null, averageRows, baseline, averages.ToDictionary(kv => kv.Key, kv => kv.Value.Map), baseAverages));
        }

        return summary;
    }

    /// <summary>Each complete seed's mean over the proportions of mAP, CF1 and OF1.</summary>
    private static (ResultRow[] Rows, SortedDictionary<int, ResultRow> Averages) SeedAverages(SortedDictionary<double, SortedDictionary<int, ResultRow>> byProportion)
    {
        var complete = byProportion.Values.Select(s => s.Keys).Aggregate((IEnumerable<int> a, IEnumerable<int> b) => a.Intersect(b)).Order().ToArray();
        var averages = new SortedDictionary<int, ResultRow>();
        foreach (var seed in complete)
        {
            var runs = byProportion.Values.Select(s => s[seed]).ToArray();
            averages[seed] = runs[0] with
            {
                RunId = AverageLabel, Proportion = double.NaN,
                Map = runs.Average(r => r.Map), CF1 = runs.Average(r => r.CF1), OF1 = runs.Average(r => r.OF1),
            };
        }

        return ([.. averages.Values], averages);
    }

    private static SummaryRow Row(string dataset, string method, double? proportion, IReadOnlyList<ResultRow> runs, string? baseline,
        Dictionary<int, double> ownMap, Dictionary<int, double>? baseMap)
    {
        var seeds = runs.Select(r => r.Seed).Order().ToArray();
        var map = SeedStatistics.Describe(runs.Select(r => r.Map).ToArray());
        var row = new SummaryRow(dataset, method, proportion, seeds, map,
            SeedStatistics.Describe(runs.Select(r => r.CF1).ToArray()), SeedStatistics.Describe(runs.Select(r => r.OF1).ToArray()),
            baseline, 0, double.NaN, double.NaN);
        if (baseMap is null)
        {
            return row;
        }

        var paired = ownMap.Keys.Where(baseMap.ContainsKey).Order().ToArray();
        var baseMean = baseMap.Count > 0 ? baseMap.Values.Average() : double.NaN;
        return row with
        {
            Pairs = paired.Length,
            MapDiff = map.Mean - baseMean,
            PValue = SeedStatistics.PairedTTestPValue(paired.Select(s => ownMap[s]).ToArray(), paired.Select(s => baseMap[s]).ToArray()),
        };
    }
}
