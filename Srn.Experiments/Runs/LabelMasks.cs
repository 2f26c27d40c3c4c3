using System.Globalization;
using Srn.PartialLabels.Masking;

namespace Srn.Experiments.Runs;

/// <summary>Applies a partial-label protocol to a training label matrix (Srn.PartialLabels.Masking).</summary>
internal static class LabelMasks
{
    /// <summary>
    /// The masked labels; the mask seed is the reference's 0 unless a run names another (docs/partial-labels.md).
    /// A mask that leaves no known label is refused (<see cref="CheckSomeKnown"/>): training on it sees no label at all.
    /// </summary>
    /// <exception cref="ArgumentException">A negative mask seed, or a proportion that keeps no label.</exception>
    public static sbyte[,] Apply(sbyte[,] labels, string protocol, double proportion, int maskSeed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (maskSeed < 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"--mask-seed must be at least 0 (a numpy RandomState seed, 0 to {int.MaxValue} here); got {maskSeed}."));
        }

        var masked = LabelMasking.Apply(labels, MaskingProtocols.Parse(protocol), proportion, (uint)maskSeed);
        CheckSomeKnown(Known(labels), Known(masked), protocol, proportion, maskSeed, "the training labels");
        return masked;
    }

    /// <summary>How many labels are known (1 or -1).</summary>
    public static long Known(sbyte[,] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        long known = 0;
        foreach (var v in labels)
        {
            known += v != 0 ? 1 : 0;
        }

        return known;
    }

    /// <summary>Refuses a mask that hides every known label, saying how many the proportion keeps and what would keep one.</summary>
    /// <param name="before">Known labels before masking.</param>
    /// <param name="after">Known labels after masking.</param>
    /// <param name="protocol">The protocol's name.</param>
    /// <param name="proportion">The proportion.</param>
    /// <param name="seed">The mask seed.</param>
    /// <param name="what">What was masked, for the message (a manifest's path).</param>
    /// <exception cref="ArgumentException">When <paramref name="after"/> is 0 and <paramref name="before"/> is not.</exception>
    public static void CheckSomeKnown(long before, long after, string protocol, double proportion, long seed, string what)
    {
        if (after > 0 || before == 0)
        {
            return;
        }

        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
            $"--proportion {proportion:G6} keeps 0 of the {before} known labels of {what} (protocol {protocol}, mask seed {seed}), "
            + $"so training would see no label; use a larger proportion (each label is kept with probability p: 1/{before} = {1.0 / before:G3} keeps one on average)."));
    }
}
