using System.Globalization;
using System.Text;
using CsvHelper;

namespace Srn.Data;

/// <summary>The CSV dialect of Srn's data files (RFC 4180, comma, UTF-8, LF on write) and the helpers their readers share.</summary>
internal static class DataCsv
{
    public static readonly CsvReaderOptions ReadOptions = CsvReaderOptions.Default with
    {
        Separator = ',',
        HasHeader = false,
        TrackLineNumbers = true,
        SkipEmptyLines = true,
        MalformedData = CsvMalformedDataHandling.Throw,
    };

    public static readonly CsvWriterOptions WriteOptions = CsvWriterOptions.Default with { NewLine = "\n" };

    /// <summary>Opens a data file, or raises <see cref="FileNotFoundException"/> naming what it is.</summary>
    public static CsvReader Open(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{what} not found: {path}", path);
        }

        return CsvReader.FromFile(path, ReadOptions);
    }

    /// <summary>The 1-based line the current record starts on.</summary>
    public static int Line(CsvReader csv) => checked((int)csv.LineNumber);

    /// <summary>Reads the header and checks it is one of the <paramref name="accepted"/> column lists; returns the index of the one found.</summary>
    public static int ReadHeader(CsvReader csv, string source, params string[][] accepted)
    {
        if (!csv.Read())
        {
            throw new DataFormatException(source, 0, $"empty file: expected the header {string.Join(',', accepted[0])}");
        }

        var found = Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetString(i).Trim()).ToArray();
        for (var k = 0; k < accepted.Length; k++)
        {
            if (found.SequenceEqual(accepted[k], StringComparer.Ordinal))
            {
                return k;
            }
        }

        throw new DataFormatException(source, Line(csv),
            $"the header is '{string.Join(',', found)}', expected {string.Join(" or ", accepted.Select(a => $"'{string.Join(',', a)}'"))}");
    }

    /// <summary>Checks the current record has <paramref name="count"/> cells.</summary>
    public static void ExpectCells(CsvReader csv, string source, int count)
    {
        if (csv.FieldCount != count)
        {
            throw new DataFormatException(source, Line(csv), string.Create(CultureInfo.InvariantCulture, $"{csv.FieldCount} cells, expected {count}"));
        }
    }

    /// <summary>A non-empty text cell.</summary>
    public static string Text(CsvReader csv, int index, string source, string column)
    {
        var value = csv.GetString(index).Trim();
        if (value.Length == 0)
        {
            throw new DataFormatException(source, Line(csv), $"empty {column}");
        }

        return value;
    }

    /// <summary>A finite number cell.</summary>
    public static float Number(CsvReader csv, int index, string source, string column)
    {
        var cell = csv.GetSpan(index).Trim(" \t"u8);
        if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
        {
            throw new DataFormatException(source, Line(csv), $"{column} is '{Encoding.UTF8.GetString(cell)}', not a finite number");
        }

        return value;
    }

    /// <summary>Runs <paramref name="parse"/>, turning the CSV library's malformed-input errors into <see cref="DataFormatException"/>.</summary>
    public static T Guard<T>(string source, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (CsvFormatException e)
        {
            throw new DataFormatException(source, checked((int)e.LineNumber), $"malformed CSV: {e.Message}", e);
        }
    }
}
