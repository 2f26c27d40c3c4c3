namespace Srn.Data;

/// <summary>Options of <see cref="Coco2014Reader"/>.</summary>
public sealed record CocoOptions : DatasetReaderOptions
{
    /// <summary>
    /// Whether to drop images that have no annotations. Defaults to false: they are kept as all-negative, as HCP-MLR-PL and
    /// SRN do (82,783 train / 40,504 val); ASL and ML-GCN drop them (val 40,137).
    /// </summary>
    public bool DropUnannotated { get; init; }
}
