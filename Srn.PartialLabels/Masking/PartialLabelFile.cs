using System.Globalization;
using Srn.Data;

namespace Srn.PartialLabels.Masking;

/// <summary>
/// The <c>file</c> masking protocol: a user's partial label matrix, written as a manifest (<c>image,&lt;class 1&gt;,...</c>)
/// whose hidden labels are 0. Rows are matched to the dataset by image path and columns by class name, so either may be
/// in another order; the result follows the dataset's order.
/// </summary>
/// <remarks>
/// The file must describe exactly the dataset: the same set of classes and of images, each image once, and every known
/// cell equal to the dataset's label there (a partial label file may hide a label, never change or reveal one). Any
/// other file is an error naming the file, the line and the class. The PyTorch side has no equivalent; papers ship such
/// matrices as <c>.npy</c> files in dataset order.
/// </remarks>
public static class PartialLabelFile
{
    /// <summary>Reads a partial label file and aligns it to the dataset.</summary>
    /// <param name="path">The partial label file (a manifest).</param>
    /// <param name="dataset">The training split with its full labels.</param>
    /// <returns>The dataset's Count x ClassCount matrix with the file's labels.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is malformed or does not match the dataset; the message names the file, line and class.</exception>
    public static sbyte[,] Read(string path, Manifest dataset)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(dataset);
        return Align(Manifest.Read(path), dataset, path);
    }

    /// <summary>Aligns a partial label manifest, already read, to the dataset.</summary>
    /// <param name="partial">The partial labels.</param>
    /// <param name="dataset">The training split with its full labels.</param>
    /// <param name="source">The name errors give for <paramref name="partial"/> (its file).</param>
    /// <returns>The dataset's Count x ClassCount matrix with the partial labels.</returns>
    /// <exception cref="DataFormatException">The partial labels do not match the dataset; the message names the source, line and class.</exception>
    public static sbyte[,] Align(Manifest partial, Manifest dataset, string source)
    {
        ArgumentNullException.ThrowIfNull(partial);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(source);
        var columns = MatchClasses(partial, dataset, source);
        var rows = MatchImages(partial, dataset, source);
        var result = new sbyte[dataset.Count, dataset.ClassCount];
        for (var n = 0; n < dataset.Count; n++)
        {
            var r = rows[n];
            var given = partial.Rows[r].Labels;
            var truth = dataset.Rows[n].Labels;
            for (var c = 0; c < dataset.ClassCount; c++)
            {
                var value = given[columns[c]];
                if (value != 0 && value != truth[c])
                {
                    throw new DataFormatException(source, partial.LineOf(r), string.Create(CultureInfo.InvariantCulture,
                        $"image '{partial.Rows[r].Image}', class '{dataset.Classes[c]}': the file says {value} but the dataset says {truth[c]}; a partial label file may keep a label (same value) or hide it (0), never change or reveal one"));
                }

                result[n, c] = value;
            }
        }

        return result;
    }

    /// <summary>For each dataset class, its column in the partial manifest.</summary>
    private static int[] MatchClasses(Manifest partial, Manifest dataset, string source)
    {
        for (var j = 0; j < partial.ClassCount; j++)
        {
            if (dataset.IndexOfClass(partial.Classes[j]) < 0)
            {
                throw new DataFormatException(source, HeaderLine(partial), string.Create(CultureInfo.InvariantCulture,
                    $"class '{partial.Classes[j]}' (column {j + 2}) is not a class of the dataset{DatasetName(dataset)}, whose {dataset.ClassCount} classes are: {List(dataset.Classes)}"));
            }
        }

        var columns = new int[dataset.ClassCount];
        for (var c = 0; c < dataset.ClassCount; c++)
        {
            columns[c] = partial.IndexOfClass(dataset.Classes[c]);
            if (columns[c] < 0)
            {
                throw new DataFormatException(source, HeaderLine(partial), $"the dataset's class '{dataset.Classes[c]}' is missing from the header");
            }
        }

        return columns;
    }

    /// <summary>For each dataset row, its row in the partial manifest.</summary>
    private static int[] MatchImages(Manifest partial, Manifest dataset, string source)
    {
        var byImage = new Dictionary<string, int>(partial.Count, StringComparer.Ordinal);
        for (var r = 0; r < partial.Count; r++)
        {
            if (!byImage.TryAdd(partial.Rows[r].Image, r))
            {
                var first = byImage[partial.Rows[r].Image];
                throw new DataFormatException(source, partial.LineOf(r), string.Create(CultureInfo.InvariantCulture,
                    $"image '{partial.Rows[r].Image}' is listed twice (first on line {partial.LineOf(first)})"));
            }
        }

        var rows = new int[dataset.Count];
        var used = new bool[partial.Count];
        var missing = new List<string>();
        var seen = new Dictionary<string, int>(dataset.Count, StringComparer.Ordinal);
        for (var n = 0; n < dataset.Count; n++)
        {
            var image = dataset.Rows[n].Image;
            if (!seen.TryAdd(image, n))
            {
                throw new DataFormatException(dataset.Source ?? "dataset", dataset.LineOf(n),
                    $"image '{image}' is listed twice, so the partial label file {source} cannot be matched to the dataset by image");
            }

            if (byImage.TryGetValue(image, out var r))
            {
                rows[n] = r;
                used[r] = true;
            }
            else
            {
                missing.Add(image);
            }
        }

        for (var r = 0; r < partial.Count; r++)
        {
            if (!used[r])
            {
                throw new DataFormatException(source, partial.LineOf(r), $"image '{partial.Rows[r].Image}' is not in the dataset{DatasetName(dataset)}");
            }
        }

        if (missing.Count > 0)
        {
            throw new DataFormatException(source, 0, string.Create(CultureInfo.InvariantCulture,
                $"{missing.Count} of the dataset's {dataset.Count} images are missing from the file, for example: {List(missing)}"));
        }

        return rows;
    }

    private static int HeaderLine(Manifest partial) => partial.Count > 0 && partial.LineOf(0) > 1 ? partial.LineOf(0) - 1 : 1;

    private static string DatasetName(Manifest dataset) => dataset.Source is null ? string.Empty : $" ({dataset.Source})";

    private static string List(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(10).Select(n => $"'{n}'")) + (names.Count > 10 ? $", ... ({names.Count - 10} more)" : string.Empty);
}
