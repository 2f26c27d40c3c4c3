namespace Srn.Data;

/// <summary>Label statistics of a manifest: positives per class, co-occurrence, labels per image.</summary>
public sealed class LabelStatistics
{
    private readonly int[] positives;
    private readonly int[,] cooccurrence;
    private readonly int[] cardinality;

    private LabelStatistics(IReadOnlyList<string> classes, int images, int[] positives, int[,] cooccurrence, int[] cardinality)
    {
        Classes = classes;
        Images = images;
        this.positives = positives;
        this.cooccurrence = cooccurrence;
        this.cardinality = cardinality;
    }

    /// <summary>The class names.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The number of images.</summary>
    public int Images { get; }

    /// <summary>Positives per class.</summary>
    public IReadOnlyList<int> Positives => positives;

    /// <summary>The mean number of positive labels per image.</summary>
    public double MeanPositivesPerImage => Images == 0 ? 0 : positives.Sum() / (double)Images;

    /// <summary>How many images have exactly <paramref name="count"/> positive labels.</summary>
    /// <param name="count">The number of positives.</param>
    /// <returns>The number of images.</returns>
    public int ImagesWithPositives(int count) => count >= 0 && count < cardinality.Length ? cardinality[count] : 0;

    /// <summary>How many images have both classes positive (the diagonal is <see cref="Positives"/>).</summary>
    /// <param name="a">A class index.</param>
    /// <param name="b">A class index.</param>
    /// <returns>The count.</returns>
    public int CoOccurrence(int a, int b) => cooccurrence[a, b];

    /// <summary>P(b positive | a positive), the conditional probability ML-GCN builds its graph from; 0 when a has no positives.</summary>
    /// <param name="a">The conditioning class.</param>
    /// <param name="b">The other class.</param>
    /// <returns>The probability.</returns>
    public double Conditional(int a, int b) => positives[a] == 0 ? 0 : cooccurrence[a, b] / (double)positives[a];

    /// <summary>Computes the statistics.</summary>
    /// <param name="manifest">The manifest.</param>
    /// <returns>The statistics.</returns>
    public static LabelStatistics Of(Manifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var n = manifest.ClassCount;
        var positives = new int[n];
        var co = new int[n, n];
        var cardinality = new int[n + 1];
        var present = new List<int>(n);
        foreach (var row in manifest.Rows)
        {
            present.Clear();
            present.AddRange(row.PositiveClasses());
            cardinality[present.Count]++;
            foreach (var a in present)
            {
                positives[a]++;
                foreach (var b in present)
                {
                    co[a, b]++;
                }
            }
        }

        return new LabelStatistics(manifest.Classes, manifest.Count, positives, co, cardinality);
    }
}
