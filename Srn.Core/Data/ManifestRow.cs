using System.Collections.Immutable;

namespace Srn.Data;

/// <summary>One image of a manifest and its label vector: 1 present, -1 absent, 0 unknown, in the manifest's class order.</summary>
public sealed class ManifestRow
{
    /// <summary>Creates a row. The labels are copied; <see cref="Manifest"/> checks their count and values.</summary>
    /// <param name="image">The image path, relative to an image root or absolute.</param>
    /// <param name="labels">One cell per class: 1, -1 or 0.</param>
    public ManifestRow(string image, ReadOnlySpan<sbyte> labels)
    {
        ArgumentNullException.ThrowIfNull(image);
        Image = image;
        Labels = labels.ToImmutableArray();
    }

    /// <summary>Creates a row from a label array (copied).</summary>
    /// <param name="image">The image path, relative to an image root or absolute.</param>
    /// <param name="labels">One cell per class: 1, -1 or 0.</param>
    public ManifestRow(string image, sbyte[] labels)
        : this(image, (labels ?? throw new ArgumentNullException(nameof(labels))).AsSpan())
    {
    }

    /// <summary>The image path as written in the manifest (forward slashes).</summary>
    public string Image { get; }

    /// <summary>One cell per class: 1 present, -1 absent, 0 unknown.</summary>
    public ImmutableArray<sbyte> Labels { get; }

    /// <summary>The indices of the classes marked present.</summary>
    /// <returns>Ascending class indices whose cell is 1.</returns>
    public IEnumerable<int> PositiveClasses()
    {
        for (var c = 0; c < Labels.Length; c++)
        {
            if (Labels[c] == 1)
            {
                yield return c;
            }
        }
    }

    /// <summary>A copy of this row with another image path.</summary>
    /// <param name="image">The new path.</param>
    /// <returns>The new row.</returns>
    public ManifestRow WithImage(string image) => new(image, Labels.AsSpan());
}
