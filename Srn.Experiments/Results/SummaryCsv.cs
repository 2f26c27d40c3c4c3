using System.Text;
using Srn.Data;

namespace Srn.Experiments.Results;

/// <summary>
/// <c>summary.csv</c>: the rows of <see cref="Summary"/>, columns <see cref="Columns"/>; numbers with at most 6 decimals (p-values with 6 significant digits), an
/// empty cell where a statistic is not defined (std and ci95 of one seed, comparisons without a baseline or pairs).
/// </summary>
internal static class SummaryCsv
{
    /// <summary>The file name.</summary>
    public const string FileName = "summary.csv";

    /// <summary>The header, in order.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "dataset", "method", "proportion", "n_seeds",
        "map_mean", "map_std", "map_ci95", "cf1_mean", "cf1_std", "cf1_ci95", "of1_mean", "of1_std", "of1_ci95",
        "baseline", "n_pairs", "map_diff", "p_value",
    ];

    /// <summary>The whole file, lines ending with '\n'.</summary>
    /// <param name="rows">Rows of <see cref="Summary.Compute"/>.</param>
    /// <returns>The text.</returns>
    public static string Format(IEnumerable<SummaryRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        CsvCells.AppendRecord(text, Columns);
        foreach (var r in rows)
        {
            var compared = r.Baseline is not null && r.Method != r.Baseline;
            CsvCells.AppendRecord(text,
            [
                CsvCells.Text(r.Dataset), CsvCells.Text(r.Method), r.ProportionLabel, CsvCells.Integer(r.SeedCount),
                .. Stats(r.Map), .. Stats(r.CF1), .. Stats(r.OF1),
                CsvCells.Text(r.Baseline ?? string.Empty), compared ? CsvCells.Integer(r.Pairs) : string.Empty,
                CsvCells.Fixed6(r.MapDiff), CsvCells.Significant6(r.PValue),
            ]);
        }

        return text.ToString();
    }

    /// <summary>
    /// The baseline named in an existing <c>summary.csv</c> (the first non-empty <c>baseline</c> cell), so that rewriting a
    /// summary keeps its comparison; null when the file has none.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The baseline method or null.</returns>
    /// <exception cref="DataFormatException">When the file is malformed.</exception>
    public static string? ReadBaseline(string path)
    {
        var column = Columns.Count - 4;
        return CsvCells.Read(path, Columns, c => c.Csv.GetString(column)).Select(r => r.Row).FirstOrDefault(b => b.Length > 0);
    }

    private static string[] Stats(SeedStats s) => [CsvCells.Fixed6(s.Mean), CsvCells.Fixed6(s.Std), CsvCells.Fixed6(s.Ci95)];
}
