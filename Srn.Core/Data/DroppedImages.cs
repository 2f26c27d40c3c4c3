namespace Srn.Data;

/// <summary>Images a dataset reader left out of a split, for one reason.</summary>
/// <param name="Split">"train" or "test".</param>
/// <param name="Reason">Why, in words ("image file missing", "no annotations", "no tags").</param>
/// <param name="Images">The images left out, as their paths would have been written in the manifest.</param>
public sealed record DroppedImages(string Split, string Reason, IReadOnlyList<string> Images)
{
    /// <summary>How many images were left out.</summary>
    public int Count => Images.Count;

    /// <inheritdoc/>
    public override string ToString() => $"{Split}: dropped {Count} ({Reason})";
}
