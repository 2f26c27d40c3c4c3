namespace Srn.Data;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): a tiny, fast, seedable generator whose output depends only on its seed, used so
/// that FashionScenes gives the same bytes for the same seed on every machine and thread count (libtorch's global generator
/// is not involved). Arithmetic is integer only.
/// </summary>
internal struct SplitMix64
{
    private const ulong Gamma = 0x9E3779B97F4A7C15;
    private ulong state;

    public SplitMix64(ulong seed) => state = seed;

    /// <summary>The generator of one scene: a function of the seed, the split and the scene index only.</summary>
    public static SplitMix64 ForScene(int seed, int split, int index) =>
        new(Mix(Mix(unchecked((ulong)seed)) ^ Mix(unchecked(((ulong)(uint)split << 32) | (uint)index) + Gamma)));

    /// <summary>The SplitMix64 finaliser.</summary>
    public static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        unchecked
        {
            state += Gamma;
        }

        return Mix(state);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [lo, hi).</summary>
    public double Uniform(double lo, double hi) => lo + ((hi - lo) * NextDouble());

    /// <summary>Uniform integer in [0, n) (multiply-shift on 32 random bits; n is small).</summary>
    public int NextInt(int n) => (int)(((Next() >> 32) * (ulong)n) >> 32);

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;
}
