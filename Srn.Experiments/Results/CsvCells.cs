using System.Globalization;
using System.Text;
using CsvHelper;
using Srn.Data;

namespace Srn.Experiments.Results;

/// <summary>
/// The CSV dialect of the result files (RFC 4180, comma, UTF-8 without BOM, LF line ends, invariant culture, a cell
/// quoted only when it holds a comma, a quote or a line break), written through CsvHelper, and the cell readers whose
/// errors name the file, the line and the column. An empty number cell means "not defined" (NaN).
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

    /// <summary>The one write dialect of every result file: LF line ends, invariant culture, quoting only when needed, no BOM.</summary>
    private static readonly CsvWriterOptions WriteOptions = CsvWriterOptions.Default with
    {
        Separator = ',',
        NewLine = "\n",
        FormatProvider = CultureInfo.InvariantCulture,
        Quoting = CsvQuoting.WhenNeeded,
        WriteByteOrderMark = false,
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

    /// <summary>A whole file: the header record, then one record per row (cells already formatted, unquoted), each line ending with '\n'.</summary>
    /// <param name="header">The column names.</param>
    /// <param name="records">The records; each has one cell per column.</param>
    /// <returns>The CSV text.</returns>
    public static string Document(IEnumerable<string> header, IEnumerable<IReadOnlyList<string>> records)
    {
        using var stream = new MemoryStream();
        WriteTo(stream, header, records);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Writes a whole file atomically (a temporary file beside it, then renamed over it).</summary>
    /// <param name="path">The file; its directory is created.</param>
    /// <param name="header">The column names.</param>
    /// <param name="records">The records, cells already formatted.</param>
    public static void Write(string path, IEnumerable<string> header, IEnumerable<IReadOnlyList<string>> records)
    {
        ArgumentNullException.ThrowIfNull(path);
        var materialized = records.ToArray();
        Srn.Torch.IO.AtomicFile.Write(path, stream => WriteTo(stream, header, materialized));
    }

    /// <summary>Writes the header and the records as CSV to a stream, which stays open.</summary>
    public static void WriteTo(Stream stream, IEnumerable<string> header, IEnumerable<IReadOnlyList<string>> records)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(records);
        using var csv = CsvWriter.Create(stream, WriteOptions, leaveOpen: true);
        foreach (var name in header)
        {
            csv.WriteField(name);
        }

        csv.EndRecord();
        foreach (var record in records)
        {
            foreach (var cell in record)
            {
                csv.WriteField(cell);
            }

            csv.EndRecord();
        }
    }

    /// <summary>
    /// Reads a result file whose header may be an older spelling: each entry of <paramref name="accepted"/> is a full
    /// header, and the first one that matches is used (its index is returned with the rows).
    /// </summary>
    public static (List<(T Row, int Line)> Rows, int Header) ReadAny<T>(string path, IReadOnlyList<IReadOnlyList<string>> accepted, Func<Record, T> parse)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        var found = -1;
        var rows = Read(path, accepted, parse, i => found = i);
        return (rows, found);
    }

    /// <summary>Reads a result file: checks the header is exactly <paramref name="columns"/>, then hands each record to <paramref name="parse"/>.</summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="path">The file.</param>
    /// <param name="columns">The expected header.</param>
    /// <param name="parse">Reads one record (its cell count already checked) at a 1-based line.</param>
    /// <returns>The rows with the line each starts on.</returns>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="DataFormatException">A malformed file: the message starts with <c>path:line:</c> and names the column.</exception>
    public static List<(T Row, int Line)> Read<T>(string path, IReadOnlyList<string> columns, Func<Record, T> parse) =>
        Read(path, [columns], parse, _ => { });

    private static List<(T Row, int Line)> Read<T>(string path, IReadOnlyList<IReadOnlyList<string>> accepted, Func<Record, T> parse, Action<int> headerFound)
    {
        var columns = accepted[0];
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
            var match = -1;
            for (var k = 0; k < accepted.Count && match < 0; k++)
            {
                match = header.SequenceEqual(accepted[k], StringComparer.Ordinal) ? k : -1;
            }

            if (match < 0)
            {
                throw new DataFormatException(path, Line(csv), $"the header is '{string.Join(',', header)}', expected '{string.Join(',', columns)}'");
            }

            // Cells are named by the header the file has (an older file's 'or', say), so errors point at what is there.
            columns = accepted[match];
            headerFound(match);

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

        /// <summary>A percentage cell: empty means NaN (not defined); otherwise a number in [0, 100].</summary>
        public double Percent(int index)
        {
            var value = Number(index);
            return double.IsNaN(value) || (value >= 0 && value <= 100)
                ? value
                : throw Fault(index, $"is '{Csv.GetString(index).Trim()}', outside [0, 100] (a metric in percent)");
        }

        /// <summary>A percentage cell where empty means "no value".</summary>
        public double? OptionalPercent(int index)
        {
            var value = Percent(index);
            return double.IsNaN(value) ? null : value;
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
