namespace Srn.PartialLabels.Masking;

/// <summary>
/// How the known labels of a training split are chosen (docs/partial-labels.md, "Masking protocols"). The command line
/// and results files spell them <c>hcp</c>, <c>per-image</c>, <c>single-positive</c> and <c>file</c>
/// (<see cref="MaskingProtocols.Parse"/>).
/// </summary>
public enum MaskingProtocol
{
    /// <summary>
    /// The reference protocol of HCP-MLR-PL: entry (n, c) stays known iff <c>u[n, c] &lt; p</c> with
    /// <c>u = RandomState(seed).random_sample((N, C))</c>. Positives and negatives alike; masks nest across proportions.
    /// </summary>
    Hcp,

    /// <summary>Each image loses exactly <c>round((1 - p) * C)</c> labels chosen uniformly at random (Durand et al. 2019).</summary>
    PerImage,

    /// <summary>Each image keeps one random positive; every other label is unknown (Cole et al. 2021). The proportion is not used.</summary>
    SinglePositive,

    /// <summary>The known labels come from a user's partial label file (a manifest with 0 cells).</summary>
    File,
}
