using System.Globalization;

namespace Srn.Data;

/// <summary>
/// Reads Visual Genome 200 (the split of HCP-MLR-PL and SSGRL) into manifests: <c>vg_category_200_labels_index.json</c>
/// (image file name to class indices 0..199) with <c>train_list_500.txt</c> / <c>test_list_500.txt</c> (one image file
/// name per line), images in <c>VG_100K/</c> or <c>VG_100K_2/</c> under the root (the first that has the file). Classes
/// are named by <see cref="Vg200Options.ClassNamesFile"/>, else <c>class_000</c> to <c>class_199</c>. Rows in list order.
/// </summary>
/// <remarks>The PyTorch equivalent is HCP-MLR-PL's <c>VGDataset</c>, which reads the same files.</remarks>
public static class Vg200Reader
{
    /// <summary>The dataset name used for manifest file names.</summary>
    public const string Name = "vg200";

    /// <summary>The number of classes.</summary>
    public const int ClassCount = 200;

    /// <summary>The image directories, in the order they are searched.</summary>
    public static IReadOnlyList<string> ImageDirectories { get; } = ["VG_100K", "VG_100K_2"];

    /// <summary>Reads both splits.</summary>
    /// <param name="root">The Visual Genome root (holding <c>VG_100K/</c> and <c>VG_100K_2/</c>).</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <returns>The manifests and what was dropped.</returns>
    /// <exception cref="DataFormatException">A file is malformed, an image has no labels, or a class index is out of range.</exception>
    /// <exception cref="MissingImagesException">Images are in neither directory and <see cref="DatasetReaderOptions.MissingImages"/> is Error.</exception>
    public static DatasetSplits Read(string root, Vg200Options? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        options ??= new Vg200Options();
        var meta = options.MetadataDirectory ?? root;
        var classes = ClassNames(options.ClassNamesFile);
        var labelsPath = Path.Combine(meta, "vg_category_200_labels_index.json");
        var labels = DataJsonContext.Load(labelsPath, "VG-200 label index", DataJsonContext.Default.DictionaryStringInt32Array);
        var report = new ReadReport();
        var train = ReadSplit(root, Path.Combine(meta, "train_list_500.txt"), "train", classes, labels, labelsPath, options, report);
        var test = ReadSplit(root, Path.Combine(meta, "test_list_500.txt"), "test", classes, labels, labelsPath, options, report);
        return new DatasetSplits(Name, train, test, root, report);
    }

    private static string[] ClassNames(string? path)
    {
        if (path is null)
        {
            return [.. Enumerable.Range(0, ClassCount).Select(i => string.Create(CultureInfo.InvariantCulture, $"class_{i:D3}"))];
        }

        var names = ReaderSupport.ReadLines(path, "VG-200 class names");
        if (names.Length != ClassCount)
        {
            throw new DataFormatException(path, 0, string.Create(CultureInfo.InvariantCulture, $"{names.Length} class names, expected {ClassCount}"));
        }

        var error = Manifest.CheckClasses(names, columnOffset: 1);
        return error is null ? names : throw new DataFormatException(path, 0, error);
    }

    private static Manifest ReadSplit(
        string root, string listPath, string split, string[] classes, Dictionary<string, int[]> index, string labelsPath, Vg200Options options, ReadReport report)
    {
        var list = ReaderSupport.ReadLines(listPath, "VG-200 image list");
        var rows = new List<ManifestRow>(list.Length);
        var lines = new List<int>(list.Length);
        var unlabelled = new List<string>();
        var missing = new List<(string Image, int Line)>();
        for (var i = 0; i < list.Length; i++)
        {
            var name = list[i];
            if (name.Length == 0)
            {
                throw new DataFormatException(listPath, i + 1, "empty image name");
            }

            if (!index.TryGetValue(name, out var positives))
            {
                unlabelled.Add(string.Create(CultureInfo.InvariantCulture, $"line {i + 1}: {name}"));
                continue;
            }

            var row = new sbyte[classes.Length];
            Array.Fill(row, (sbyte)-1);
            foreach (var c in positives)
            {
                if (c < 0 || c >= classes.Length)
                {
                    throw new DataFormatException(labelsPath, 0, string.Create(CultureInfo.InvariantCulture,
                        $"image '{name}' has class index {c}, outside 0..{classes.Length - 1}"));
                }

                row[c] = 1;
            }

            var dir = ImageDirectories.FirstOrDefault(d => File.Exists(Path.Combine(root, d, name)));
            if (dir is null && options.MissingImages != MissingImagePolicy.Ignore)
            {
                missing.Add((name, i + 1));
                continue;
            }

            rows.Add(new ManifestRow($"{dir ?? ImageDirectories[0]}/{name}", row));
            lines.Add(i + 1);
        }

        if (unlabelled.Count > 0)
        {
            throw new DataFormatException(listPath, 0, string.Create(CultureInfo.InvariantCulture,
                $"{unlabelled.Count} of {list.Length} images have no entry in {labelsPath}: {ReaderSupport.List(unlabelled)}"));
        }

        if (missing.Count > 0 && options.MissingImages == MissingImagePolicy.Error)
        {
            throw new MissingImagesException(listPath, Path.GetFullPath(root) + $" ({string.Join(" or ", ImageDirectories)})", list.Length, missing);
        }

        report.AddDropped(split, ReaderSupport.MissingReason, [.. missing.Select(m => m.Image)]);
        return new Manifest(classes, rows, listPath, [.. lines]);
    }
}
