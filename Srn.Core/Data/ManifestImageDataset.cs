using Srn.Torch.IO;
using Srn.Vision;

namespace Srn.Data;

/// <summary>
/// A manifest's images on disk as a <see cref="IMultiLabelDataset"/>: each example is decoded with
/// <see cref="ImageCodec"/> (RGB, EXIF orientation applied) when loaded, with its manifest labels and, when a boxes
/// or proposals file is given, its boxes. Safe to load from several threads.
/// </summary>
public sealed class ManifestImageDataset : IMultiLabelDataset
{
    private readonly Manifest manifest;
    private readonly string imageRoot;
    private readonly ImageBoxes? boxes;

    /// <summary>Creates the dataset.</summary>
    /// <param name="manifest">The rows and classes.</param>
    /// <param name="imageRoot">Folder that the manifest's relative image paths start from.</param>
    /// <param name="boxes">Boxes (FashionScenes' boxes file, or proposals) by image name, or null.</param>
    public ManifestImageDataset(Manifest manifest, string imageRoot, ImageBoxes? boxes = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(imageRoot);
        this.manifest = manifest;
        this.imageRoot = imageRoot;
        this.boxes = boxes;
    }

    /// <inheritdoc/>
    public int Count => manifest.Count;

    /// <inheritdoc/>
    public IReadOnlyList<string> Classes => manifest.Classes;

    /// <summary>The manifest.</summary>
    public Manifest Manifest => manifest;

    /// <summary>Folder that the manifest's relative image paths start from.</summary>
    public string ImageRoot => imageRoot;

    /// <inheritdoc/>
    /// <exception cref="InvalidDataException">When the image does not decode; the message names the file.</exception>
    /// <exception cref="FileNotFoundException">When the image is missing.</exception>
    public MultiLabelItem Load(int index)
    {
        var row = manifest.Rows[index];
        var image = ImageCodec.Decode(Manifest.ResolveImage(imageRoot, row.Image));
        return new MultiLabelItem(new ImageSample(image, boxes?[row.Image]), row.Labels.ToArray(), row.Image);
    }
}
