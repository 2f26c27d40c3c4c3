namespace Srn.Data;

/// <summary>Options every dataset reader takes.</summary>
public record DatasetReaderOptions
{
    /// <summary>What to do with images whose file does not exist. Defaults to <see cref="MissingImagePolicy.Error"/>, which lists them all.</summary>
    public MissingImagePolicy MissingImages { get; init; } = MissingImagePolicy.Error;
}
