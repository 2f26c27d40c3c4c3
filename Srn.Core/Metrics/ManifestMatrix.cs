using System.Globalization;
using CsvHelper;

namespace Srn.Metrics;

/// <summary>
/// A manifest-shaped CSV read as a matrix: a header <c>image,&lt;class 1&gt;,...,&lt;class C&gt;</c> and one row per image,
/// holding either targets (1, -1, 0, the manifest format of docs/datasets.md) or scores (logits or probabilities, as a
/// model exports them next to its test manifest).
/// </summary>
public sealed class ManifestMatrix
{
    private const int Listed = 5;

    private ManifestMatrix(string path, string[] images, string[] classes, long[] lines, double[] values)
    {
        Path = path;
        Images = images;
        Classes = classes;
        Lines = lines;
        Values = values;
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>The <c>image</c> column, one entry per row, unique.</summary>
    public IReadOnlyList<string> Images { get; }

    /// <summary>The class names of the header, in column order, unique.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The line of the file each row was read from (1-based), for error messages.</summary>
    public IReadOnlyList<long> Lines { get; }

    /// <summary>The cells, row-major: <see cref="Images"/>.Count rows of <see cref="Classes"/>.Count values.</summary>
    public double[] Values { get; }

    /// <summary>Reads a score file: every class cell a finite or infinite number (<c>inf</c>, <c>-inf</c> accepted), never NaN.</summary>
    /// <param name="path">The CSV file.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="InvalidDataException">On a bad header, a duplicate class or image, a row with the wrong number of
    /// cells, or a cell that is not a number; the message names the file and line.</exception>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    public static ManifestMatrix ReadScores(string path) => Read(path, targets: false);

    /// <summary>Reads a target file (a manifest): every class cell 1, -1 or 0.</summary>
    /// <param name="path">The CSV file.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="InvalidDataException">As <see cref="ReadScores"/>, and for a cell other than 1, -1 or 0.</exception>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    public static ManifestMatrix ReadTargets(string path) => Read(path, targets: true);

    /// <summary>
    /// Puts scores and targets in the same row and column order, matching rows by image and columns by class name;
    /// the result follows the targets' order.
    /// </summary>
    /// <param name="scores">The score matrix.</param>
    /// <param name="targets">The target matrix.</param>
    /// <returns>Scores reordered to the targets' images and classes.</returns>
    /// <exception cref="InvalidDataException">When the two files do not have the same set of classes or of images; the message
    /// lists the first few of each side and how many there are.</exception>
    public static double[] AlignScores(ManifestMatrix scores, ManifestMatrix targets)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(targets);
        var scoreColumn = Index(scores.Classes);
        var targetColumn = Index(targets.Classes);
        var onlyScoreClasses = scores.Classes.Where(c => !targetColumn.ContainsKey(c)).ToList();
        var onlyTargetClasses = targets.Classes.Where(c => !scoreColumn.ContainsKey(c)).ToList();
        if (onlyScoreClasses.Count > 0 || onlyTargetClasses.Count > 0)
        {
            throw new InvalidDataException(
                $"the class headers of {scores.Path} and {targets.Path} differ: {Difference(onlyScoreClasses, "class", scores.Path, targets.Path)}; "
                + $"{Difference(onlyTargetClasses, "class", targets.Path, scores.Path)}");
        }

        var scoreRow = Index(scores.Images);
        var targetRow = Index(targets.Images);
        var onlyScoreImages = scores.Images.Where(i => !targetRow.ContainsKey(i)).ToList();
        var onlyTargetImages = targets.Images.Where(i => !scoreRow.ContainsKey(i)).ToList();
        if (onlyScoreImages.Count > 0 || onlyTargetImages.Count > 0)
        {
            throw new InvalidDataException(
                $"the images of {scores.Path} and {targets.Path} differ: {Difference(onlyScoreImages, "image", scores.Path, targets.Path)}; "
                + $"{Difference(onlyTargetImages, "image", targets.Path, scores.Path)}");
        }

        var c = targets.Classes.Count;
        var columnMap = targets.Classes.Select(name => scoreColumn[name]).ToArray();
        var aligned = new double[targets.Values.Length];
        for (var r = 0; r < targets.Images.Count; r++)
        {
            var source = scoreRow[targets.Images[r]] * c;
            var destination = r * c;
            for (var j = 0; j < c; j++)
            {
                aligned[destination + j] = scores.Values[source + columnMap[j]];
            }
        }

        return aligned;
    }

