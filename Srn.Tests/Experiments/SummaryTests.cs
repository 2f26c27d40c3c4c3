using System.Globalization;
using Srn.Experiments.Results;
using Srn.Torch.IO;

namespace Srn.Tests.Experiments;

/// <summary>
/// summary.csv against numpy/scipy (Fixtures/Experiments/make_summary_fixtures.py): mean, sample std, Student-t CI95,
/// the avg row over complete seeds, and the paired t-test against the baseline; plus the file's layout and edge cases.
/// </summary>
[TestFixture]
public sealed class SummaryTests
{
    private static readonly string FixturePath =
        Path.Combine(Path.GetDirectoryName(typeof(SummaryTests).Assembly.Location)!, "Fixtures", "Experiments", "summary.safetensors");

    private static (List<ResultRow> Rows, string[] Methods, double[] Proportions, Dictionary<string, double[,]> Expected, string Baseline) LoadFixture()
    {
        var (tensors, meta) = SafeTensors.Read(FixturePath);
        try
        {
            var methods = meta["methods"].Split(',');
            var proportions = meta["proportions"].Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var seeds = meta["seeds"].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var (m, p, s) = (methods.Length, proportions.Length, seeds.Length);
            var map = tensors["in/map"].ToDoubleArray();
            var cf1 = tensors["in/cf1"].ToDoubleArray();
            var of1 = tensors["in/of1"].ToDoubleArray();
            var rows = new List<ResultRow>();
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < p; j++)
                {
                    for (var k = 0; k < s; k++)
                    {
                        var at = (((i * p) + j) * s) + k;
                        if (double.IsNaN(map[at]))
                        {
                            continue;
                        }

                        // The final epoch (2) counts; epoch 1 carries other values that must be ignored.
                        rows.Add(ResultRows.Make(methods[i], proportions[j], seeds[k], map[at] - 25, epoch: 1, cf1: 0, of1: 0));
                        rows.Add(ResultRows.Make(methods[i], proportions[j], seeds[k], map[at], epoch: 2, cf1: cf1[at], of1: of1[at]));
                    }
                }
            }

            var expected = tensors.Where(kv => kv.Key.StartsWith("out/", StringComparison.Ordinal)).ToDictionary(kv => kv.Key[4..], kv =>
            {
                var flat = kv.Value.ToDoubleArray();
                var grid = new double[m, p + 1];
                Buffer.BlockCopy(flat, 0, grid, 0, flat.Length * sizeof(double));
                return grid;
            });
            return (rows, methods, proportions, expected, meta["baseline"]);
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    private static void Close(double actual, double expected, string what)
    {
        if (double.IsNaN(expected))
        {
            Assert.That(actual, Is.NaN, what);
        }
        else
        {
            Assert.That(actual, Is.EqualTo(expected).Within(1e-9).Or.EqualTo(expected).Within(1e-9).Percent, what);
        }
    }

