namespace Srn.Data;

/// <summary>What a manifest load or a dataset reader does with rows whose image file does not exist.</summary>
public enum MissingImagePolicy
{
    /// <summary>Raise <see cref="MissingImagesException"/> listing every missing image at once (the default).</summary>
    Error,

    /// <summary>Drop the rows of missing images and say how many were dropped.</summary>
    Drop,

    /// <summary>Do not look at the image files at all (manifests built from annotations alone).</summary>
    Ignore,
}
