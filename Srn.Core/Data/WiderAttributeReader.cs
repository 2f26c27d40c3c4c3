using System.Globalization;
using System.Runtime.ExceptionServices;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Data;

/// <summary>
/// Reads WIDER-Attribute (Li et al., ECCV 2016), SRN's third dataset, into manifests of person crops: every annotated
/// person of <c>wider_attribute_trainval.json</c> (train and val images: the training split, as SRN trains on both) and
/// <c>wider_attribute_test.json</c> (the test split) becomes one sample, the crop of its box <c>[x, y, width, height]</c>
/// written as a PNG under <see cref="WiderAttributeOptions.CropDirectory"/>, labelled with its 14 attributes (1 present,
/// -1 absent, 0 unspecified: see <see cref="WiderUnspecified"/>). Images are under <c>Image/</c> (the JSON's
/// <c>file_name</c>s, e.g. <c>train/0--Parade/0_Parade_marchingband_1_849.jpg</c>); classes are named by the files'
/// <c>attribute_id_map</c> in id order. Rows follow the JSON's order of images, then of people.
/// </summary>
/// <remarks>
/// The box is cropped as Pillow's <c>Image.crop((x, y, x + w, y + h))</c> rounds it (Python's round, half to even), then
/// clipped to the image (Pillow would pad with black); a box left empty is dropped and reported (SRN's released crops
/// have 28,340 training and 29,177 test people of the 28,345 and 29,179 annotated). Crop <c>k</c> of an image is named
/// after it: <c>train/0--Parade/0_Parade_marchingband_1_849_k.png</c>. The PyTorch equivalent is the WIDER-Attribute
/// datasets of attribute-recognition code, which crop <c>img.crop(bbox)</c> per person from the same JSON files.
/// </remarks>
public static class WiderAttributeReader
{
    /// <summary>The dataset name used for manifest file names.</summary>
    public const string Name = "wider_attribute";

    /// <summary>The number of attributes.</summary>
    public const int AttributeCount = 14;

    /// <summary>The reason people whose box is empty inside the image are reported under.</summary>
    public const string EmptyBoxReason = "person box empty inside the image";

    /// <summary>The reason people of missing images are reported under (with <see cref="MissingImagePolicy.Drop"/>).</summary>
    public const string MissingReason = "image file missing";

    /// <summary>The attribute names used when a file has no <c>attribute_id_map</c>, in id order.</summary>
    public static IReadOnlyList<string> DefaultAttributeNames { get; } =
        ["male", "longhair", "sunglass", "hat", "tshirt", "longsleeve", "formal", "shorts", "jeans", "longpants", "skirt", "facemask", "logo", "stripe"];

    /// <summary>The places the two JSON files are looked for under the root, in order.</summary>
    public static IReadOnlyList<string> AnnotationDirectories { get; } = [".", "Anno", "Annotations", "wider_attribute_annotation"];

