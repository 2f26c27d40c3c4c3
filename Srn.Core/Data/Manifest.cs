using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CsvHelper;
using Srn.Torch.IO;

namespace Srn.Data;

/// <summary>
/// The one format every dataset reader produces: class names and, per image, a label vector of 1 (present), -1 (absent)
/// and 0 (unknown). On disk it is a CSV file with the header <c>image,&lt;class 1&gt;,&lt;class 2&gt;,...</c> and one row
/// per image; <c>image</c> is a path relative to an image root given at load time, or absolute. The class order is the
/// header's, and it is the order of every logit, graph, embedding and per-class result. See docs/datasets.md.
/// </summary>
/// <remarks>
/// Reading reports the file and line of every fault: an empty file, a header that does not start with <c>image</c>,
/// a duplicate or empty class name, a row with the wrong number of cells, an empty image path, a cell other than
/// 1, -1 or 0, an image listed on two rows (both lines named: one image has one label vector). Missing images are reported all at once by <see cref="CheckImages"/>. Writes are atomic.
/// The PyTorch equivalent is the per-dataset label files (<c>.npy</c>, JSON) that each paper's loader reads.
/// </remarks>
public sealed class Manifest
{
    private readonly ImmutableArray<string> classes;
    private readonly ManifestRow[] rows;
    private readonly int[]? lines;
    private Dictionary<string, int>? classIndex;

    /// <summary>Creates a manifest in memory.</summary>
    /// <param name="classes">The class names, in order: non-empty and distinct.</param>
    /// <param name="rows">The rows: one label cell per class, each 1, -1 or 0, and a non-empty image path.</param>
    /// <exception cref="ArgumentException">A class name is empty or repeated, or a row does not fit the classes.</exception>
    public Manifest(IEnumerable<string> classes, IEnumerable<ManifestRow> rows)
        : this(classes, rows, source: null, lines: null)
    {
    }

    /// <summary>Creates a manifest in memory that errors attribute to <paramref name="source"/> (a reader's annotation or list file).</summary>
    internal Manifest(IEnumerable<string> classes, IEnumerable<ManifestRow> rows, string? source, int[]? lines)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(rows);
        this.classes = [.. classes];
        this.rows = [.. rows];
        var classError = CheckClasses(this.classes, columnOffset: 1);
        if (classError is not null)
        {
            throw new ArgumentException(classError, nameof(classes));
        }

        for (var i = 0; i < this.rows.Length; i++)
        {
            var rowError = CheckRow(this.rows[i], this.classes);
            if (rowError is not null)
            {
                throw new ArgumentException($"row {i}: {rowError}", nameof(rows));
            }
        }

        if (lines is not null && lines.Length != this.rows.Length)
        {
            throw new ArgumentException("One line number per row is needed.", nameof(lines));
        }

