using Srn.Data;

namespace Srn.Experiments.Results;

/// <summary>
/// <c>summary.csv</c>: the rows of <see cref="Summary"/>, columns <see cref="Columns"/>; numbers with at most 6 decimals (p-values with 6 significant digits), an
/// empty cell where a statistic is not defined (std and ci95 of one seed, comparisons without a baseline or pairs).
/// <c>row_kind</c> is <c>proportion</c> for a (dataset, method, proportion) row and <c>average</c> for a method's average
/// over its proportions, whose <c>proportion</c> cell is empty: the <c>proportion</c> column holds numbers only.
/// </summary>
internal static class SummaryCsv
{
    /// <summary>The file name.</summary>
    public const string FileName = "summary.csv";

    /// <summary><c>row_kind</c> of a row at one proportion.</summary>
    public const string ProportionKind = "proportion";

    /// <summary><c>row_kind</c> of a method's average row.</summary>
    public const string AverageKind = "average";

    /// <summary>The header, in order.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "dataset", "method", "row_kind", "proportion", "n_seeds",
        "map_mean", "map_std", "map_ci95", "cf1_mean", "cf1_std", "cf1_ci95", "of1_mean", "of1_std", "of1_ci95",
        "baseline", "n_pairs", "map_diff", "p_value",
    ];

    /// <summary>The header of files written before <c>row_kind</c> (their <c>proportion</c> held <c>avg</c> on average rows); read for the baseline.</summary>
    public static readonly IReadOnlyList<string> LegacyColumns = [.. Columns.Where(c => c != "row_kind")];

    /// <summary>The whole file, lines ending with '\n'.</summary>
    /// <param name="rows">Rows of <see cref="Summary.Compute"/>.</param>
    /// <returns>The text.</returns>
    public static string Format(IEnumerable<SummaryRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return CsvCells.Document(Columns, rows.Select(Cells));
    }

    /// <summary>The formatted cells of a row, in column order.</summary>
    /// <param name="r">The row.</param>
    /// <returns>One string per column.</returns>
    public static string[] Cells(SummaryRow r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var compared = r.Baseline is not null && r.Method != r.Baseline;
        return
        [
            r.Dataset, r.Method, r.Proportion is null ? AverageKind : ProportionKind, CsvCells.Fixed6(r.Proportion ?? double.NaN), CsvCells.Integer(r.SeedCount),
            .. Stats(r.Map), .. Stats(r.CF1), .. Stats(r.OF1),
            r.Baseline ?? string.Empty, compared ? CsvCells.Integer(r.Pairs) : string.Empty,
            CsvCells.Fixed6(r.MapDiff), CsvCells.Significant6(r.PValue),
        ];
    }

    /// <summary>
    /// The baseline named in an existing <c>summary.csv</c> (the first non-empty <c>baseline</c> cell), so that rewriting a
    /// summary keeps its comparison; null when the file has none. Files of the older layout (without <c>row_kind</c>) are read too.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The baseline method or null.</returns>
    /// <exception cref="DataFormatException">When the file is malformed.</exception>
    public static string? ReadBaseline(string path)
    {
        // Record.Columns is the header the file has, so the baseline column is found in either layout.
        return CsvCells.ReadAny(path, [Columns, LegacyColumns], c => c.Csv.GetString(c.Columns.ToList().IndexOf("baseline")))
            .Rows.Select(r => r.Row).FirstOrDefault(b => b.Length > 0);
    }

    private static string[] Stats(SeedStats s) => [CsvCells.Fixed6(s.Mean), CsvCells.Fixed6(s.Std), CsvCells.Fixed6(s.Ci95)];
}
