namespace Srn.PartialLabels.Masking;

/// <summary>
/// The Mersenne Twister MT19937 exactly as numpy's legacy <c>numpy.random.RandomState(seed)</c> draws from it, so that a
/// mask made here is bit for bit the one the reference code (HCP-MLR-PL, which calls <c>np.random.seed(0)</c>) makes:
/// <code>
/// state      = init_genrand(seed)                          (Matsumoto and Nishimura's 2002 seeding)
/// u32        = the tempered MT19937 output
/// double     = ((u32 &gt;&gt; 5) * 67108864 + (u32' &gt;&gt; 6)) / 2^53   (two draws, 53 random bits, in [0, 1))
/// interval m = u32 &amp; mask, redrawn while &gt; m                    (mask = 2^k - 1, the smallest such &gt;= m)
/// </code>
/// </summary>
/// <remarks>
/// Same as <c>numpy.random.RandomState(seed)</c>: <see cref="RandomSample()"/> is <c>random_sample()</c> (also
/// <c>np.random.random</c>), <see cref="Interval"/> is the legacy <c>random_interval</c> behind <c>shuffle</c>,
/// <see cref="RandInt"/> is <c>randint(0, high)</c> (and so <c>choice(a)</c>), <see cref="Permutation"/> is
/// <c>permutation(n)</c>. MathNet.Numerics' <c>MersenneTwister</c> shares the state but not the doubles (it returns
/// one 32-bit draw times 2^-32, and its 53-bit method is commented out), so it cannot reproduce numpy's masks; the
/// 624-word generator is written here instead. Not thread-safe; one instance per stream.
/// </remarks>
public sealed class NumpyRandomState
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908b0dfu;
    private const uint UpperMask = 0x80000000u;
    private const uint LowerMask = 0x7fffffffu;

    private readonly uint[] state = new uint[N];
    private int position;

    /// <summary>Seeds the generator as <c>numpy.random.RandomState(seed)</c> does for an integer seed (<c>init_genrand</c>).</summary>
    /// <param name="seed">The seed; numpy accepts 0 to 2^32 - 1, the whole range of <see cref="uint"/>.</param>
    public NumpyRandomState(uint seed)
    {
        Seed = seed;
        state[0] = seed;
        for (var i = 1; i < N; i++)
        {
            // Knuth's multiplier; unchecked uint arithmetic is the reference's "& 0xffffffff".
            state[i] = unchecked((1812433253u * (state[i - 1] ^ (state[i - 1] >> 30))) + (uint)i);
        }

        position = N;
    }

    /// <summary>The seed this generator started from.</summary>
    public uint Seed { get; }

    /// <summary>The next 32-bit output (<c>genrand_int32</c>).</summary>
    /// <returns>A value uniform on [0, 2^32 - 1].</returns>
    public uint NextUInt32()
    {
        if (position >= N)
        {
            Regenerate();
        }

        var y = state[position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>
    /// The next double in [0, 1) with 53 random bits: <c>((a &gt;&gt; 5) * 67108864 + (b &gt;&gt; 6)) / 9007199254740992</c>
    /// for two consecutive 32-bit outputs a, b. Same as <c>RandomState.random_sample()</c>.
    /// </summary>
    /// <returns>The double.</returns>
    public double RandomSample()
    {
        var a = NextUInt32() >> 5;
        var b = NextUInt32() >> 6;
        return ((a * 67108864.0) + b) / 9007199254740992.0;
    }

    /// <summary>Fills <paramref name="destination"/> with <see cref="RandomSample()"/> values, in order.</summary>
    /// <param name="destination">The values to fill; a row-major <c>random_sample((n, c))</c> when it holds n * c values.</param>
    public void RandomSample(Span<double> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = RandomSample();
        }
    }

    /// <summary>
    /// A value uniform on [0, <paramref name="max"/>] by masked rejection: draw 32 bits, keep the lowest k (the fewest that
    /// can hold <paramref name="max"/>), redraw while the result exceeds <paramref name="max"/>. Draws nothing when
    /// <paramref name="max"/> is 0. Same as numpy's legacy <c>random_interval(max)</c>.
    /// </summary>
    /// <param name="max">The inclusive upper bound, at least 0.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="max"/> is negative.</exception>
    public int Interval(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (max == 0)
        {
            return 0;
        }

        var mask = (uint)max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > (uint)max)
        {
        }

        return (int)value;
    }

    /// <summary>A value uniform on [0, <paramref name="high"/>). Same as <c>RandomState.randint(high)</c> with the default int64 dtype.</summary>
    /// <param name="high">The exclusive upper bound, at least 1.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="high"/> is less than 1.</exception>
    public int RandInt(int high)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(high, 1);
        return Interval(high - 1);
    }

    /// <summary>
    /// A random permutation of 0..n-1: the Fisher-Yates shuffle of <c>arange(n)</c> that swaps position i with
    /// <see cref="Interval"/>(i) for i from n - 1 down to 1. Same as <c>RandomState.permutation(n)</c>.
    /// </summary>
    /// <param name="n">The length, at least 0.</param>
    /// <returns>The permutation.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="n"/> is negative.</exception>
    public int[] Permutation(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var result = new int[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = i;
        }

        for (var i = n - 1; i > 0; i--)
        {
            var j = Interval(i);
            (result[i], result[j]) = (result[j], result[i]);
        }

        return result;
    }

    private void Regenerate()
    {
        int k;
        for (k = 0; k < N - M; k++)
        {
            Twist(k, k + 1, k + M);
        }

        for (; k < N - 1; k++)
        {
            Twist(k, k + 1, k + M - N);
        }

        Twist(N - 1, 0, M - 1);
        position = 0;
    }

    private void Twist(int k, int next, int far)
    {
        var y = (state[k] & UpperMask) | (state[next] & LowerMask);
        state[k] = state[far] ^ (y >> 1) ^ ((y & 1u) == 0 ? 0u : MatrixA);
    }
}
