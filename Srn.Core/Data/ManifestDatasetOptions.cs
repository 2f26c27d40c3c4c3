namespace Srn.Data;

/// <summary>Options of <see cref="ManifestDatasetReader"/>.</summary>
public sealed record ManifestDatasetOptions : DatasetReaderOptions
{
    /// <summary>The dataset name: the files are <c>&lt;name&gt;.train.csv</c> and <c>&lt;name&gt;.test.csv</c>. Null: the only such pair in the root.</summary>
    public string? Name { get; init; }

    /// <summary>The directory image paths are relative to. Defaults to the root.</summary>
    public string? ImageRoot { get; init; }
}
