using System.Globalization;
using Srn.Data;

namespace Srn.PartialLabels.Masking;

/// <summary>
/// The masking protocols of docs/partial-labels.md: pure functions from a training label matrix (N images x C classes,
/// 1 present, -1 absent, 0 unknown) to the partial one, where hidden labels become 0. The input is never changed, and the
/// same (labels, protocol, proportion, seed) always gives the same mask. Every protocol draws from
/// <see cref="NumpyRandomState"/>, so each mask is also reproducible with numpy (the recipe is on each method).
/// </summary>
/// <remarks>
/// The PyTorch-side equivalent is HCP-MLR-PL's <c>changeLabelProportion</c> (<see cref="Hcp"/>); the other protocols are
/// written for numpy as given on each method. A label that is already 0 stays 0 under every protocol.
/// </remarks>
public static class LabelMasking
{
    /// <summary>The seed the reference uses (<c>np.random.seed(0)</c>).</summary>
    public const uint DefaultSeed = 0;

    /// <summary>Masks with a generated protocol: <see cref="Hcp"/>, <see cref="PerImage"/> or <see cref="SinglePositive"/>.</summary>
    /// <param name="labels">N x C labels, each 1, -1 or 0.</param>
    /// <param name="protocol">The protocol; <see cref="MaskingProtocol.File"/> needs the image names, see <see cref="Apply(Manifest, MaskingProtocol, double, uint, string?)"/>.</param>
    /// <param name="proportion">The share of labels kept, in (0, 1]; not used by <see cref="MaskingProtocol.SinglePositive"/>.</param>
    /// <param name="seed">The numpy seed.</param>
    /// <returns>A new N x C matrix.</returns>
    /// <exception cref="ArgumentException">A label is not 1, -1 or 0, or the protocol is <see cref="MaskingProtocol.File"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The protocol uses the proportion and it is outside (0, 1].</exception>
    public static sbyte[,] Apply(sbyte[,] labels, MaskingProtocol protocol, double proportion, uint seed = DefaultSeed) => protocol switch
    {
        MaskingProtocol.Hcp => Hcp(labels, proportion, seed),
        MaskingProtocol.PerImage => PerImage(labels, proportion, seed),
        MaskingProtocol.SinglePositive => SinglePositive(labels, seed),
        MaskingProtocol.File => throw new ArgumentException(
            "The 'file' protocol reads the known labels from a partial label file; use the overload that takes the dataset's manifest and the file.", nameof(protocol)),
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, $"Not a masking protocol; valid protocols: {string.Join(", ", MaskingProtocols.Names)}."),
    };

    /// <summary>
    /// Masks a dataset's manifest: its labels go through <see cref="Apply(sbyte[,], MaskingProtocol, double, uint)"/>, or,
    /// for <see cref="MaskingProtocol.File"/>, come from <paramref name="file"/> (<see cref="PartialLabelFile.Read"/>).
    /// </summary>
    /// <param name="dataset">The training split with its full labels.</param>
    /// <param name="protocol">The protocol.</param>
    /// <param name="proportion">The share of labels kept, in (0, 1]; used by <see cref="MaskingProtocol.Hcp"/> and <see cref="MaskingProtocol.PerImage"/> only.</param>
    /// <param name="seed">The numpy seed; not used by <see cref="MaskingProtocol.File"/>.</param>
    /// <param name="file">The partial label file, for <see cref="MaskingProtocol.File"/> only.</param>
    /// <returns>A manifest with the same classes and images (same order) and the masked labels.</returns>
    /// <exception cref="ArgumentException">The proportion is outside (0, 1] where it is used, or the file is missing for (or given to another protocol than) <see cref="MaskingProtocol.File"/>.</exception>
    /// <exception cref="DataFormatException">The partial label file is malformed or does not match the dataset; the message names the file, line and class.</exception>
    public static Manifest Apply(Manifest dataset, MaskingProtocol protocol, double proportion, uint seed = DefaultSeed, string? file = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (protocol == MaskingProtocol.File)
        {
            if (file is null)
            {
                throw new ArgumentException("The 'file' protocol needs the partial label file.", nameof(file));
            }

            return LabelMatrix.ToManifest(dataset, PartialLabelFile.Read(file, dataset));
        }

        if (file is not null)
        {
            throw new ArgumentException($"A partial label file is read by the 'file' protocol only, not by '{MaskingProtocols.NameOf(protocol)}'.", nameof(file));
        }

        return LabelMatrix.ToManifest(dataset, Apply(LabelMatrix.Of(dataset), protocol, proportion, seed));
    }

    /// <summary>
    /// The reference protocol: entry (n, c) stays known iff <c>u[n, c] &lt; p</c>, else it becomes 0, where
    /// <c>u = numpy.random.RandomState(seed).random_sample((N, C))</c> is drawn row-major. Positives and negatives are
    /// hidden alike, so an image can end with no known label; a label known at proportion p is known at every p' &gt; p.
    /// </summary>
    /// <param name="labels">N x C labels, each 1, -1 or 0.</param>
    /// <param name="proportion">The expected share of labels kept, in (0, 1]; 1 keeps every label.</param>
    /// <param name="seed">The numpy seed (the reference uses 0).</param>
    /// <returns>A new N x C matrix.</returns>
    /// <exception cref="ArgumentException">A label is not 1, -1 or 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The proportion is outside (0, 1].</exception>
    /// <remarks>Same as HCP-MLR-PL's <c>np.random.seed(seed); mask = np.random.random(labels.shape) &lt; p; labels * mask</c>.</remarks>
    public static sbyte[,] Hcp(sbyte[,] labels, double proportion, uint seed = DefaultSeed)
    {
        CheckLabels(labels);
        CheckProportion(proportion);
        var result = (sbyte[,])labels.Clone();
        var random = new NumpyRandomState(seed);
        for (var n = 0; n < result.GetLength(0); n++)
        {
            for (var c = 0; c < result.GetLength(1); c++)
            {
                if (!(random.RandomSample() < proportion))
                {
                    result[n, c] = 0;
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Each image loses exactly <c>k = round((1 - p) * C)</c> labels (round half to even, as Python's <c>round</c>), chosen
    /// uniformly at random: with <c>rng = numpy.random.RandomState(seed)</c>, image n in order sets
    /// <c>labels[n, rng.permutation(C)[:k]] = 0</c> (a permutation is drawn for every image, even when k is 0).
    /// </summary>
    /// <param name="labels">N x C labels, each 1, -1 or 0.</param>
    /// <param name="proportion">The share of labels kept per image, in (0, 1].</param>
    /// <param name="seed">The numpy seed.</param>
    /// <returns>A new N x C matrix.</returns>
    /// <exception cref="ArgumentException">A label is not 1, -1 or 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The proportion is outside (0, 1].</exception>
    /// <remarks>The per-image protocol of Durand et al. (CVPR 2019). <c>rng.choice(C, k, replace=False)</c> draws the same classes.</remarks>
    public static sbyte[,] PerImage(sbyte[,] labels, double proportion, uint seed = DefaultSeed)
    {
        CheckLabels(labels);
        CheckProportion(proportion);
        var result = (sbyte[,])labels.Clone();
        var classes = result.GetLength(1);
        var drop = PerImageDropCount(classes, proportion);
        var random = new NumpyRandomState(seed);
        for (var n = 0; n < result.GetLength(0); n++)
        {
            var order = random.Permutation(classes);
            for (var i = 0; i < drop; i++)
            {
                result[n, order[i]] = 0;
            }
        }

        return result;
    }

    /// <summary>The number of labels <see cref="PerImage"/> hides per image: <c>round((1 - p) * C)</c>, half to even.</summary>
    /// <param name="classes">C.</param>
    /// <param name="proportion">p, in (0, 1].</param>
    /// <returns>The count, from 0 to C.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The proportion is outside (0, 1] or the class count is negative.</exception>
    public static int PerImageDropCount(int classes, double proportion)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classes);
        CheckProportion(proportion);
        return (int)Math.Round((1 - proportion) * classes, MidpointRounding.ToEven);
    }

    /// <summary>
    /// Each image keeps one of its positives, chosen uniformly at random, and every other label becomes 0: with
    /// <c>rng = numpy.random.RandomState(seed)</c>, image n in order keeps <c>rng.choice(np.flatnonzero(labels[n] == 1))</c>.
    /// An image without a positive draws nothing and ends with no known label.
    /// </summary>
    /// <param name="labels">N x C labels, each 1, -1 or 0.</param>
    /// <param name="seed">The numpy seed.</param>
    /// <returns>A new N x C matrix.</returns>
    /// <exception cref="ArgumentException">A label is not 1, -1 or 0.</exception>
    /// <remarks>The single-positive setting of Cole et al. (CVPR 2021, "Multi-Label Learning from Single Positive Labels").</remarks>
    public static sbyte[,] SinglePositive(sbyte[,] labels, uint seed = DefaultSeed)
    {
        CheckLabels(labels);
        var (rows, classes) = (labels.GetLength(0), labels.GetLength(1));
        var result = new sbyte[rows, classes];
        var random = new NumpyRandomState(seed);
        var positives = new List<int>(classes);
        for (var n = 0; n < rows; n++)
        {
            positives.Clear();
            for (var c = 0; c < classes; c++)
            {
                if (labels[n, c] == 1)
                {
                    positives.Add(c);
                }
            }

            if (positives.Count > 0)
            {
                result[n, positives[random.RandInt(positives.Count)]] = 1;
            }
        }

        return result;
    }

    /// <summary>Checks a known-label proportion.</summary>
    /// <param name="proportion">The share of labels kept.</param>
    /// <exception cref="ArgumentOutOfRangeException">When it is not in (0, 1] (NaN included).</exception>
    public static void CheckProportion(double proportion)
    {
        if (!(proportion > 0 && proportion <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(proportion), proportion, string.Create(CultureInfo.InvariantCulture,
                $"The known-label proportion must be in (0, 1] (0.1 keeps 10% of the labels, 1 keeps them all); got {proportion}."));
        }
    }

    private static void CheckLabels(sbyte[,] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        for (var n = 0; n < labels.GetLength(0); n++)
        {
            for (var c = 0; c < labels.GetLength(1); c++)
            {
                if (labels[n, c] is not (1 or -1 or 0))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"labels[{n}, {c}] is {labels[n, c]}; a label must be 1 (present), -1 (absent) or 0 (unknown)."), nameof(labels));
                }
            }
        }
    }
}
