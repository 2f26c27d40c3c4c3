using System.Globalization;
using System.Text;
using CsvHelper;
using Srn.Data;

namespace Srn.Experiments.Results;

/// <summary>
/// The CSV dialect of the result files (RFC 4180, comma, UTF-8, LF line ends, invariant culture) and the cell readers
/// whose errors name the file, the line and the column. An empty number cell means "not defined" (NaN).
/// </summary>
internal static class CsvCells
{
    private static readonly CsvReaderOptions ReadOptions = CsvReaderOptions.Default with
    {
        Separator = ',',
        HasHeader = false,
        TrackLineNumbers = true,
        SkipEmptyLines = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        FieldCountMismatch = CsvFieldCountHandling.Allow,
    };

    /// <summary>A percentage or a proportion: at most 6 decimals, trailing zeros dropped; NaN is an empty cell.</summary>
    /// <remarks>6 decimals of a percentage are 1e-8 in absolute terms, far below any difference a paper reports.</remarks>
    public static string Fixed6(double value) => double.IsNaN(value) ? string.Empty : value.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>A p-value: 6 significant digits (exponent notation below 1e-5, so small values are not rounded to 0); NaN is empty.</summary>
    public static string Significant6(double value) => double.IsNaN(value) ? string.Empty : value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>A value computed in float32 (a loss): 9 significant digits, which read back to the same float; NaN is empty.</summary>
    public static string Float32(double value) => double.IsNaN(value) ? string.Empty : value.ToString("G9", CultureInfo.InvariantCulture);

    /// <summary>Wall-clock seconds: milliseconds are enough.</summary>
    public static string Seconds(double value) => double.IsNaN(value) ? string.Empty : value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>An integer cell.</summary>
    public static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Quotes a text cell when it holds a comma, a quote or a line break.</summary>
    public static string Text(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A whole file: the header record, then one record per row, each line ending with '\n'.</summary>
    public static string Document(IEnumerable<string> header, IEnumerable<string[]> records)
    {
        var text = new StringBuilder();
        AppendRecord(text, header);
        foreach (var record in records)
        {
            AppendRecord(text, record);
        }

        return text.ToString();
    }

    /// <summary>Appends one record (cells already formatted) and a '\n'.</summary>
    public static void AppendRecord(StringBuilder text, IEnumerable<string> cells) => text.AppendJoin(',', cells).Append('\n');

    /// <summary>Reads a result file: checks the header is exactly <paramref name="columns"/>, then hands each record to <paramref name="parse"/>.</summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="path">The file.</param>
    /// <param name="columns">The expected header.</param>
    /// <param name="parse">Reads one record (its cell count already checked) at a 1-based line.</param>
    /// <returns>The rows with the line each starts on.</returns>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="DataFormatException">A malformed file: the message starts with <c>path:line:</c> and names the column.</exception>
    public static List<(T Row, int Line)> Read<T>(string path, IReadOnlyList<string> columns, Func<Record, T> parse)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file", path);
        }

        var rows = new List<(T, int)>();
        try
        {
            using var csv = CsvReader.FromFile(path, ReadOptions);
            if (!csv.Read())
            {
                throw new DataFormatException(path, 0, $"empty file: expected the header {string.Join(',', columns)}");
            }

            var header = Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetString(i).Trim()).ToArray();
            if (!header.SequenceEqual(columns, StringComparer.Ordinal))
            {
                throw new DataFormatException(path, Line(csv), $"the header is '{string.Join(',', header)}', expected '{string.Join(',', columns)}'");
            }

            while (csv.Read())
            {
                var line = Line(csv);
                if (csv.FieldCount != columns.Count)
                {
                    throw new DataFormatException(path, line, string.Create(CultureInfo.InvariantCulture, $"{csv.FieldCount} cells, expected {columns.Count} ({string.Join(',', columns)})"));
                }

                rows.Add((parse(new Record(csv, path, line, columns)), line));
            }
        }
        catch (CsvFormatException e)
        {
            throw new DataFormatException(path, checked((int)e.LineNumber), $"malformed CSV: {e.Message}", e);
        }

        return rows;
    }

    private static int Line(CsvReader csv) => checked((int)csv.LineNumber);

    /// <summary>One record being read, with typed cell accessors that name file, line and column in their errors.</summary>
    /// <param name="Csv">The reader, positioned on the record.</param>
    /// <param name="Path">The file.</param>
    /// <param name="Line">The 1-based line the record starts on.</param>
    /// <param name="Columns">The header.</param>
    internal readonly record struct Record(CsvReader Csv, string Path, int Line, IReadOnlyList<string> Columns)
    {
        /// <summary>A non-empty text cell.</summary>
        public string Text(int index)
        {
            var value = Csv.GetString(index);
            return value.Length > 0 ? value : throw Fault(index, "is empty");
        }

        /// <summary>An integer cell, at least <paramref name="min"/>.</summary>
        public int Integer(int index, int min)
        {
            var cell = Csv.GetString(index).Trim();
            if (!int.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                throw Fault(index, $"is '{cell}', not an integer");
            }

            return value >= min ? value : throw Fault(index, string.Create(CultureInfo.InvariantCulture, $"is {value}, expected at least {min}"));
        }

        /// <summary>A number cell: empty means NaN (not defined); otherwise a finite number.</summary>
        public double Number(int index)
        {
            var cell = Csv.GetString(index).Trim();
            if (cell.Length == 0)
            {
                return double.NaN;
            }

            return double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : throw Fault(index, $"is '{cell}', not a finite number");
        }

        /// <summary>A number cell where empty means "no value".</summary>
        public double? OptionalNumber(int index)
        {
            var value = Number(index);
            return double.IsNaN(value) ? null : value;
        }

        /// <summary>An error for a cell of this record.</summary>
        public DataFormatException Fault(int index, string what) => new(Path, Line, $"column '{Columns[index]}' {what}");
    }
}
