using System.Globalization;
using CsvHelper;
using Srn.Torch.IO;
using Srn.Vision;

namespace Srn.Data;

/// <summary>
/// Region proposals for KD-WSD: CSV <c>image,x1,y1,x2,y2[,score]</c> in pixels of the original image, many rows per image
/// (docs/datasets.md). x2 and y2 are exclusive edges; a box must have x1 &lt;= x2 and y1 &lt;= y2; numbers are finite.
/// </summary>
/// <remarks>The PyTorch equivalent is the per-image proposal arrays (selective search, EdgeBoxes) that WSDDN implementations load from .mat or .pkl files.</remarks>
public static class ProposalsFile
{
    private static readonly string[] Columns = ["image", "x1", "y1", "x2", "y2"];
    private static readonly string[] ColumnsWithScore = ["image", "x1", "y1", "x2", "y2", "score"];

    /// <summary>Reads a proposals file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The proposals by image (class -1), with scores when the file has the score column.</returns>
    /// <exception cref="DataFormatException">The file is malformed; the message names the file and line.</exception>
    public static ImageBoxes Read(string path)
    {
        using var csv = DataCsv.Open(path, "Proposals file");
        return DataCsv.Guard(path, () => Parse(csv, path));
    }

    /// <summary>Writes a proposals file atomically (with the score column when <paramref name="proposals"/> has scores).</summary>
    /// <param name="path">The destination.</param>
    /// <param name="proposals">The proposals.</param>
    public static void Write(string path, ImageBoxes proposals)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(proposals);
        AtomicFile.Write(path, stream =>
        {
            using var csv = CsvWriter.Create(stream, DataCsv.WriteOptions, leaveOpen: true);
            csv.WriteRecord(proposals.HasScores ? ColumnsWithScore : Columns);
            foreach (var image in proposals.Images)
            {
                var boxes = proposals[image];
                var scores = proposals.HasScores ? proposals.ScoresOf(image) : null;
                for (var i = 0; i < boxes.Count; i++)
                {
                    csv.WriteField(image);
                    csv.WriteField(boxes[i].X1);
                    csv.WriteField(boxes[i].Y1);
                    csv.WriteField(boxes[i].X2);
                    csv.WriteField(boxes[i].Y2);
                    if (scores is not null)
                    {
                        csv.WriteField(scores[i]);
                    }

                    csv.EndRecord();
                }
            }
        });
    }

    private static ImageBoxes Parse(CsvReader csv, string path)
    {
        var hasScores = DataCsv.ReadHeader(csv, path, Columns, ColumnsWithScore) == 1;
        var width = hasScores ? ColumnsWithScore.Length : Columns.Length;
        var result = new ImageBoxes(hasScores);
        while (csv.Read())
        {
            DataCsv.ExpectCells(csv, path, width);
            var image = DataCsv.Text(csv, 0, path, "image path");
            var box = new Box(
                DataCsv.Number(csv, 1, path, "x1"),
                DataCsv.Number(csv, 2, path, "y1"),
                DataCsv.Number(csv, 3, path, "x2"),
                DataCsv.Number(csv, 4, path, "y2"));
            if (box.X2 < box.X1 || box.Y2 < box.Y1)
            {
                throw new DataFormatException(path, DataCsv.Line(csv), string.Create(CultureInfo.InvariantCulture,
                    $"box ({box.X1}, {box.Y1}, {box.X2}, {box.Y2}) has x2 < x1 or y2 < y1"));
            }

            result.Add(image, box, hasScores ? DataCsv.Number(csv, 5, path, "score") : null);
        }

        return result;
    }
}
