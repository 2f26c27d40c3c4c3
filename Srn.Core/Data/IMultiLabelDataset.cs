using Srn.Vision;

namespace Srn.Data;

/// <summary>One example: its decoded image (with boxes, when the dataset has them) and its label vector.</summary>
/// <param name="Sample">The image [C, H, W] and its boxes: a tensor of its own (or an alias), which the consumer disposes.</param>
/// <param name="Labels">Per class: 1 present, -1 absent, 0 unknown.</param>
/// <param name="Name">The image's name (manifest path), for reports.</param>
public sealed record MultiLabelItem(ImageSample Sample, sbyte[] Labels, string Name);

/// <summary>A multi-label image dataset: what <see cref="DataLoader"/> reads from. Implementations must be safe to call from several threads at once.</summary>
public interface IMultiLabelDataset
{
    /// <summary>Number of examples.</summary>
    int Count { get; }

    /// <summary>Class names in label order.</summary>
    IReadOnlyList<string> Classes { get; }

    /// <summary>Loads (decodes) one example.</summary>
    /// <param name="index">0..Count-1.</param>
    /// <returns>The example.</returns>
    /// <exception cref="InvalidDataException">When the image cannot be decoded (the message names the file).</exception>
    MultiLabelItem Load(int index);
}
