using Srn.PartialLabels.Masking;

namespace Srn.Experiments.Runs;

/// <summary>Applies a partial-label protocol to a training label matrix (Srn.PartialLabels.Masking).</summary>
internal static class LabelMasks
{
    /// <summary>The masked labels; the mask seed is the reference's 0 unless a run names another (docs/partial-labels.md).</summary>
    public static sbyte[,] Apply(sbyte[,] labels, string protocol, double proportion, int maskSeed) =>
        LabelMasking.Apply(labels, MaskingProtocols.Parse(protocol), proportion, checked((uint)maskSeed));
}
