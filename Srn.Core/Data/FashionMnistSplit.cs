namespace Srn.Data;

/// <summary>One split of Fashion-MNIST: 28x28 grayscale items (0 background, 255 brightest) and their class labels.</summary>
public sealed class FashionMnistSplit
{
    private readonly byte[] pixels;
    private readonly byte[] labels;
    private readonly int[][] byClass;

    internal FashionMnistSplit(string name, byte[] pixels, byte[] labels)
    {
        Name = name;
        this.pixels = pixels;
        this.labels = labels;
        byClass = [.. Enumerable.Range(0, FashionMnist.ClassNames.Count).Select(c => Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).ToArray())];
    }

    /// <summary>"train" (60,000 items) or "test" (10,000).</summary>
    public string Name { get; }

    /// <summary>The number of items.</summary>
    public int Count => labels.Length;

    /// <summary>The pixels of item <paramref name="index"/>, row-major 28x28.</summary>
    /// <param name="index">The item index in this split.</param>
    /// <returns>784 bytes.</returns>
    public ReadOnlySpan<byte> Image(int index) => pixels.AsSpan(index * FashionMnist.ItemPixels, FashionMnist.ItemPixels);

    /// <summary>The class of item <paramref name="index"/> (0..9, in <see cref="FashionMnist.ClassNames"/> order).</summary>
    /// <param name="index">The item index in this split.</param>
    /// <returns>The class index.</returns>
    public int Label(int index) => labels[index];

    /// <summary>The indices of the items of one class, ascending.</summary>
    /// <param name="cls">The class index.</param>
    /// <returns>The item indices.</returns>
    public IReadOnlyList<int> IndicesOf(int cls) => byClass[cls];
}
