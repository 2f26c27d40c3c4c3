using System.Globalization;
using Spectre.Console;

namespace Srn.Experiments.Results;

/// <summary>
/// The human-readable summary printed at the end of a sweep or merge: per dataset, mean mAP ± sample std over seeds (just
/// the mean for one seed, "-" where a method has no run) for each method and known-label proportion, plus the <c>avg</c>
/// column. Methods are rows and proportions columns, as papers print it, when that fits the console's width; otherwise the
/// table is transposed (proportions as rows) rather than wrapped cell by cell.
/// </summary>
internal static class SummaryTable
{
    // "100.00 ± 10.00" is 14 characters; with padding and a border a column takes about 17.
    private const int CellWidth = 17;

    /// <summary>The tables, one per dataset, in summary order.</summary>
    /// <param name="summary">Rows of <see cref="Summary.Compute"/>.</param>
    /// <param name="width">The console width in characters: decides the orientation.</param>
    /// <returns>One table per dataset.</returns>
    public static IReadOnlyList<Table> Build(IReadOnlyList<SummaryRow> summary, int width)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var tables = new List<Table>();
        foreach (var byDataset in summary.GroupBy(r => r.Dataset))
        {
            var baseline = byDataset.Select(r => r.Baseline).FirstOrDefault(b => b is not null);
            var methods = byDataset.Select(r => r.Method).Distinct().ToArray();
            var names = methods.Select(m => m + (m == baseline ? " (baseline)" : string.Empty)).ToArray();
            var proportions = byDataset.Where(r => r.Proportion is not null).Select(r => r.Proportion!.Value).Distinct().Order()
                .Select(p => (double?)p).Append(null).ToArray();
            string Label(double? p) => p is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : Summary.AverageLabel;
            string At(string method, double? p) => Cell(byDataset.FirstOrDefault(r => r.Method == method && r.Proportion == p));

            var table = new Table().Title($"[bold]{Markup.Escape(byDataset.Key)}[/]: mAP (%), mean ± std over seeds");
            var methodsAsRows = names.Max(n => n.Length) + 4 + (proportions.Length * CellWidth) <= width;
            if (methodsAsRows)
            {
                table.AddColumn("method");
                foreach (var p in proportions)
                {
                    table.AddColumn(new TableColumn(Label(p)).RightAligned());
                }

                for (var m = 0; m < methods.Length; m++)
                {
                    table.AddRow([Markup.Escape(names[m]), .. proportions.Select(p => At(methods[m], p))]);
                }
            }
            else
            {
                table.AddColumn(new TableColumn("proportion").RightAligned());
                foreach (var name in names)
                {
                    table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
                }

                foreach (var p in proportions)
                {
                    table.AddRow([Label(p), .. methods.Select(m => At(m, p))]);
                }
            }

            tables.Add(table);
        }

        return tables;
    }

    /// <summary>Writes the tables to a console, oriented for its width.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="summary">Rows of <see cref="Summary.Compute"/>.</param>
    public static void Write(IAnsiConsole console, IReadOnlyList<SummaryRow> summary)
    {
        ArgumentNullException.ThrowIfNull(console);
        foreach (var table in Build(summary, console.Profile.Width))
        {
            console.Write(table);
        }
    }

    /// <summary>"mean ± std" with 2 decimals; the mean alone for one seed; "-" where there is nothing.</summary>
    /// <param name="row">The row, or null.</param>
    /// <returns>The cell text (markup-safe).</returns>
    internal static string Cell(SummaryRow? row) =>
        row is null || double.IsNaN(row.Map.Mean) ? "-"
        : double.IsNaN(row.Map.Std) ? F(row.Map.Mean)
        : $"{F(row.Map.Mean)} ± {F(row.Map.Std)}";

    private static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
}
