namespace Srn.Distillation;

/// <summary>What a stored teacher is: enough to refuse loading it into a different network or for other classes.</summary>
/// <param name="Backbone">Registry backbone name.</param>
/// <param name="ImageSize">Input side in pixels.</param>
/// <param name="ClassNames">Class names, in order.</param>
/// <param name="Hidden">fc6/fc7 width.</param>
/// <param name="RoIAlign">Whether the head pools with RoIAlign (otherwise RoIPool).</param>
public sealed record TeacherIdentity(string Backbone, int ImageSize, IReadOnlyList<string> ClassNames, int Hidden, bool RoIAlign)
{
    /// <summary>Whether two identities describe the same teacher (class names compared in order).</summary>
    /// <param name="other">The other identity.</param>
    /// <returns>True when every field agrees.</returns>
    public bool SameTeacher(TeacherIdentity other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(Backbone, other.Backbone, StringComparison.OrdinalIgnoreCase) && ImageSize == other.ImageSize && Hidden == other.Hidden
            && RoIAlign == other.RoIAlign && ClassNames.SequenceEqual(other.ClassNames, StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Backbone} at {ImageSize}px, hidden {Hidden}, {(RoIAlign ? "RoIAlign" : "RoIPool")}, classes [{string.Join(", ", ClassNames)}]";
}
