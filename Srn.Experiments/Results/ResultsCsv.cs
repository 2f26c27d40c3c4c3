using System.Globalization;
using Srn.Data;

namespace Srn.Experiments.Results;

/// <summary>
/// <c>results.csv</c>: one row per evaluation (run x epoch), columns <see cref="Columns"/>. Metrics and the proportion are
/// written with at most 6 decimals, the loss with 9 significant digits (it is a float32), seconds to the millisecond;
/// an empty number cell is NaN. Metrics are percentages in [0, 100]. Files written before overall recall's column was
/// renamed from <c>or</c> (a Python keyword) to <c>or_</c> , and files without the setting columns (<see cref="LegacyHeaders"/>), are still read.
/// </summary>
internal static class ResultsCsv
{
    /// <summary>The file name.</summary>
    public const string FileName = "results.csv";

    /// <summary>The run settings each row carries besides its identity columns, so results files of different sweeps concatenate without collisions.</summary>
    public static readonly IReadOnlyList<string> SettingColumns =
        ["epochs", "batch_size", "protocol", "mask_seed", "train_limit", "test_limit", "augment", "options", "identity_hash"];

    /// <summary>The header, in order (docs/experiments.md).</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "run_id", "dataset", "method", "backbone", "image_size", "proportion", "seed", "epoch",
        "map", "map_noninterp", "cp", "cr", "cf1", "op", "or_", "of1", "cp3", "cr3", "cf1_3", "op3", "or3", "of1_3",
        "train_loss", "seconds", "device", .. SettingColumns,
    ];

    /// <summary>The headers of earlier versions, accepted on read: without the setting columns, with overall recall as <c>or_</c> or as <c>or</c>.</summary>
    public static readonly IReadOnlyList<IReadOnlyList<string>> LegacyHeaders =
    [
        [.. Columns.Take(Columns.Count - SettingColumns.Count)],
        [.. Columns.Take(Columns.Count - SettingColumns.Count).Select(c => c == "or_" ? "or" : c)],
    ];

    /// <summary>The index of the first metric column (<c>map</c>); the 14 metric columns follow each other.</summary>
    private const int FirstMetric = 8;

    private const int MetricCount = 14;

    /// <summary>The whole file: header and rows, lines ending with '\n'.</summary>
    /// <param name="rows">The rows, in file order.</param>
    /// <returns>The text.</returns>
    public static string Format(IEnumerable<ResultRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return CsvCells.Document(Columns, rows.Select(Cells));
    }

    /// <summary>The formatted cells of a row, in column order (unquoted: the writer quotes). Two rows are the same result when these are equal.</summary>
    /// <param name="r">The row.</param>
    /// <returns>One string per column.</returns>
    public static string[] Cells(ResultRow r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return
        [
            r.RunId, r.Dataset, r.Method, r.Backbone,
            CsvCells.Integer(r.ImageSize), CsvCells.Fixed6(r.Proportion), CsvCells.Integer(r.Seed), CsvCells.Integer(r.Epoch),
            .. new[] { r.Map, r.MapNonInterp, r.CP, r.CR, r.CF1, r.OP, r.OR, r.OF1, r.Top3CP, r.Top3CR, r.Top3CF1, r.Top3OP, r.Top3OR, r.Top3OF1 }.Select(CsvCells.Fixed6),
            CsvCells.Float32(r.TrainLoss), CsvCells.Seconds(r.Seconds), r.Device,
            .. r.Settings.Values(),
        ];
    }

    /// <summary>Reads <c>results.csv</c>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The rows in file order.</returns>
    /// <exception cref="FileNotFoundException">When it does not exist.</exception>
    /// <exception cref="DataFormatException">
    /// A malformed file (the message starts with <c>path:line:</c> and names the column): a wrong header or cell count, an
    /// empty text cell, a number that is not finite, a metric outside [0, 100], a proportion outside [0, 1], two rows of one run and epoch, or rows of
    /// one run that disagree on its dataset, method, backbone, image size, proportion or seed.
    /// </exception>
    public static IReadOnlyList<ResultRow> Read(string path) => ReadWithLines(path).Select(r => r.Row).ToArray();

    /// <summary>As <see cref="Read"/>, with the line each row starts on (for error messages of callers).</summary>
    internal static List<(ResultRow Row, int Line)> ReadWithLines(string path)
    {
        var rows = CsvCells.ReadAny(path, [Columns, .. LegacyHeaders], Parse).Rows;
        Validate(rows, path);
        return rows;
    }

    /// <summary>Checks rows of one run agree on the run's identity and each (run, epoch) appears once.</summary>
    /// <param name="rows">Rows with their lines (0 when they come from memory).</param>
    /// <param name="source">The file, or a description of the caller, for messages.</param>
    /// <exception cref="DataFormatException">Naming both lines.</exception>
    internal static void Validate(IReadOnlyList<(ResultRow Row, int Line)> rows, string source)
    {
        var firstOfRun = new Dictionary<string, (ResultRow Row, int Line)>(StringComparer.Ordinal);
        var seen = new Dictionary<(string, int), int>();
        foreach (var (row, line) in rows)
        {
            if (!seen.TryAdd((row.RunId, row.Epoch), line))
            {
                throw new DataFormatException(source, line, string.Create(CultureInfo.InvariantCulture,
                    $"run '{row.RunId}' epoch {row.Epoch} appears twice (lines {seen[(row.RunId, row.Epoch)]} and {line})"));
            }

            if (!firstOfRun.TryAdd(row.RunId, (row, line)))
            {
                var (first, firstLine) = firstOfRun[row.RunId];
                var differs = IdentityDifference(first, row);
                if (differs is not null)
                {
                    throw new DataFormatException(source, line, string.Create(CultureInfo.InvariantCulture,
                        $"column '{differs}' of run '{row.RunId}' differs from its row on line {firstLine}; one run has one dataset, method, backbone, image size, proportion and seed"));
                }
            }
        }
    }

    /// <summary>Checks a row can be written and read back: text cells non-empty, image size positive, epoch not negative,
    /// proportion in [0, 1], metrics in [0, 100] or NaN, other numbers finite or NaN.</summary>
    /// <param name="r">The row.</param>
    /// <exception cref="ArgumentException">Naming the run and the column.</exception>
    internal static void Check(ResultRow r)
    {
        ArgumentNullException.ThrowIfNull(r);
        string? fault =
            string.IsNullOrEmpty(r.RunId) ? "run_id is empty"
            : string.IsNullOrEmpty(r.Dataset) ? "dataset is empty"
            : string.IsNullOrEmpty(r.Method) ? "method is empty"
            : string.IsNullOrEmpty(r.Backbone) ? "backbone is empty"
            : string.IsNullOrEmpty(r.Device) ? "device is empty"
            : r.ImageSize < 1 ? string.Create(CultureInfo.InvariantCulture, $"image_size is {r.ImageSize}")
            : r.Epoch < 0 ? string.Create(CultureInfo.InvariantCulture, $"epoch is {r.Epoch}")
            : !(r.Proportion >= 0 && r.Proportion <= 1) ? string.Create(CultureInfo.InvariantCulture, $"proportion is {r.Proportion}, expected a value in [0, 1]")
            : null;
        var numbers = new[] { r.Map, r.MapNonInterp, r.CP, r.CR, r.CF1, r.OP, r.OR, r.OF1, r.Top3CP, r.Top3CR, r.Top3CF1, r.Top3OP, r.Top3OR, r.Top3OF1, r.TrainLoss, r.Seconds };
        var infinite = Array.FindIndex(numbers, double.IsInfinity);
        fault ??= infinite >= 0 ? $"{Columns[FirstMetric + infinite]} is infinite" : null;
        var outside = Array.FindIndex(numbers, 0, MetricCount, v => v is < 0 or > 100);
        fault ??= outside >= 0
            ? string.Create(CultureInfo.InvariantCulture, $"{Columns[FirstMetric + outside]} is {numbers[outside]}, outside [0, 100] (a metric in percent)")
            : null;
        if (fault is not null)
        {
            throw new ArgumentException($"run '{r.RunId}' epoch {r.Epoch.ToString(CultureInfo.InvariantCulture)}: {fault}", nameof(r));
        }
    }

    /// <summary>The first identity column on which two rows of a run disagree, or null.</summary>
    private static string? IdentityDifference(ResultRow a, ResultRow b) =>
        a.Dataset != b.Dataset ? "dataset"
        : a.Method != b.Method ? "method"
        : a.Backbone != b.Backbone ? "backbone"
        : a.ImageSize != b.ImageSize ? "image_size"
        : CsvCells.Fixed6(a.Proportion) != CsvCells.Fixed6(b.Proportion) ? "proportion"
        : a.Seed != b.Seed ? "seed"
        : null;

    private static ResultRow Parse(CsvCells.Record c)
    {
        var proportion = c.Number(5);
        if (!(proportion >= 0 && proportion <= 1))
        {
            throw c.Fault(5, $"is '{c.Csv.GetString(5)}', expected a known-label proportion in [0, 1]");
        }

        return new ResultRow
        {
            RunId = c.Text(0), Dataset = c.Text(1), Method = c.Text(2), Backbone = c.Text(3),
            ImageSize = c.Integer(4, 1), Proportion = proportion, Seed = c.Integer(6, int.MinValue), Epoch = c.Integer(7, 0),
            Map = c.Percent(8), MapNonInterp = c.Percent(9), CP = c.Percent(10), CR = c.Percent(11), CF1 = c.Percent(12),
            OP = c.Percent(13), OR = c.Percent(14), OF1 = c.Percent(15),
            Top3CP = c.Percent(16), Top3CR = c.Percent(17), Top3CF1 = c.Percent(18), Top3OP = c.Percent(19), Top3OR = c.Percent(20), Top3OF1 = c.Percent(21),
            TrainLoss = c.Number(22), Seconds = c.Number(23), Device = c.Text(24),
            Settings = c.Columns.Count == Columns.Count ? RunSettingCells.From([.. Enumerable.Range(25, SettingColumns.Count).Select(i => c.Csv.GetString(i))]) : RunSettingCells.Unknown,
        };
    }
}
