using System.Globalization;

namespace Srn.Data;

/// <summary>
/// Reads NUS-WIDE into manifests: <c>ImageList/{Train,Test}Imagelist.txt</c> (backslash paths such as
/// <c>actor\0001_2124494179.jpg</c>), <c>Concepts81.txt</c> (at the root or in <c>ConceptsList/</c>) and
/// <c>Groundtruth/TrainTestLabels/Labels_&lt;concept&gt;_{Train,Test}.txt</c> (0 or 1 per line, aligned with the image list).
/// Images live under <see cref="NusWideOptions.ImageDirectory"/>. The 81 classes are in <c>Concepts81.txt</c> order; rows in
/// list order. Untagged images (none of the 81 concepts) are dropped first when asked, then missing images; both are reported.
/// </summary>
/// <remarks>The PyTorch equivalent is the NUS-WIDE loaders of SRN and ML-GCN, which read the same label files.</remarks>
public static class NusWideReader
{
    /// <summary>The dataset name used for manifest file names.</summary>
    public const string Name = "nuswide";

    /// <summary>The reason dropped untagged images are reported under.</summary>
    public const string UntaggedReason = "no positive concept";

    /// <summary>Reads both splits.</summary>
    /// <param name="root">The NUS-WIDE root.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <returns>The manifests and what was dropped.</returns>
    /// <exception cref="DataFormatException">A list or label file is malformed or does not match its image list.</exception>
    /// <exception cref="MissingImagesException">Images are missing and <see cref="DatasetReaderOptions.MissingImages"/> is Error.</exception>
    public static DatasetSplits Read(string root, NusWideOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        options ??= new NusWideOptions();
        var conceptsPath = ReaderSupport.FindFile(root, "NUS-WIDE Concepts81.txt", "Concepts81.txt", Path.Combine("ConceptsList", "Concepts81.txt"));
        var concepts = ReaderSupport.ReadLines(conceptsPath, "NUS-WIDE concept list").Where(c => c.Length > 0).ToArray();
        var error = Manifest.CheckClasses(concepts, columnOffset: 1);
        if (error is not null)
        {
            throw new DataFormatException(conceptsPath, 0, error);
        }

        var report = new ReadReport();
        var train = ReadSplit(root, "Train", "train", concepts, options, report);
        var test = ReadSplit(root, "Test", "test", concepts, options, report);
        train = ReaderSupport.CheckImages(train, "train", root, options.MissingImages, report);
        test = ReaderSupport.CheckImages(test, "test", root, options.MissingImages, report);
        return new DatasetSplits(Name, train, test, root, report);
    }

    private static Manifest ReadSplit(string root, string official, string split, string[] concepts, NusWideOptions options, ReadReport report)
    {
        var listPath = Path.Combine(root, "ImageList", $"{official}Imagelist.txt");
        var list = ReaderSupport.ReadLines(listPath, "NUS-WIDE image list");
        var labels = new sbyte[list.Length][];
        for (var i = 0; i < list.Length; i++)
        {
            if (list[i].Length == 0)
            {
                throw new DataFormatException(listPath, i + 1, "empty image path");
            }

            labels[i] = new sbyte[concepts.Length];
        }

        for (var c = 0; c < concepts.Length; c++)
        {
            var labelPath = Path.Combine(root, "Groundtruth", "TrainTestLabels", $"Labels_{concepts[c]}_{official}.txt");
            var values = ReaderSupport.ReadLines(labelPath, "NUS-WIDE label file");
            if (values.Length != list.Length)
            {
                throw new DataFormatException(labelPath, 0, string.Create(CultureInfo.InvariantCulture,
                    $"{values.Length} lines, expected {list.Length} (one per image of {listPath})"));
            }

            for (var i = 0; i < values.Length; i++)
            {
                labels[i][c] = values[i] switch
                {
                    "1" => 1,
                    "0" => -1,
                    _ => throw new DataFormatException(labelPath, i + 1, $"'{values[i]}' is not 0 or 1"),
                };
            }
        }

        var dir = options.ImageDirectory.TrimEnd('/', '\\');
        var rows = new List<ManifestRow>(list.Length);
        var lines = new List<int>(list.Length);
        var untagged = new List<string>();
        for (var i = 0; i < list.Length; i++)
        {
            var image = (dir.Length == 0 ? "" : dir + "/") + list[i].Replace('\\', '/');
            if (options.DropUntagged && Array.IndexOf(labels[i], (sbyte)1) < 0)
            {
                untagged.Add(image);
                continue;
            }

            rows.Add(new ManifestRow(image, labels[i]));
            lines.Add(i + 1);
        }

        report.AddDropped(split, UntaggedReason, untagged);
        return new Manifest(concepts, rows, listPath, [.. lines]);
    }
}
