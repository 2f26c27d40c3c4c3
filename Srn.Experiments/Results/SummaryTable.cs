using System.Globalization;
using Spectre.Console;

namespace Srn.Experiments.Results;

/// <summary>
/// The human-readable summary printed at the end of a sweep or merge: per dataset, a table of methods (rows) by known-label
/// proportion (columns, then <c>avg</c>) whose cells are mean mAP +- sample std over seeds (just the mean for one seed).
/// </summary>
internal static class SummaryTable
{
    /// <summary>The tables, one per dataset, in summary order.</summary>
    /// <param name="summary">Rows of <see cref="Summary.Compute"/>.</param>
    /// <returns>One table per dataset.</returns>
    public static IReadOnlyList<Table> Build(IReadOnlyList<SummaryRow> summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var tables = new List<Table>();
        foreach (var byDataset in summary.GroupBy(r => r.Dataset))
        {
            var proportions = byDataset.Where(r => r.Proportion is not null).Select(r => r.Proportion!.Value).Distinct().Order().ToArray();
            var table = new Table().Title($"[bold]{Markup.Escape(byDataset.Key)}[/]: mAP (%) mean ± std over seeds");
            table.AddColumn("method");
            foreach (var p in proportions)
            {
                table.AddColumn(new TableColumn(p.ToString("0.##", CultureInfo.InvariantCulture)).RightAligned());
            }

            table.AddColumn(new TableColumn(Summary.AverageLabel).RightAligned());
            var baseline = byDataset.Select(r => r.Baseline).FirstOrDefault(b => b is not null);
            foreach (var byMethod in byDataset.GroupBy(r => r.Method))
            {
                var cells = new List<string> { Markup.Escape(byMethod.Key) + (byMethod.Key == baseline ? " (baseline)" : string.Empty) };
                cells.AddRange(proportions.Select(p => Cell(byMethod.FirstOrDefault(r => r.Proportion == p))));
                cells.Add(Cell(byMethod.FirstOrDefault(r => r.Proportion is null)));
                table.AddRow(cells.ToArray());
            }

            tables.Add(table);
        }

        return tables;
    }

    /// <summary>Writes the tables to a console.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="summary">Rows of <see cref="Summary.Compute"/>.</param>
    public static void Write(IAnsiConsole console, IReadOnlyList<SummaryRow> summary)
    {
        ArgumentNullException.ThrowIfNull(console);
        foreach (var table in Build(summary))
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
