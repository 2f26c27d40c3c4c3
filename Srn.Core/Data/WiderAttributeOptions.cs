namespace Srn.Data;

/// <summary>Options of <see cref="WiderAttributeReader"/>.</summary>
public sealed record WiderAttributeOptions : DatasetReaderOptions
{
    /// <summary>
    /// Where the person crops are written (created if needed; existing crops of the same names are overwritten). The
    /// manifests' image paths are relative to it. Required.
    /// </summary>
    public string? CropDirectory { get; init; }

    /// <summary>How attributes annotated 0 (unspecified) are labelled. Defaults to <see cref="WiderUnspecified.Unknown"/>.</summary>
    public WiderUnspecified Unspecified { get; init; } = WiderUnspecified.Unknown;

    /// <summary>The directory under the root that the JSON files' <c>file_name</c>s are relative to. Defaults to <c>Image</c>.</summary>
    public string ImageDirectory { get; init; } = "Image";

    /// <summary>The directory of the two JSON files; when null they are looked for in the root and in <c>Anno/</c>, <c>Annotations/</c> and <c>wider_attribute_annotation/</c>.</summary>
    public string? AnnotationDirectory { get; init; }

    /// <summary>Threads that decode images and write crops; 0 uses every processor.</summary>
    public int Threads { get; init; }
}
