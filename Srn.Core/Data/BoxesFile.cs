using System.Globalization;
using CsvHelper;
using Srn.Torch.IO;
using Srn.Vision;

namespace Srn.Data;

/// <summary>
/// Ground-truth object boxes, as FashionScenes writes them: CSV <c>image,class,x1,y1,x2,y2</c>, one row per object, the class
/// by name (one of the manifest's classes), coordinates in pixels with x2 and y2 exclusive (x1 &lt; x2, y1 &lt; y2). Used for
/// CorLoc and attention-pointing checks. The image paths are those of the manifest of the same split.
/// </summary>
public static class BoxesFile
{
    private static readonly string[] Columns = ["image", "class", "x1", "y1", "x2", "y2"];

    /// <summary>Reads a boxes file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="classes">The class names, in manifest order; a box's class is its index here.</param>
    /// <returns>The boxes by image.</returns>
    /// <exception cref="DataFormatException">The file is malformed or names an unknown class; the message names the file and line.</exception>
    public static ImageBoxes Read(string path, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        using var csv = DataCsv.Open(path, "Boxes file");
        return DataCsv.Guard(path, () => Parse(csv, path, classes));
    }

    /// <summary>Writes a boxes file atomically.</summary>
    /// <param name="path">The destination.</param>
    /// <param name="boxes">The boxes; each box's class indexes <paramref name="classes"/>.</param>
    /// <param name="classes">The class names, in manifest order.</param>
    public static void Write(string path, ImageBoxes boxes, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(classes);
        foreach (var image in boxes.Images)
        {
            foreach (var box in boxes[image])
            {
                if (box.Class < 0 || box.Class >= classes.Count)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A box of '{image}' has class {box.Class}, outside 0..{classes.Count - 1}."), nameof(boxes));
                }
            }
        }

        AtomicFile.Write(path, stream =>
        {
            using var csv = CsvWriter.Create(stream, DataCsv.WriteOptions, leaveOpen: true);
            csv.WriteRecord(Columns);
            foreach (var image in boxes.Images)
            {
                foreach (var box in boxes[image])
                {
                    csv.WriteField(image);
                    csv.WriteField(classes[box.Class]);
                    csv.WriteField(box.X1);
                    csv.WriteField(box.Y1);
                    csv.WriteField(box.X2);
                    csv.WriteField(box.Y2);
                    csv.EndRecord();
                }
            }
        });
    }

    private static ImageBoxes Parse(CsvReader csv, string path, IReadOnlyList<string> classes)
    {
        DataCsv.ReadHeader(csv, path, Columns);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < classes.Count; c++)
        {
            index[classes[c]] = c;
        }

        var result = new ImageBoxes();
        while (csv.Read())
        {
            DataCsv.ExpectCells(csv, path, Columns.Length);
            var image = DataCsv.Text(csv, 0, path, "image path");
            var name = DataCsv.Text(csv, 1, path, "class");
            if (!index.TryGetValue(name, out var cls))
            {
                throw new DataFormatException(path, DataCsv.Line(csv), $"unknown class '{name}' (classes: {string.Join(", ", classes)})");
            }

            var box = new Box(
                DataCsv.Number(csv, 2, path, "x1"),
                DataCsv.Number(csv, 3, path, "y1"),
                DataCsv.Number(csv, 4, path, "x2"),
                DataCsv.Number(csv, 5, path, "y2"),
                cls);
            if (box.X2 <= box.X1 || box.Y2 <= box.Y1)
            {
                throw new DataFormatException(path, DataCsv.Line(csv), string.Create(CultureInfo.InvariantCulture,
                    $"box ({box.X1}, {box.Y1}, {box.X2}, {box.Y2}) is empty: x2 must exceed x1 and y2 must exceed y1"));
            }

            result.Add(image, box);
        }

        return result;
    }
}