        this.lines = lines;
        Source = source;
    }

    private Manifest(ImmutableArray<string> classes, ManifestRow[] rows, int[]? lines, string? source, bool trusted)
    {
        Debug.Assert(trusted, "rows already checked");
        this.classes = classes;
        this.rows = rows;
        this.lines = lines;
        Source = source;
    }

    /// <summary>The class names, in order.</summary>
    public IReadOnlyList<string> Classes => classes;

    /// <summary>The rows, in file order.</summary>
    public IReadOnlyList<ManifestRow> Rows => rows;

    /// <summary>The number of rows (images).</summary>
    public int Count => rows.Length;

    /// <summary>The number of classes.</summary>
    public int ClassCount => classes.Length;

    /// <summary>The file this manifest was read from, or null when it was made in memory.</summary>
    public string? Source { get; }

    /// <summary>The line of <paramref name="row"/> in <see cref="Source"/>, or 0 when the manifest was made in memory.</summary>
    /// <param name="row">The row index.</param>
    /// <returns>The 1-based line, or 0.</returns>
    public int LineOf(int row) => lines is null ? 0 : lines[row];

    /// <summary>The index of a class by name.</summary>
    /// <param name="name">The class name (exact).</param>
    /// <returns>The index, or -1 when there is no such class.</returns>
    public int IndexOfClass(string name)
    {
        classIndex ??= classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        return classIndex.TryGetValue(name, out var i) ? i : -1;
    }

    /// <summary>The labels as a row-major [Count, ClassCount] array, ready for <c>Tensor.FromArray(m, [n, c])</c>.</summary>
    /// <returns>A new array of 1, -1 and 0.</returns>
    public sbyte[] ToLabelMatrix()
    {
        var c = classes.Length;
        var result = new sbyte[rows.Length * c];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i].Labels.AsSpan().CopyTo(result.AsSpan(i * c, c));
        }

        return result;
    }

    /// <summary>How many rows have <paramref name="value"/> in each class.</summary>
    /// <param name="value">1 (present), -1 (absent) or 0 (unknown).</param>
    /// <returns>One count per class.</returns>
    public int[] CountPerClass(sbyte value = 1)
    {
        var counts = new int[classes.Length];
        foreach (var row in rows)
        {
            for (var c = 0; c < counts.Length; c++)
            {
                if (row.Labels[c] == value)
                {
                    counts[c]++;
                }
            }
        }

        return counts;
    }

    /// <summary>A manifest with only the given rows (in the given order), keeping the source and line numbers.</summary>
    /// <param name="rowIndices">Indices into <see cref="Rows"/>.</param>
    /// <returns>The new manifest.</returns>
    public Manifest Subset(IEnumerable<int> rowIndices)
    {
        ArgumentNullException.ThrowIfNull(rowIndices);
        var indices = rowIndices.ToArray();
        return new Manifest(classes, [.. indices.Select(i => rows[i])], lines is null ? null : [.. indices.Select(i => lines[i])], Source, trusted: true);
    }

    /// <summary>A manifest whose image paths are rewritten by <paramref name="map"/> (to make them absolute, for example).</summary>
    /// <param name="map">Maps an image path to the new one.</param>
    /// <returns>The new manifest, with the same classes, labels, source and line numbers.</returns>
    public Manifest MapImages(Func<string, string> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return new Manifest(classes, [.. rows.Select(r => r.WithImage(map(r.Image)))], lines, Source, trusted: true);
    }

    /// <summary>Resolves an image path of a manifest against an image root: absolute paths are kept, relative ones are joined to the root.</summary>
    /// <param name="imageRoot">The image root.</param>
    /// <param name="image">The path as written in the manifest.</param>
    /// <returns>The path of the file.</returns>
    public static string ResolveImage(string imageRoot, string image)
    {
        ArgumentNullException.ThrowIfNull(imageRoot);
        ArgumentNullException.ThrowIfNull(image);
        return Path.IsPathRooted(image) ? image : Path.Combine(imageRoot, image);
    }

    /// <summary>
    /// Checks that every image exists under <paramref name="imageRoot"/> and that its headers are readable (a JPEG or PNG
    /// of a sane size, read with <see cref="ImageCodec.ReadInfo(string)"/>: the headers only, not the pixels, so the check
    /// stays cheap). Missing images are all reported at once (<see cref="MissingImagePolicy.Error"/>), or their rows are
    /// dropped and counted (<see cref="MissingImagePolicy.Drop"/>). An image that exists but cannot be read is an error
    /// under both policies: it is a fault in the data to fix, found here rather than in the middle of the first epoch.
    /// </summary>
    /// <param name="imageRoot">The directory relative image paths are resolved against.</param>
    /// <param name="policy">What to do with missing images; <see cref="MissingImagePolicy.Ignore"/> looks at no file at all.</param>
    /// <returns>The manifest to use and the dropped images.</returns>
    /// <exception cref="MissingImagesException">Images are missing and the policy is <see cref="MissingImagePolicy.Error"/>.</exception>
    /// <exception cref="DataFormatException">An image's headers are unreadable (not a JPEG or PNG, truncated, corrupt, too
    /// large); the message names the manifest, the line, the image and what is wrong, and counts any other such images.</exception>
    public ImageCheck CheckImages(string imageRoot, MissingImagePolicy policy = MissingImagePolicy.Error)
    {
        ArgumentNullException.ThrowIfNull(imageRoot);
        if (policy == MissingImagePolicy.Ignore)
        {
            return new ImageCheck(this, []);
        }

        var missing = new List<(string Image, int Line)>();
        var kept = new List<int>(rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            if (File.Exists(ResolveImage(imageRoot, rows[i].Image)))
            {
                kept.Add(i);
            }
            else
            {
                missing.Add((rows[i].Image, LineOf(i)));
            }
        }

        if (missing.Count > 0 && policy == MissingImagePolicy.Error)
        {
            throw new MissingImagesException(Source ?? "manifest", Path.GetFullPath(imageRoot), rows.Length, missing);
        }

        CheckImageHeaders(imageRoot, kept);
        return missing.Count == 0
            ? new ImageCheck(this, [])
            : new ImageCheck(Subset(kept), [.. missing.Select(m => m.Image)]);
    }

    // Reads the headers of the given rows' images; all unreadable ones are counted, the first is named in full.
    private void CheckImageHeaders(string imageRoot, List<int> indices)
    {
        var unreadable = new List<(int Row, string Reason)>();
        foreach (var i in indices)
        {
            var path = ResolveImage(imageRoot, rows[i].Image);
            try
            {
                ImageCodec.ReadInfo(path);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                // ReadInfo's message starts with the path; the manifest's own image name replaces it.
                var reason = e.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? e.Message[(path.Length + 2)..] : e.Message;
                unreadable.Add((i, reason.ReplaceLineEndings(" ")));
            }
        }

        if (unreadable.Count == 0)
        {
            return;
        }

        var (row, why) = unreadable[0];
        var detail = string.Create(CultureInfo.InvariantCulture, $"image '{rows[row].Image}' is unreadable: {why}");
        if (unreadable.Count > 1)
        {
            const int listed = 5;
            var others = unreadable.Skip(1).Take(listed).Select(u => string.Create(CultureInfo.InvariantCulture, $"line {LineOf(u.Row)}: {rows[u.Row].Image}"));
            var more = unreadable.Count - 1 > listed ? string.Create(CultureInfo.InvariantCulture, $", and {unreadable.Count - 1 - listed} more") : "";
            detail += string.Create(CultureInfo.InvariantCulture, $" ({unreadable.Count} of {indices.Count} images are unreadable; also {string.Join(", ", others)}{more})");
        }

        throw new DataFormatException(Source ?? "manifest", LineOf(row), detail);
    }

    /// <summary>Reads a manifest file and checks its images (<see cref="Read"/>, then <see cref="CheckImages"/>).</summary>
    /// <param name="path">The manifest file.</param>
    /// <param name="imageRoot">The directory relative image paths are resolved against.</param>
    /// <param name="policy">What to do with missing images.</param>
    /// <returns>The manifest to use and the dropped images.</returns>
    public static ImageCheck Load(string path, string imageRoot, MissingImagePolicy policy = MissingImagePolicy.Error) =>
        Read(path).CheckImages(imageRoot, policy);

    /// <summary>Reads a manifest file. Its images are not looked at (see <see cref="Load"/>).</summary>
    /// <param name="path">The manifest file.</param>
    /// <returns>The manifest, with its source and the line of each row.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is malformed; the message names the file and line.</exception>
    public static Manifest Read(string path)
    {
        using var csv = DataCsv.Open(path, "Manifest");
        return Parse(csv, path);
    }

    /// <summary>Parses manifest CSV text.</summary>
    /// <param name="text">The CSV text.</param>
    /// <param name="source">The name errors give for the text (a file name).</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="DataFormatException">The text is malformed; the message names the source and line.</exception>
    public static Manifest Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        using var csv = CsvReader.FromText(text, DataCsv.ReadOptions);
        return Parse(csv, source);
    }

    /// <summary>Writes the manifest atomically: readers see the old file or the whole new one.</summary>
    /// <param name="path">The destination file; its directory is created.</param>
    public void Write(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.Write(path, WriteTo);
    }

    /// <summary>Writes the manifest as CSV (UTF-8, LF line endings) to a stream, which stays open.</summary>
    /// <param name="stream">The destination.</param>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var csv = CsvWriter.Create(stream, DataCsv.WriteOptions, leaveOpen: true);
        csv.WriteField("image");
        foreach (var c in classes)
        {
            csv.WriteField(c);
        }

        csv.EndRecord();
        foreach (var row in rows)
        {
            csv.WriteField(row.Image);
            foreach (var v in row.Labels)
            {
                csv.WriteField(v switch
                {
                    1 => "1"u8,
                    -1 => "-1"u8,
                    _ => "0"u8,
                });
            }

            csv.EndRecord();
        }
    }

    /// <summary>The manifest as CSV text, exactly as <see cref="Write"/> writes it.</summary>
    /// <returns>The CSV text.</returns>
    public string ToCsv()
    {
        using var stream = new MemoryStream();
        WriteTo(stream);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static Manifest Parse(CsvReader csv, string source) => DataCsv.Guard(source, () => ParseRecords(csv, source));

    private static Manifest ParseRecords(CsvReader csv, string source)
    {
        if (!csv.Read())
        {
            throw new DataFormatException(source, 0, "empty file: a manifest starts with the header image,<class 1>,<class 2>,...");
        }

        var headerLine = DataCsv.Line(csv);
        var width = csv.FieldCount;
        var first = csv.GetString(0).Trim();
        if (first != "image")
        {
            throw new DataFormatException(source, headerLine, $"the header must start with 'image', found '{first}'");
        }

        var names = new string[width - 1];
        for (var j = 1; j < width; j++)
        {
            names[j - 1] = csv.GetString(j).Trim();
        }

        ImmutableArray<string> classes = [.. names];
        var classError = classes.Length == 0 ? "the header names no classes" : CheckClasses(classes, columnOffset: 1);
        if (classError is not null)
        {
            throw new DataFormatException(source, headerLine, classError);
        }

        var rows = new List<ManifestRow>();
        var lines = new List<int>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        var labels = new sbyte[classes.Length];
        while (csv.Read())
        {
            var line = DataCsv.Line(csv);
            if (csv.FieldCount != width)
            {
                throw new DataFormatException(source, line, string.Create(
                    CultureInfo.InvariantCulture, $"{csv.FieldCount} cells, expected {width} (image and {classes.Length} classes)"));
            }

            var image = csv.GetString(0).Trim();
            if (image.Length == 0)
            {
                throw new DataFormatException(source, line, "empty image path");
            }

            if (!firstLine.TryAdd(image, line))
            {
                throw new DataFormatException(source, line, string.Create(CultureInfo.InvariantCulture,
                    $"image '{image}' is listed twice (first on line {firstLine[image]}); a manifest has one row per image"));
            }

            for (var c = 0; c < classes.Length; c++)
            {
                var cell = csv.GetSpan(c + 1);
                if (!TryParseCell(cell, out labels[c]))
                {
                    throw new DataFormatException(source, line, string.Create(CultureInfo.InvariantCulture,
                        $"class '{classes[c]}' (column {c + 2}) has '{Encoding.UTF8.GetString(cell)}'; a cell must be 1, -1 or 0"));
                }
            }

            rows.Add(new ManifestRow(image, labels));
            lines.Add(line);
        }

        return new Manifest(classes, [.. rows], [.. lines], source, trusted: true);
    }

    private static bool TryParseCell(ReadOnlySpan<byte> cell, out sbyte value)
    {
        cell = cell.Trim(" \t"u8);
        if (cell.SequenceEqual("1"u8))
        {
            value = 1;
        }
        else if (cell.SequenceEqual("-1"u8))
        {
            value = -1;
        }
        else if (cell.SequenceEqual("0"u8))
        {
            value = 0;
        }
        else
        {
            value = 0;
            return false;
        }

        return true;
    }

    /// <summary>Null when the class names are valid, else what is wrong (columns counted from 1, the image column included).</summary>
    internal static string? CheckClasses(IReadOnlyList<string> names, int columnOffset)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            var column = i + 1 + columnOffset;
            if (string.IsNullOrWhiteSpace(names[i]))
            {
                return string.Create(CultureInfo.InvariantCulture, $"the class in column {column} has an empty name");
            }

            if (!seen.TryAdd(names[i], column))
            {
                return string.Create(CultureInfo.InvariantCulture, $"duplicate class '{names[i]}' (columns {seen[names[i]]} and {column})");
            }
        }

        return null;
    }

    private static string? CheckRow(ManifestRow row, ImmutableArray<string> classes)
    {
        if (string.IsNullOrWhiteSpace(row.Image))
        {
            return "empty image path";
        }

        if (row.Labels.Length != classes.Length)
        {
            return string.Create(CultureInfo.InvariantCulture, $"image '{row.Image}' has {row.Labels.Length} labels, expected {classes.Length}");
        }

        for (var c = 0; c < classes.Length; c++)
        {
            if (row.Labels[c] is not (1 or -1 or 0))
            {
                return string.Create(CultureInfo.InvariantCulture, $"image '{row.Image}', class '{classes[c]}': {row.Labels[c]} is not 1, -1 or 0");
            }
        }

        return null;
    }
}
