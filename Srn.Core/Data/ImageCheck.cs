namespace Srn.Data;

/// <summary>The outcome of checking a manifest's images on disk (<see cref="Manifest.CheckImages"/>).</summary>
/// <param name="Manifest">The manifest to use: the input itself, or without the rows whose image is missing when they were dropped.</param>
/// <param name="Dropped">The images whose rows were dropped because the file does not exist; empty when none were.</param>
public sealed record ImageCheck(Manifest Manifest, IReadOnlyList<string> Dropped)
{
    /// <summary>How many rows were dropped.</summary>
    public int DroppedCount => Dropped.Count;
}