    /// <summary>Reads both splits and writes the person crops.</summary>
    /// <param name="root">The WIDER-Attribute root (holding <c>Image/</c> and the annotations).</param>
    /// <param name="options">Options; <see cref="WiderAttributeOptions.CropDirectory"/> is required.</param>
    /// <returns>The manifests (image root: the crop directory) and what was dropped.</returns>
    /// <exception cref="ArgumentException">Without a crop directory, or with <see cref="MissingImagePolicy.Ignore"/> (crops need their image).</exception>
    /// <exception cref="FileNotFoundException">When an annotation file is not found.</exception>
    /// <exception cref="DataFormatException">When a JSON file is malformed: a bad attribute vector or value, a bad box, an unsafe file name, maps that disagree.</exception>
    /// <exception cref="MissingImagesException">Images are missing and <see cref="DatasetReaderOptions.MissingImages"/> is Error.</exception>
    /// <exception cref="InvalidDataException">When an image does not decode (the message names it).</exception>
    public static DatasetSplits Read(string root, WiderAttributeOptions options)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);
        var crops = options.CropDirectory ?? throw new ArgumentException("WIDER-Attribute needs a directory for its person crops (WiderAttributeOptions.CropDirectory).", nameof(options));
        if (options.MissingImages == MissingImagePolicy.Ignore)
        {
            throw new ArgumentException("WIDER-Attribute crops every person from its image, so missing images cannot be ignored: use error or drop.", nameof(options));
        }

        string Find(string file) => options.AnnotationDirectory is { } dir
            ? ReaderSupport.FindFile(dir, "WIDER-Attribute annotations", file)
            : ReaderSupport.FindFile(root, "WIDER-Attribute annotations", [.. AnnotationDirectories.Select(d => Path.Combine(d, file))]);
        var trainPath = Find("wider_attribute_trainval.json");
        var testPath = Find("wider_attribute_test.json");
        var trainFile = DataJsonContext.Load(trainPath, "WIDER-Attribute annotations", DataJsonContext.Default.WiderAttributeFile);
        var testFile = DataJsonContext.Load(testPath, "WIDER-Attribute annotations", DataJsonContext.Default.WiderAttributeFile);
        var classes = ClassNames(trainPath, trainFile, testPath, testFile);
        var report = new ReadReport();
        Directory.CreateDirectory(crops);
        var train = ReadSplit(root, trainPath, trainFile, "train", classes, crops, options, report);
        var test = ReadSplit(root, testPath, testFile, "test", classes, crops, options, report);
        report.AddNote(string.Create(CultureInfo.InvariantCulture,
            $"{train.Count + test.Count} person crops written to {Path.GetFullPath(crops)}; unspecified attributes labelled {(options.Unspecified == WiderUnspecified.Unknown ? "unknown (0)" : "absent (-1)")}"));
        return new DatasetSplits(Name, train, test, crops, report);
    }

    private static string[] ClassNames(string trainPath, WiderAttributeFile train, string testPath, WiderAttributeFile test)
    {
        string[]? Of(string path, WiderAttributeFile file)
        {
            if (file.AttributeIdMap is not { } map)
            {
                return null;
            }

            var names = new string[AttributeCount];
            for (var i = 0; i < AttributeCount; i++)
            {
                names[i] = map.TryGetValue(i.ToString(CultureInfo.InvariantCulture), out var n) && !string.IsNullOrWhiteSpace(n)
                    ? n.Trim()
                    : throw new DataFormatException(path, 0, string.Create(CultureInfo.InvariantCulture, $"attribute_id_map has no name for attribute {i} (ids 0..{AttributeCount - 1})"));
            }

            if (map.Count != AttributeCount)
            {
                throw new DataFormatException(path, 0, string.Create(CultureInfo.InvariantCulture, $"attribute_id_map has {map.Count} entries, expected {AttributeCount}"));
            }

            return Manifest.CheckClasses(names, columnOffset: 1) is { } error ? throw new DataFormatException(path, 0, error) : names;
        }

        var a = Of(trainPath, train);
        var b = Of(testPath, test);
        if (a is not null && b is not null && !a.SequenceEqual(b, StringComparer.Ordinal))
        {
            throw new DataFormatException(testPath, 0, $"attribute_id_map ({string.Join(", ", b)}) differs from {trainPath}'s ({string.Join(", ", a)})");
        }

        return a ?? b ?? [.. DefaultAttributeNames];
    }

    private static Manifest ReadSplit(
        string root, string jsonPath, WiderAttributeFile file, string split, string[] classes, string crops, WiderAttributeOptions options, ReadReport report)
    {
        var images = file.Images ?? throw new DataFormatException(jsonPath, 0, "no 'images' list");
        var imageRoot = Path.Combine(root, options.ImageDirectory);

        // Every annotation is checked before any image is read: a malformed file fails at once, naming the image and person.
        var labels = new sbyte[images.Count][][];
        for (var i = 0; i < images.Count; i++)
        {
            var entry = images[i];
            var name = CheckName(jsonPath, i, entry.FileName);
            var targets = entry.Targets ?? [];
            labels[i] = new sbyte[targets.Count][];
            for (var k = 0; k < targets.Count; k++)
            {
                labels[i][k] = Labels(jsonPath, name, k, targets[k], options.Unspecified);
            }
        }

        var missing = new List<(string Image, int Line)>();
        var present = new bool[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            present[i] = File.Exists(Path.Combine(imageRoot, images[i].FileName!));
            if (!present[i])
            {
                missing.Add((images[i].FileName!, 0));
            }
        }

        if (missing.Count > 0 && options.MissingImages == MissingImagePolicy.Error)
        {
            throw new MissingImagesException(jsonPath, Path.GetFullPath(imageRoot), images.Count, missing);
        }

        var results = new ManifestRow?[images.Count][];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads > 0 ? options.Threads : Environment.ProcessorCount };
        try
        {
            Parallel.For(0, images.Count, parallel, i => results[i] = present[i] ? CropPeople(imageRoot, images[i], labels[i], crops) : new ManifestRow?[labels[i].Length]);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }

        var rows = new List<ManifestRow>();
        var empty = new List<string>();
        var dropped = new List<string>();
        for (var i = 0; i < images.Count; i++)
        {
            for (var k = 0; k < results[i].Length; k++)
            {
                if (results[i][k] is { } row)
                {
                    rows.Add(row);
                }
                else
                {
                    (present[i] ? empty : dropped).Add(string.Create(CultureInfo.InvariantCulture, $"{images[i].FileName} person {k}"));
                }
            }
        }

        report.AddDropped(split, MissingReason, dropped);
        report.AddDropped(split, EmptyBoxReason, empty);
        return new Manifest(classes, rows, jsonPath, null);
    }

    // One decode per image; each person's crop written as <file name without extension>_<k>.png under the crop directory.
    private static ManifestRow?[] CropPeople(string imageRoot, WiderImage entry, sbyte[][] labels, string crops)
    {
        var rows = new ManifestRow?[labels.Length];
        if (labels.Length == 0)
        {
            return rows;
        }

        var writer = new PngImageWriter();
        using var scope = DisposeScope.Enter();
        var image = ImageCodec.Decode(Path.Combine(imageRoot, entry.FileName!));
        var (height, width) = (image.Size(1), image.Size(2));
        var stem = Path.ChangeExtension(entry.FileName!, null)!.Replace('\\', '/');
        for (var k = 0; k < labels.Length; k++)
        {
            var box = entry.Targets![k].Bbox!;
            var x0 = Math.Clamp((long)Math.Round(box[0], MidpointRounding.ToEven), 0, width);
            var y0 = Math.Clamp((long)Math.Round(box[1], MidpointRounding.ToEven), 0, height);
            var x1 = Math.Clamp((long)Math.Round(box[0] + box[2], MidpointRounding.ToEven), 0, width);
            var y1 = Math.Clamp((long)Math.Round(box[1] + box[3], MidpointRounding.ToEven), 0, height);
            if (x1 <= x0 || y1 <= y0)
            {
                continue;
            }

            var crop = image.Narrow(1, y0, y1 - y0).Narrow(2, x0, x1 - x0).Permute(1, 2, 0).Contiguous();
            var relative = string.Create(CultureInfo.InvariantCulture, $"{stem}_{k}{writer.Extension}");
            var path = Path.Combine(crops, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            writer.Write(path, crop.ToBytes(), (int)(x1 - x0), (int)(y1 - y0));
            rows[k] = new ManifestRow(relative, labels[k]);
        }

        return rows;
    }

    private static string CheckName(string jsonPath, int index, string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new DataFormatException(jsonPath, 0, string.Create(CultureInfo.InvariantCulture, $"image {index} has no file_name"));
        }

        // Crops are written under the crop directory by this name: it must stay inside.
        var parts = name.Replace('\\', '/').Split('/');
        if (Path.IsPathRooted(name) || parts.Any(p => p is ".." or ""))
        {
            throw new DataFormatException(jsonPath, 0, $"image {index}: file_name '{name}' is not a relative path inside the image directory");
        }

        return name;
    }

    private static sbyte[] Labels(string jsonPath, string image, int person, WiderTarget target, WiderUnspecified unspecified)
    {
        string Where() => string.Create(CultureInfo.InvariantCulture, $"image '{image}', person {person}");
        var attributes = target.Attribute ?? throw new DataFormatException(jsonPath, 0, $"{Where()}: no 'attribute' list");
        if (attributes.Length != AttributeCount)
        {
            throw new DataFormatException(jsonPath, 0, string.Create(CultureInfo.InvariantCulture, $"{Where()}: {attributes.Length} attribute values, expected {AttributeCount}"));
        }

        var box = target.Bbox;
        if (box is not { Length: 4 } || box.Any(v => !double.IsFinite(v)))
        {
            throw new DataFormatException(jsonPath, 0, $"{Where()}: bbox must be 4 finite numbers [x, y, width, height], got [{(box is null ? "" : string.Join(", ", box.Select(v => v.ToString(CultureInfo.InvariantCulture))))}]");
        }

        var row = new sbyte[AttributeCount];
        for (var a = 0; a < AttributeCount; a++)
        {
            row[a] = attributes[a] switch
            {
                1 => 1,
                -1 => -1,
                0 => unspecified == WiderUnspecified.Unknown ? (sbyte)0 : (sbyte)-1,
                var v => throw new DataFormatException(jsonPath, 0, string.Create(CultureInfo.InvariantCulture, $"{Where()}: attribute {a} is {v}, not 1, -1 or 0")),
            };
        }

        return row;
    }
}
