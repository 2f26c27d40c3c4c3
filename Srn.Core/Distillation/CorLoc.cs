using Srn.Vision;

namespace Srn.Distillation;

/// <summary>
/// Correct localization (Deselaers et al. 2012), the usual score of weakly-supervised detectors: over every (image,
/// class present in the image), the share whose highest-scoring box of that class overlaps a true box of that class
/// with IoU &gt;= 0.5.
/// </summary>
public static class CorLoc
{
    /// <summary>The IoU threshold.</summary>
    public const double Threshold = 0.5;

    /// <summary>Computes CorLoc.</summary>
    /// <param name="detections">Per image, scored boxes (their <see cref="Box.Class"/> is the class they are scored for).</param>
    /// <param name="groundTruth">Per image, the true boxes with their classes; the classes present are the distinct ones.</param>
    /// <returns>The share in [0, 1]; NaN when no image has a true box. A present class without a detection counts as a miss.</returns>
    /// <exception cref="ArgumentException">When the two lists have different lengths.</exception>
    public static double Compute(IReadOnlyList<IReadOnlyList<RegionDetection>> detections, IReadOnlyList<IReadOnlyList<Box>> groundTruth)
    {
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(groundTruth);
        if (detections.Count != groundTruth.Count)
        {
            throw new ArgumentException($"CorLoc: {detections.Count} images of detections but {groundTruth.Count} of ground truth.", nameof(groundTruth));
        }

        return Share(groundTruth, (i, c) =>
            detections[i].Where(d => d.Box.Class == c).MaxBy(d => d.Score) is { } top && groundTruth[i].Any(g => g.Class == c && IoU(top.Box, g) >= Threshold));
    }

    /// <summary>
    /// The best CorLoc any scoring of the proposals could reach: the share of (image, present class) pairs for which some
    /// proposal has IoU >= 0.5 with a true box of that class. CorLoc is at most this, so it separates a weak teacher
    /// from proposals that miss the objects.
    /// </summary>
    /// <param name="proposals">Per image, its proposals (classes ignored).</param>
    /// <param name="groundTruth">Per image, the true boxes with their classes.</param>
    /// <returns>The share in [0, 1]; NaN when no image has a true box.</returns>
    /// <exception cref="ArgumentException">When the two lists have different lengths.</exception>
    public static double UpperBound(IReadOnlyList<IReadOnlyList<Box>> proposals, IReadOnlyList<IReadOnlyList<Box>> groundTruth)
    {
        ArgumentNullException.ThrowIfNull(proposals);
        ArgumentNullException.ThrowIfNull(groundTruth);
        if (proposals.Count != groundTruth.Count)
        {
            throw new ArgumentException($"CorLoc: {proposals.Count} images of proposals but {groundTruth.Count} of ground truth.", nameof(groundTruth));
        }

        return Share(groundTruth, (i, c) => groundTruth[i].Any(g => g.Class == c && proposals[i].Any(p => IoU(p, g) >= Threshold)));
    }

    // The share of (image, present class) pairs for which hit(image, class) holds; NaN without any pair.
    private static double Share(IReadOnlyList<IReadOnlyList<Box>> groundTruth, Func<int, int, bool> hit)
    {
        var hits = 0;
        var total = 0;
        for (var i = 0; i < groundTruth.Count; i++)
        {
            foreach (var c in groundTruth[i].Select(b => b.Class).Distinct())
            {
                total++;
                hits += hit(i, c) ? 1 : 0;
            }
        }

        return total == 0 ? double.NaN : (double)hits / total;
    }

    /// <summary>Intersection over union of two boxes (continuous coordinates: a box's area is width x height).</summary>
    /// <param name="a">One box.</param>
    /// <param name="b">The other.</param>
    /// <returns>IoU in [0, 1]; 0 when both are empty.</returns>
    public static double IoU(Box a, Box b)
    {
        var w = Math.Max(0, Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1));
        var h = Math.Max(0, Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1));
        var inter = (double)w * h;
        var union = ((double)Math.Max(0, a.Width) * Math.Max(0, a.Height)) + ((double)Math.Max(0, b.Width) * Math.Max(0, b.Height)) - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
