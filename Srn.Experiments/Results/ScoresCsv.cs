using System.Globalization;

namespace Srn.Experiments.Results;

/// <summary>
/// <c>scores.csv</c> of <c>srn eval --out</c> and <c>srn predict</c>: <c>image,&lt;class 1&gt;,...,&lt;class C&gt;</c>, one
/// row per image in the order given, each cell the class's probability (the sigmoid of the method's logit) with 9
/// significant digits; <c>srn predict</c> adds a last column <c>top_labels</c>, the K most probable classes joined by
/// <c>;</c> (highest first, ties in class order). Without <c>top_labels</c> the file is a score file of
/// <c>srn metrics --scores</c>. Written atomically in the dialect of <see cref="CsvCells"/>.
/// </summary>
internal static class ScoresCsv
{
    /// <summary>The file name <c>srn eval --out DIR</c> writes.</summary>
    public const string FileName = "scores.csv";

    /// <summary>The name of the top-K column.</summary>
    public const string TopLabelsColumn = "top_labels";

    /// <summary>Probabilities from logits: the logistic sigmoid of each cell, in double precision.</summary>
    /// <param name="logits">N x C logits (<see cref="Srn.Training.Evaluation.Scores"/>).</param>
    /// <returns>A new N x C matrix in (0, 1).</returns>
    public static double[,] Sigmoid(double[,] logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var result = new double[logits.GetLength(0), logits.GetLength(1)];
        for (var i = 0; i < result.GetLength(0); i++)
        {
            for (var j = 0; j < result.GetLength(1); j++)
            {
                result[i, j] = 1.0 / (1.0 + Math.Exp(-logits[i, j]));
            }
        }

        return result;
    }

    /// <summary>
    /// Writes the file atomically. For <c>srn eval</c>:
    /// <c>ScoresCsv.Write(Path.Combine(dir, ScoresCsv.FileName), evaluation.Names, setup.ClassNames, ScoresCsv.Sigmoid(evaluation.Scores))</c>.
    /// </summary>
    /// <param name="path">The file; its directory is created.</param>
    /// <param name="imageNames">One name per row (as the user or the manifest gave it).</param>
    /// <param name="classNames">The class names, in column order.</param>
    /// <param name="probabilities">N x C probabilities in [0, 1] (NaN is written as an empty cell).</param>
    /// <param name="topK">When positive, adds <c>top_labels</c> with this many classes (at most C).</param>
    /// <exception cref="ArgumentException">When the shapes disagree, a class is named <c>image</c> or <c>top_labels</c>, or a probability is outside [0, 1].</exception>
    public static void Write(string path, IReadOnlyList<string> imageNames, IReadOnlyList<string> classNames, double[,] probabilities, int topK = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(imageNames);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(probabilities);
        var (n, c) = (probabilities.GetLength(0), probabilities.GetLength(1));
        if (n != imageNames.Count || c != classNames.Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{n} x {c} scores for {imageNames.Count} images and {classNames.Count} classes"), nameof(probabilities));
        }

        if (classNames.FirstOrDefault(name => name == "image" || (topK > 0 && name == TopLabelsColumn)) is { } clash)
        {
            throw new ArgumentException($"a class is named '{clash}', which is a column of {FileName} of its own", nameof(classNames));
        }

        var k = Math.Min(topK, c);
        var rows = new List<string[]>(n);
        for (var i = 0; i < n; i++)
        {
            var cells = new string[1 + c + (k > 0 ? 1 : 0)];
            cells[0] = imageNames[i];
            for (var j = 0; j < c; j++)
            {
                var p = probabilities[i, j];
                if (!double.IsNaN(p) && !(p >= 0 && p <= 1))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"the score of '{imageNames[i]}' for class '{classNames[j]}' is {p}, not a probability (pass logits through ScoresCsv.Sigmoid)"), nameof(probabilities));
                }

                cells[1 + j] = CsvCells.Float32(p);
            }

            if (k > 0)
            {
                cells[^1] = string.Join(';', TopClasses(probabilities, i, k).Select(j => classNames[j]));
            }

            rows.Add(cells);
        }

        IEnumerable<string> header = ["image", .. classNames];
        CsvCells.Write(path, k > 0 ? header.Append(TopLabelsColumn) : header, rows);
    }

    /// <summary>The indices of row <paramref name="row"/>'s <paramref name="k"/> highest scores, highest first; ties in class order; NaN last.</summary>
    public static int[] TopClasses(double[,] scores, int row, int k)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return [.. Enumerable.Range(0, scores.GetLength(1))
            .OrderByDescending(j => double.IsNaN(scores[row, j]) ? double.NegativeInfinity : scores[row, j])
            .ThenBy(j => j)
            .Take(k)];
    }
}
