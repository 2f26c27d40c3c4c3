namespace Srn.PartialLabels.Blending;

/// <summary>One blended (image, class) entry of <see cref="PrototypeBlending"/>.</summary>
/// <param name="Image">n.</param>
/// <param name="Class">c (unknown for the image, present in the bank).</param>
/// <param name="OwnQuadrant">q, the quadrant where the image's own map F_n,c peaks.</param>
/// <param name="PrototypeQuadrant">q' = (q − r) mod 4 with r ∈ {1, 2, 3}: always another quadrant.</param>
public readonly record struct PrototypeChoice(int Image, int Class, int OwnQuadrant, int PrototypeQuadrant);