    [Test]
    public void Statistics_match_scipy_through_a_results_file()
    {
        var (rows, methods, proportions, expected, baseline) = LoadFixture();
        // Through the file, as the sweep and merge do: the fixture's 4 decimals survive the 6-decimal format exactly.
        var dir = Directory.CreateTempSubdirectory("srn-summary-").FullName;
        try
        {
            var store = new ResultsStore(dir);
            foreach (var run in rows.GroupBy(r => r.RunId))
            {
                store.AddRun(run.ToArray(), []);
            }

            var summary = Summary.Compute(store.ReadResults().Reverse(), baseline);
            Assert.That(summary, Has.Count.EqualTo(methods.Length * (proportions.Length + 1)));
            Assert.That(summary.Select(r => r.Method).Distinct(), Is.EqualTo(new[] { baseline }.Concat(methods.Where(x => x != baseline).Order(StringComparer.Ordinal))));
            foreach (var row in summary)
            {
                var i = Array.IndexOf(methods, row.Method);
                var j = row.Proportion is { } p ? Array.IndexOf(proportions, p) : proportions.Length;
                var what = $"{row.Method} at {row.ProportionLabel}";
                Assert.That(j, Is.GreaterThanOrEqualTo(0), what);
                Assert.That(row.SeedCount, Is.EqualTo((int)expected["n_seeds"][i, j]), what + ": n_seeds");
                foreach (var (name, stats) in new[] { ("map", row.Map), ("cf1", row.CF1), ("of1", row.OF1) })
                {
                    Close(stats.Mean, expected[name + "_mean"][i, j], $"{what}: {name}_mean");
                    Close(stats.Std, expected[name + "_std"][i, j], $"{what}: {name}_std");
                    Close(stats.Ci95, expected[name + "_ci95"][i, j], $"{what}: {name}_ci95");
                }

                Close(row.MapDiff, expected["map_diff"][i, j], what + ": map_diff");
                Close(row.PValue, expected["p_value"][i, j], what + ": p_value");
                if (row.Method != baseline)
                {
                    Assert.That(row.Pairs, Is.EqualTo((int)expected["n_pairs"][i, j]), what + ": n_pairs");
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void The_fixture_covers_the_edge_cases_it_claims()
    {
        var (_, methods, _, expected, _) = LoadFixture();
        var single = Array.IndexOf(methods, "single");
        Assert.That(expected["n_seeds"][single, 0], Is.EqualTo(1));
        Assert.That(expected["map_std"][single, 0], Is.NaN);
        Assert.That(expected["n_pairs"][Array.IndexOf(methods, "dsrb"), 0], Is.EqualTo(3));
        Assert.That(expected["n_seeds"][Array.IndexOf(methods, "ssgrl"), 5], Is.EqualTo(3));
    }

    [Test]
    public void The_file_has_the_specified_columns_an_avg_row_and_empty_cells_for_undefined_statistics()
    {
        ResultRow[] rows =
        [
            ResultRows.Make("partial-bce", 0.1, 0, 40), ResultRows.Make("partial-bce", 0.1, 1, 42),
            ResultRows.Make("partial-bce", 0.5, 0, 50), ResultRows.Make("partial-bce", 0.5, 1, 54),
            ResultRows.Make("dsrb", 0.1, 0, 43), ResultRows.Make("dsrb", 0.1, 1, 44),
            ResultRows.Make("dsrb", 0.5, 0, 52),
        ];
        var lines = SummaryCsv.Format(Summary.Compute(rows, "partial-bce")).Split('\n');
        Assert.That(lines[0], Is.EqualTo("dataset,method,row_kind,proportion,n_seeds,map_mean,map_std,map_ci95,cf1_mean,cf1_std,cf1_ci95,of1_mean,of1_std,of1_ci95,baseline,n_pairs,map_diff,p_value"));
        Assert.That(lines[1], Does.StartWith("fashion-scenes,partial-bce,proportion,0.1,2,41,1.414214,12.706205,50,0,0,60,0,0,partial-bce,,,"));
        Assert.That(lines[3], Does.StartWith("fashion-scenes,partial-bce,average,,2,46.5,"));
        // dsrb at 0.5 has one seed: std and ci95 empty; one pair, so no p-value; diff to the baseline's mean over both its seeds.
        Assert.That(lines[5], Is.EqualTo("fashion-scenes,dsrb,proportion,0.5,1,52,,,50,,,60,,,partial-bce,1,0,"));
        // dsrb's avg runs over seed 0 only (seed 1 lacks 0.5): (43 + 52) / 2 = 47.5 against the baseline avg 46.5.
        Assert.That(lines[6], Is.EqualTo("fashion-scenes,dsrb,average,,1,47.5,,,50,,,60,,,partial-bce,1,1,"));
        Assert.That(lines[7], Is.Empty);
        Assert.That(lines, Has.Length.EqualTo(8));
    }

    [Test]
    public void Without_a_baseline_the_comparison_cells_are_empty()
    {
        var line = SummaryCsv.Format(Summary.Compute([ResultRows.Make("dsrb", 0.1, 0, 43)])).Split('\n')[1];
        Assert.That(line, Is.EqualTo("fashion-scenes,dsrb,proportion,0.1,1,43,,,50,,,60,,,,,,"));
    }

    [Test]
    public void Two_runs_with_one_seed_in_one_cell_are_an_error_naming_both()
    {
        ResultRow[] rows = [ResultRows.Make("dsrb", 0.1, 0, 43, runId: "x"), ResultRows.Make("dsrb", 0.1, 0, 44, runId: "y")];
        Assert.That(() => Summary.Compute(rows), Throws.TypeOf<InvalidDataException>().With.Message.Contains("'x' and 'y'").And.Message.Contains("seed 0"));
    }

    [Test]
    public void Paired_test_edge_cases_follow_scipy()
    {
        Assert.That(SeedStatistics.PairedTTestPValue([1, 2, 3], [0, 1, 2]), Is.Zero, "equal non-zero differences: t is infinite");
        Assert.That(SeedStatistics.PairedTTestPValue([1, 2, 3], [1, 2, 3]), Is.NaN, "no difference at all");
        Assert.That(SeedStatistics.PairedTTestPValue([1], [0]), Is.NaN, "one pair");
        Assert.That(SeedStatistics.PairedTTestPValue([1, 2], [0.5, 1.2]), Is.EqualTo(0.14438463102129448).Within(1e-12));
        Assert.That(() => SeedStatistics.PairedTTestPValue([1, 2], [1]), Throws.ArgumentException);
        Assert.That(SeedStatistics.Describe([]).Mean, Is.NaN);
    }
}
