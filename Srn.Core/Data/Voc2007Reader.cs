using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Srn.Data;

/// <summary>
/// Reads Pascal VOC 2007 into manifests: <c>VOCdevkit/VOC2007/{Annotations,ImageSets/Main,JPEGImages}</c> under the root
/// (or the root is <c>VOC2007</c> itself). Splits are <c>trainval</c> (train, 5,011 images) and <c>test</c> (4,952), rows in
/// list order. Labels come from the XML objects; a class seen only in <c>difficult</c> objects is labelled as
/// <see cref="Voc2007Options.Difficult"/> says. The 20 classes are in alphabetical order.
/// </summary>
/// <remarks>The PyTorch equivalent is ML-GCN's <c>Voc2007Classification</c>, which reads the same files.</remarks>
public static class Voc2007Reader
{
    /// <summary>The dataset name used for manifest file names.</summary>
    public const string Name = "voc2007";

    /// <summary>The 20 classes, alphabetical.</summary>
    public static IReadOnlyList<string> Classes { get; } =
    [
        "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ];

    /// <summary>Reads both splits.</summary>
    /// <param name="root">The directory holding <c>VOCdevkit/</c>, or the <c>VOC2007</c> directory itself.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <returns>The manifests and what was dropped.</returns>
    /// <exception cref="DataFormatException">A list or annotation file is malformed, missing, or names an unknown class.</exception>
    /// <exception cref="MissingImagesException">Images are missing and <see cref="DatasetReaderOptions.MissingImages"/> is Error.</exception>
    public static DatasetSplits Read(string root, Voc2007Options? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        options ??= new Voc2007Options();
        string prefix;
        if (Directory.Exists(Path.Combine(root, "VOCdevkit", "VOC2007")))
        {
            prefix = "VOCdevkit/VOC2007/";
        }
        else if (Directory.Exists(Path.Combine(root, "Annotations")) && Directory.Exists(Path.Combine(root, "ImageSets")))
        {
            prefix = "";
        }
        else
        {
            throw new DirectoryNotFoundException(
                $"Pascal VOC 2007 not found under {Path.GetFullPath(root)}: expected VOCdevkit/VOC2007/{{Annotations,ImageSets/Main,JPEGImages}}, or those three directly.");
        }

        var baseDir = Path.Combine(root, prefix);
        var report = new ReadReport();
        var train = ReadSplit(baseDir, prefix, "trainval", "train", options, report);
        var test = ReadSplit(baseDir, prefix, "test", "test", options, report);
        train = ReaderSupport.CheckImages(train, "train", root, options.MissingImages, report);
        test = ReaderSupport.CheckImages(test, "test", root, options.MissingImages, report);
        return new DatasetSplits(Name, train, test, root, report);
    }

    private static Manifest ReadSplit(string baseDir, string prefix, string list, string split, Voc2007Options options, ReadReport report)
    {
        var listPath = Path.Combine(baseDir, "ImageSets", "Main", $"{list}.txt");
        var ids = ReaderSupport.ReadLines(listPath, "VOC image list");
        var missing = new List<string>();
        for (var i = 0; i < ids.Length; i++)
        {
            if (ids[i].Length == 0)
            {
                throw new DataFormatException(listPath, i + 1, "empty image id");
            }

            if (!File.Exists(Path.Combine(baseDir, "Annotations", $"{ids[i]}.xml")))
            {
                missing.Add(string.Create(CultureInfo.InvariantCulture, $"line {i + 1}: {ids[i]}"));
            }
        }

        if (missing.Count > 0)
        {
            throw new DataFormatException(listPath, 0, string.Create(CultureInfo.InvariantCulture,
                $"{missing.Count} of {ids.Length} images have no annotation file in {Path.Combine(baseDir, "Annotations")}: {ReaderSupport.List(missing)}"));
        }

        var classIndex = Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var rows = new List<ManifestRow>(ids.Length);
        var lines = new int[ids.Length];
        var difficultOnly = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            var xmlPath = Path.Combine(baseDir, "Annotations", $"{ids[i]}.xml");
            var labels = new sbyte[Classes.Count];
            Array.Fill(labels, (sbyte)-1);
            var difficult = new bool[Classes.Count];
            foreach (var (name, isDifficult, line) in Objects(xmlPath))
            {
                if (!classIndex.TryGetValue(name, out var c))
                {
                    throw new DataFormatException(xmlPath, line, $"unknown class '{name}'; VOC 2007 has {string.Join(", ", Classes)}");
                }

                if (isDifficult)
                {
                    difficult[c] = true;
                }
                else
                {
                    labels[c] = 1;
                }
            }

            for (var c = 0; c < labels.Length; c++)
            {
                if (difficult[c] && labels[c] != 1)
                {
                    difficultOnly++;
                    labels[c] = options.Difficult == VocDifficult.Unknown ? (sbyte)0 : (sbyte)-1;
                }
            }

            rows.Add(new ManifestRow($"{prefix}JPEGImages/{ids[i]}.jpg", labels));
            lines[i] = i + 1;
        }

        report.AddNote(string.Create(CultureInfo.InvariantCulture,
            $"{split}: {difficultOnly} labels seen only in difficult objects set to {(options.Difficult == VocDifficult.Unknown ? "unknown (0)" : "negative (-1)")}"));
        return new Manifest(Classes, rows, listPath, lines);
    }

    private static IEnumerable<(string Name, bool Difficult, int Line)> Objects(string xmlPath)
    {
        XDocument doc;
        try
        {
            doc = XDocument.Load(xmlPath, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            throw new DataFormatException(xmlPath, e.LineNumber, $"malformed XML: {e.Message}", e);
        }

        foreach (var obj in doc.Root?.Elements("object") ?? [])
        {
            var line = ((IXmlLineInfo)obj).LineNumber;
            var name = obj.Element("name")?.Value.Trim();
            if (string.IsNullOrEmpty(name))
            {
                throw new DataFormatException(xmlPath, line, "an <object> has no <name>");
            }

            var difficultText = obj.Element("difficult")?.Value.Trim() ?? "0";
            var isDifficult = difficultText switch
            {
                "0" => false,
                "1" => true,
                _ => throw new DataFormatException(xmlPath, line, $"<difficult> is '{difficultText}', expected 0 or 1"),
            };
            yield return (name, isDifficult, line);
        }
    }
}
