using Srn.Data;

namespace Srn.Training;

/// <summary>Derives independent 31-bit seeds from an experiment seed and integer coordinates (SplitMix64 finalizer).</summary>
public static class SeedMix
{
    /// <summary>A seed for the given coordinates; different coordinates give unrelated streams.</summary>
    /// <param name="seed">The experiment seed.</param>
    /// <param name="parts">Coordinates such as a purpose tag, an epoch, a batch.</param>
    /// <returns>A non-negative seed.</returns>
    public static int Of(int seed, params int[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL);
        foreach (var p in parts)
        {
            z = SplitMix64.Mix(z ^ unchecked((ulong)(uint)p + 0x9E3779B97F4A7C15UL));
        }

        return (int)(SplitMix64.Mix(z) >> 33);
    }
}
