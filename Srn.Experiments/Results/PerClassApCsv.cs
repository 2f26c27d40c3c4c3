using System.Globalization;
using Srn.Data;

namespace Srn.Experiments.Results;

/// <summary><c>per_class_ap.csv</c>: <c>run_id,epoch,class,ap</c>; AP in percent ([0, 100]) with at most 6 decimals, empty for a class without a known positive.</summary>
internal static class PerClassApCsv
{
    /// <summary>The file name.</summary>
    public const string FileName = "per_class_ap.csv";

    /// <summary>The header, in order.</summary>
    public static readonly IReadOnlyList<string> Columns = ["run_id", "epoch", "class", "ap"];

    /// <summary>The whole file: header and rows, lines ending with '\n'.</summary>
    /// <param name="rows">The rows, in file order.</param>
    /// <returns>The text.</returns>
    public static string Format(IEnumerable<PerClassApRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return CsvCells.Document(Columns, rows.Select(Cells));
    }

    /// <summary>The formatted cells of a row.</summary>
    /// <param name="r">The row.</param>
    /// <returns>One string per column.</returns>
    public static string[] Cells(PerClassApRow r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return [r.RunId, CsvCells.Integer(r.Epoch), r.Class, CsvCells.Fixed6(r.Ap ?? double.NaN)];
    }

    /// <summary>Checks a row can be written and read back: run id and class non-empty, epoch not negative, AP in [0, 100] or none.</summary>
    /// <param name="r">The row.</param>
    /// <exception cref="ArgumentException">Naming the run, the epoch and the class.</exception>
    internal static void Check(PerClassApRow r)
    {
        ArgumentNullException.ThrowIfNull(r);
        string? fault =
            string.IsNullOrEmpty(r.RunId) ? "run_id is empty"
            : string.IsNullOrEmpty(r.Class) ? "class is empty"
            : r.Epoch < 0 ? "epoch is negative"
            : r.Ap is { } ap && !(ap >= 0 && ap <= 100) ? string.Create(CultureInfo.InvariantCulture, $"ap is {ap}, outside [0, 100] (a percentage)")
            : null;
        if (fault is not null)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"per-class row of run '{r.RunId}' epoch {r.Epoch} class '{r.Class}': {fault}"), nameof(r));
        }
    }

    /// <summary>Reads <c>per_class_ap.csv</c>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The rows in file order.</returns>
    /// <exception cref="FileNotFoundException">When it does not exist.</exception>
    /// <exception cref="DataFormatException">A malformed file (wrong header, bad cell, an AP outside [0, 100], one class twice for a run and epoch), naming line and column.</exception>
    public static IReadOnlyList<PerClassApRow> Read(string path) => ReadWithLines(path).Select(r => r.Row).ToArray();

    /// <summary>As <see cref="Read"/>, with the line each row starts on.</summary>
    internal static List<(PerClassApRow Row, int Line)> ReadWithLines(string path)
    {
        var rows = CsvCells.Read(path, Columns, c => new PerClassApRow(c.Text(0), c.Integer(1, 0), c.Text(2), c.OptionalPercent(3)));
        Validate(rows, path);
        return rows;
    }

    /// <summary>Checks each (run, epoch, class) appears once.</summary>
    internal static void Validate(IReadOnlyList<(PerClassApRow Row, int Line)> rows, string source)
    {
        var seen = new Dictionary<(string, int, string), int>();
        foreach (var (row, line) in rows)
        {
            if (!seen.TryAdd((row.RunId, row.Epoch, row.Class), line))
            {
                throw new DataFormatException(source, line, string.Create(CultureInfo.InvariantCulture,
                    $"class '{row.Class}' of run '{row.RunId}' epoch {row.Epoch} appears twice (lines {seen[(row.RunId, row.Epoch, row.Class)]} and {line})"));
            }
        }
    }
}
