namespace Srn.Experiments.Runs;

/// <summary>Applies a partial-label protocol to a training label matrix (Srn.PartialLabels.Masking).</summary>
internal static class LabelMasks
{
    public static sbyte[,] Apply(sbyte[,] labels, string protocol, double proportion, int seed) =>
        throw new NotSupportedException($"Partial labels (protocol '{protocol}', proportion {proportion}, seed {seed}) arrive with the masking protocols.");
}
