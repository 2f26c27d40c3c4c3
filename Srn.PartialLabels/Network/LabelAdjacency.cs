using Srn.Torch;

namespace Srn.PartialLabels.Network;

/// <summary>The class co-occurrence matrix that drives the <see cref="GatedGnn"/>.</summary>
public static class LabelAdjacency
{
    /// <summary>
    /// The conditional co-occurrence of known positives in a (partially known) training label matrix:
    /// <code>
    /// A[i, j] = #(images where i and j are both known positive) / #(images where i is known positive)
    /// </code>
    /// so A[i, i] = 1 for every class with a known positive; a class without any gets a zero row (and A[i, i] = 0)
    /// instead of the reference's 0/0 = NaN.
    /// </summary>
    /// <remarks>
    /// Same as <c>get_graph_file</c> in HCPLab-SYSU/HCP-MLR-PL (<c>utils/dataloader.py</c>), whose diagonal is also 1 (each
    /// row is divided by its diagonal count); the reference calls <c>np.nan_to_num</c> but discards its result, so its
    /// rows for classes without known positives are NaN and poison the whole graph network — here they are zero.
    /// </remarks>
    /// <param name="labels">Labels <c>[N, C]</c> in {1 present, −1 absent, 0 unknown}.</param>
    /// <returns>A, float32 <c>[C, C]</c> on the CPU.</returns>
    /// <exception cref="ArgumentException">When the matrix has no class, or an entry is not −1, 0 or 1 (naming the entry).</exception>
    public static Tensor FromKnownPositives(sbyte[,] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var n = labels.GetLength(0);
        var c = labels.GetLength(1);
        if (c == 0)
        {
            throw new ArgumentException("the label matrix has no class", nameof(labels));
        }

        var counts = new long[c, c];
        var positives = new List<int>(c);
        for (var row = 0; row < n; row++)
        {
            positives.Clear();
            for (var j = 0; j < c; j++)
            {
                var y = labels[row, j];
                if (y is < -1 or > 1)
                {
                    throw new ArgumentException($"label [{row}, {j}] is {y}; labels must be 1 (present), -1 (absent) or 0 (unknown)", nameof(labels));
                }

                if (y == 1)
                {
                    positives.Add(j);
                }
            }

            foreach (var i in positives)
            {
                foreach (var j in positives)
                {
                    counts[i, j]++;
                }
            }
        }

        var a = new float[c * c];
        for (var i = 0; i < c; i++)
        {
            var rowCount = counts[i, i];
            if (rowCount == 0)
            {
                continue; // no known positive: a zero row
            }

            for (var j = 0; j < c; j++)
            {
                a[(i * c) + j] = (float)((double)counts[i, j] / rowCount);
            }
        }

        return Tensor.FromArray(a, [c, c]);
    }
}
