namespace Srn.Data;

/// <summary>Views of a dataset: a prefix of it, the same images with other labels (partial-label masks), or with more boxes (proposals).</summary>
public static class DatasetViews
{
    /// <summary>The first <paramref name="count"/> examples (all when <paramref name="count"/> is at least the size).</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="count">How many to keep (at least 1).</param>
    /// <returns>The view.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="count"/> is below 1.</exception>
    public static IMultiLabelDataset Take(IMultiLabelDataset dataset, int count)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return count >= dataset.Count ? dataset : new Prefix(dataset, count);
    }

    /// <summary>The same images with the given labels (N x C in 1 / -1 / 0), e.g. a partial-label mask of the originals.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="labels">The labels, one row per example.</param>
    /// <returns>The view.</returns>
    /// <exception cref="ArgumentException">When the shape differs from the dataset's, or a value is not 1, -1 or 0.</exception>
    public static IMultiLabelDataset WithLabels(IMultiLabelDataset dataset, sbyte[,] labels)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.GetLength(0) != dataset.Count || labels.GetLength(1) != dataset.Classes.Count)
        {
            throw new ArgumentException(
                $"Labels are {labels.GetLength(0)} x {labels.GetLength(1)}, but the dataset has {dataset.Count} examples and {dataset.Classes.Count} classes.", nameof(labels));
        }

        foreach (var v in labels)
        {
            if (v is not (1 or -1 or 0))
            {
                throw new ArgumentException($"Labels must be 1, -1 or 0, found {v}.", nameof(labels));
            }
        }

        return new Relabeled(dataset, (sbyte[,])labels.Clone());
    }

    /// <summary>
    /// The same examples with more boxes: each image's boxes in <paramref name="boxes"/> (by image name, e.g. a proposals
    /// file's, class -1) are appended to its own (e.g. ground truth), so the transforms move them all with the image and a
    /// loader with <see cref="DataLoaderOptions.IncludeBoxes"/> returns them in <see cref="Batch.Boxes"/>.
    /// </summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="boxes">The boxes by image name (the manifest's image paths).</param>
    /// <returns>The view; loading an image that <paramref name="boxes"/> does not list fails with <see cref="InvalidDataException"/> naming it.</returns>
    public static IMultiLabelDataset WithBoxes(IMultiLabelDataset dataset, ImageBoxes boxes)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(boxes);
        return new Boxed(dataset, boxes, boxes.Images.ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>The label matrix of a dataset (loads no image when the dataset is manifest-backed).</summary>
    /// <param name="dataset">The dataset.</param>
    /// <returns>N x C labels.</returns>
    public static sbyte[,] Labels(IMultiLabelDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var result = new sbyte[dataset.Count, dataset.Classes.Count];
        for (var i = 0; i < dataset.Count; i++)
        {
            var row = LabelsOf(dataset, i);
            for (var c = 0; c < row.Length; c++)
            {
                result[i, c] = row[c];
            }
        }

        return result;
    }

    private static sbyte[] LabelsOf(IMultiLabelDataset dataset, int index) => dataset switch
    {
        ManifestImageDataset m => [.. m.Manifest.Rows[index].Labels],
        Prefix p => LabelsOf(p.Inner, index),
        Relabeled r => Row(r.NewLabels, index),
        Boxed b => LabelsOf(b.Inner, index),
        _ => LoadLabels(dataset, index),
    };

    private static sbyte[] LoadLabels(IMultiLabelDataset dataset, int index)
    {
        var item = dataset.Load(index);
        item.Sample.Image.Dispose();
        return item.Labels;
    }

    private static sbyte[] Row(sbyte[,] labels, int index)
    {
        var row = new sbyte[labels.GetLength(1)];
        for (var c = 0; c < row.Length; c++)
        {
            row[c] = labels[index, c];
        }

        return row;
    }

    private sealed class Prefix(IMultiLabelDataset inner, int count) : IMultiLabelDataset
    {
        public IMultiLabelDataset Inner => inner;

        public int Count => count;

        public IReadOnlyList<string> Classes => inner.Classes;

        public MultiLabelItem Load(int index)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
            return inner.Load(index);
        }
    }

    private sealed class Relabeled(IMultiLabelDataset inner, sbyte[,] labels) : IMultiLabelDataset
    {
        public sbyte[,] NewLabels => labels;

        public int Count => inner.Count;

        public IReadOnlyList<string> Classes => inner.Classes;

        public MultiLabelItem Load(int index) => inner.Load(index) with { Labels = Row(labels, index) };
    }

    private sealed class Boxed(IMultiLabelDataset inner, ImageBoxes boxes, HashSet<string> images) : IMultiLabelDataset
    {
        public IMultiLabelDataset Inner => inner;

        public int Count => inner.Count;

        public IReadOnlyList<string> Classes => inner.Classes;

        public MultiLabelItem Load(int index)
        {
            var item = inner.Load(index);
            if (!images.Contains(item.Name))
            {
                item.Sample.Image.Dispose();
                throw new InvalidDataException($"image '{item.Name}' has no boxes in the proposals (or boxes) given for this dataset");
            }

            IReadOnlyList<Vision.Box> merged = item.Sample.Boxes is { Count: > 0 } own ? [.. own, .. boxes[item.Name]] : boxes[item.Name];
            return item with { Sample = item.Sample with { Boxes = merged } };
        }
    }
}
