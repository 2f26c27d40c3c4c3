namespace Srn.Data;

/// <summary>How Pascal VOC objects marked <c>difficult</c> label their class when the image has no other object of it.</summary>
public enum VocDifficult
{
    /// <summary>The class is absent (-1), as HCP does (the default).</summary>
    Negative,

    /// <summary>The class is unknown (0), as ML-GCN does.</summary>
    Unknown,
}
