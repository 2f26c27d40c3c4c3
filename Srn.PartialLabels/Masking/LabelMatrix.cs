using Srn.Data;

namespace Srn.PartialLabels.Masking;

/// <summary>Converts between a <see cref="Manifest"/> and the N x C label matrix the masking protocols work on.</summary>
public static class LabelMatrix
{
    /// <summary>The labels of a manifest as an N x C matrix (rows in file order, columns in class order).</summary>
    /// <param name="manifest">The manifest.</param>
    /// <returns>A new matrix of 1, -1 and 0.</returns>
    public static sbyte[,] Of(Manifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var result = new sbyte[manifest.Count, manifest.ClassCount];
        for (var n = 0; n < manifest.Count; n++)
        {
            var row = manifest.Rows[n].Labels;
            for (var c = 0; c < row.Length; c++)
            {
                result[n, c] = row[c];
            }
        }

        return result;
    }

    /// <summary>A manifest with the classes and images of <paramref name="like"/> and the labels of <paramref name="labels"/>.</summary>
    /// <param name="like">Gives the classes and the image of each row.</param>
    /// <param name="labels">Count x ClassCount labels, each 1, -1 or 0.</param>
    /// <returns>The new manifest (made in memory: no source).</returns>
    /// <exception cref="ArgumentException">The matrix does not have the manifest's shape, or a label is not 1, -1 or 0.</exception>
    public static Manifest ToManifest(Manifest like, sbyte[,] labels)
    {
        ArgumentNullException.ThrowIfNull(like);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.GetLength(0) != like.Count || labels.GetLength(1) != like.ClassCount)
        {
            throw new ArgumentException(
                $"The label matrix is {labels.GetLength(0)} x {labels.GetLength(1)} but the manifest has {like.Count} images and {like.ClassCount} classes.", nameof(labels));
        }

        var rows = new ManifestRow[like.Count];
        var row = new sbyte[like.ClassCount];
        for (var n = 0; n < rows.Length; n++)
        {
            for (var c = 0; c < row.Length; c++)
            {
                row[c] = labels[n, c];
            }

            rows[n] = new ManifestRow(like.Rows[n].Image, row);
        }

        return new Manifest(like.Classes, rows);
    }
}
