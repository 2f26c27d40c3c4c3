namespace Srn.Data;

/// <summary>Options of <see cref="Vg200Reader"/>.</summary>
public sealed record Vg200Options : DatasetReaderOptions
{
    /// <summary>
    /// A text file with the 200 class names, one per line, in class-index order. HCP-MLR-PL's label index file has indices
    /// only; without names the classes are called <c>class_000</c> to <c>class_199</c>.
    /// </summary>
    public string? ClassNamesFile { get; init; }

    /// <summary>The directory of <c>vg_category_200_labels_index.json</c> and the two lists. Defaults to the root.</summary>
    public string? MetadataDirectory { get; init; }
}
