namespace Srn.Data;

/// <summary>Options of <see cref="NusWideReader"/>.</summary>
public sealed record NusWideOptions : DatasetReaderOptions
{
    /// <summary>
    /// Whether to drop images with none of the 81 concepts. Defaults to false (the official split, 161,789 / 107,859).
    /// SRN drops them and the missing images (119,986 / 80,283).
    /// </summary>
    public bool DropUntagged { get; init; }

    /// <summary>The directory under the root that holds the images in the lists' sub-directories. Defaults to <c>Flickr</c>.</summary>
    public string ImageDirectory { get; init; } = "Flickr";
}
