using Srn.Torch;
using Srn.Vision;

namespace Srn.Metrics;

/// <summary>
/// Pointing accuracy of per-label maps (attention, class activation): for every image and every class present in it (a
/// class with at least one box), a hit when the map's peak cell centre falls inside a box of that class. Reported per
/// class and overall, next to the chance rate: the hit rate of a cell drawn uniformly at random.
/// </summary>
/// <param name="Hits">Hits per class.</param>
/// <param name="Trials">Present (image, class) pairs per class.</param>
/// <param name="ChanceHits">Per class, the expected hits of a uniformly random cell (sum over trials of the share of cells inside a box).</param>
public sealed record PointingAccuracy(long[] Hits, long[] Trials, double[] ChanceHits)
{
    /// <summary>Overall accuracy in percent (all trials pooled); NaN without trials.</summary>
    public double Accuracy => 100.0 * Hits.Sum() / Trials.Sum();

    /// <summary>Chance accuracy in percent, pooled like <see cref="Accuracy"/>.</summary>
    public double Chance => 100.0 * ChanceHits.Sum() / Trials.Sum();

    /// <summary>An empty tally for <paramref name="classes"/> classes.</summary>
    /// <param name="classes">Number of classes.</param>
    /// <returns>The tally.</returns>
    public static PointingAccuracy Empty(int classes) => new(new long[classes], new long[classes], new double[classes]);

    /// <summary>Adds a batch of maps.</summary>
    /// <param name="maps">[B, C, h, w] maps (any real values; only the argmax matters).</param>
    /// <param name="boxes">Each image's boxes, in the coordinates of an image of <paramref name="height"/> x <paramref name="width"/>.</param>
    /// <param name="height">Image height the boxes refer to.</param>
    /// <param name="width">Image width the boxes refer to.</param>
    /// <exception cref="ArgumentException">When the shapes disagree or a box's class is out of range.</exception>
    public void Add(Tensor maps, IReadOnlyList<IReadOnlyList<Box>> boxes, double height, double width)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(boxes);
        if (maps.Shape is not [var b, var c, var h, var w] || b != boxes.Count || c != Hits.Length)
        {
            throw new ArgumentException($"Pointing: maps [{string.Join(", ", maps.Shape)}] do not match {boxes.Count} images of {Hits.Length} classes.", nameof(maps));
        }

        using var scope = DisposeScope.Enter();
        var peaks = maps.Reshape([b, c, h * w]).ArgMax(-1).ToArray<long>();
        for (var i = 0; i < b; i++)
        {
            foreach (var cls in boxes[i].Select(x => x.Class).Distinct())
            {
                if (cls < 0 || cls >= c)
                {
                    throw new ArgumentException($"Pointing: image {i} has a box of class {cls}, outside 0..{c - 1}.", nameof(boxes));
                }

                var own = boxes[i].Where(x => x.Class == cls).ToArray();
                var peak = peaks[(i * c) + cls];
                Trials[cls]++;
                if (Inside(own, peak / w, peak % w, h, w, height, width))
                {
                    Hits[cls]++;
                }

                var inside = 0;
                for (var cell = 0L; cell < h * w; cell++)
                {
                    inside += Inside(own, cell / w, cell % w, h, w, height, width) ? 1 : 0;
                }

                ChanceHits[cls] += (double)inside / (h * w);
            }
        }
    }

    private static bool Inside(Box[] boxes, long row, long col, long h, long w, double height, double width)
    {
        var y = (row + 0.5) * height / h;
        var x = (col + 0.5) * width / w;
        return boxes.Any(bx => x >= bx.X1 && x < bx.X2 && y >= bx.Y1 && y < bx.Y2);
    }
}
