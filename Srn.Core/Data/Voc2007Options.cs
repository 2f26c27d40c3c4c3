namespace Srn.Data;

/// <summary>Options of <see cref="Voc2007Reader"/>.</summary>
public sealed record Voc2007Options : DatasetReaderOptions
{
    /// <summary>How a class seen only in difficult objects is labelled. Defaults to <see cref="VocDifficult.Negative"/>.</summary>
    public VocDifficult Difficult { get; init; } = VocDifficult.Negative;
}
