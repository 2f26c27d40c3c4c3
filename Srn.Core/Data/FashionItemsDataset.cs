using Srn.Vision;

namespace Srn.Data;

/// <summary>
/// Single-item pictures of the Fashion-MNIST training split (<see cref="FashionScenesGenerator.GenerateSingle"/>),
/// generated on demand: pictures <c>First</c> .. <c>First + Count - 1</c>, each labelled 1 for its item's class and -1
/// for the other nine. The pre-training set of <c>srn pretrain</c>; a disjoint index range gives a held-out set.
/// </summary>
/// <param name="generator">The generator (its seed and canvas size).</param>
/// <param name="first">Index of the first picture.</param>
/// <param name="count">Number of pictures.</param>
public sealed class FashionItemsDataset(FashionScenesGenerator generator, int first, int count) : IMultiLabelDataset
{
    private readonly FashionScenesGenerator generator = generator ?? throw new ArgumentNullException(nameof(generator));

    /// <summary>Index of the first picture.</summary>
    public int First { get; } = first >= 0 ? first : throw new ArgumentOutOfRangeException(nameof(first), first, "must be >= 0");

    /// <inheritdoc/>
    public int Count { get; } = count >= 0 && (long)first + count <= int.MaxValue ? count : throw new ArgumentOutOfRangeException(nameof(count), count, "must be >= 0 and first + count must fit an int");

    /// <inheritdoc/>
    public IReadOnlyList<string> Classes => FashionScenesGenerator.Classes;

    /// <inheritdoc/>
    public MultiLabelItem Load(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var picture = generator.GenerateSingle(First + index);
        return new MultiLabelItem(new ImageSample(picture.ToTensor()), [.. picture.Labels], $"item{First + index:D6}");
    }
}