    private static string Difference(List<string> items, string noun, string inPath, string notInPath)
    {
        if (items.Count == 0)
        {
            return $"every {noun} of {inPath} is in {notInPath}";
        }

        var shown = string.Join(", ", items.Take(Listed).Select(s => $"'{s}'"));
        var more = items.Count > Listed ? $", ... ({items.Count - Listed} more)" : string.Empty;
        return $"{items.Count} {noun}{(items.Count == 1 ? string.Empty : noun == "class" ? "es" : "s")} of {inPath} not in {notInPath}: {shown}{more}";
    }

    private static Dictionary<string, int> Index(IReadOnlyList<string> names)
    {
        var index = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            index[names[i]] = i;
        }

        return index;
    }

    private static ManifestMatrix Read(string path, bool targets)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file", path);
        }

        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
        };
        using var csv = CsvReader.FromFile(path, options);
        string[] header;
        try
        {
            header = [.. csv.Headers];
        }
        catch (CsvFormatException e)
        {
            throw new InvalidDataException($"{path}: the header is not valid CSV: {e.Message}", e);
        }

        if (header.Length == 0)
        {
            throw new InvalidDataException($"{path}: empty file; expected a header 'image,<class 1>,...,<class C>'");
        }

        if (header[0].Trim() != "image")
        {
            throw new InvalidDataException($"{path}: the header must start with 'image', found '{header[0]}'");
        }

        if (header.Length < 2)
        {
            throw new InvalidDataException($"{path}: the header has no class columns after 'image'");
        }

        var classes = header[1..];
        var seenClass = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var j = 0; j < classes.Length; j++)
        {
            if (classes[j].Length == 0)
            {
                throw new InvalidDataException($"{path}: header column {j + 2} has an empty class name");
            }

            if (!seenClass.TryAdd(classes[j], j))
            {
                throw new InvalidDataException($"{path}: duplicate class '{classes[j]}' in the header (columns {seenClass[classes[j]] + 2} and {j + 2})");
            }
        }

        var c = classes.Length;
        var images = new List<string>();
        var lines = new List<long>();
        var values = new List<double>();
        var firstLine = new Dictionary<string, long>(StringComparer.Ordinal);
        var duplicates = new List<string>();
        while (true)
        {
            try
            {
                if (!csv.Read())
                {
                    break;
                }
            }
            catch (CsvFormatException e)
            {
                throw new InvalidDataException($"{path} line {e.LineNumber}: not valid CSV: {e.Message}", e);
            }

            var line = csv.LineNumber;
            if (csv.FieldCount != c + 1)
            {
                throw new InvalidDataException($"{path} line {line}: {csv.FieldCount} cells, but the header has {c + 1}");
            }

            var image = csv.GetString(0) ?? string.Empty;
            if (image.Length == 0)
            {
                throw new InvalidDataException($"{path} line {line}: empty image name");
            }

            if (!firstLine.TryAdd(image, line))
            {
                duplicates.Add($"'{image}' (lines {firstLine[image]} and {line})");
            }

            for (var j = 0; j < c; j++)
            {
                values.Add(ParseCell(csv.GetSpan(j + 1), targets, path, line, classes[j]));
            }

            images.Add(image);
            lines.Add(line);
        }

        if (duplicates.Count > 0)
        {
            var more = duplicates.Count > Listed ? $", ... ({duplicates.Count - Listed} more)" : string.Empty;
            throw new InvalidDataException($"{path}: {duplicates.Count} duplicate image{(duplicates.Count == 1 ? string.Empty : "s")}: {string.Join(", ", duplicates.Take(Listed))}{more}");
        }

        if (images.Count == 0)
        {
            throw new InvalidDataException($"{path}: no rows after the header");
        }

        return new ManifestMatrix(path, [.. images], classes, [.. lines], [.. values]);
    }

    private static double ParseCell(ReadOnlySpan<byte> cell, bool targets, string path, long line, string className)
    {
        var text = cell.Trim((byte)' ');
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            value = text switch
            {
                _ when text.SequenceEqual("inf"u8) || text.SequenceEqual("+inf"u8) => double.PositiveInfinity,
                _ when text.SequenceEqual("-inf"u8) => double.NegativeInfinity,
                _ => double.NaN,
            };
            if (double.IsNaN(value))
            {
                throw new InvalidDataException(
                    $"{path} line {line}, class '{className}': '{System.Text.Encoding.UTF8.GetString(cell)}' is not a number");
            }
        }

        if (double.IsNaN(value))
        {
            throw new InvalidDataException($"{path} line {line}, class '{className}': NaN is not a valid {(targets ? "target" : "score")}");
        }

        if (targets && value != 1 && value != -1 && value != 0)
        {
            throw new InvalidDataException(
                $"{path} line {line}, class '{className}': '{System.Text.Encoding.UTF8.GetString(cell)}' is not a target (1, -1 or 0)");
        }

        return value;
    }
}
