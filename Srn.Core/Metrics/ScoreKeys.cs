using System.Numerics;
using System.Runtime.CompilerServices;

namespace Srn.Metrics;

/// <summary>
/// Scores as unsigned integer keys whose order is the order of the doubles, and an LSD radix sort of such keys:
/// the AP walk compares keys, and a class of 40,000 scores sorts in a fraction of the time of a comparison sort.
/// </summary>
internal static class ScoreKeys
{
    private const ulong SignBit = 0x8000_0000_0000_0000UL;

    /// <summary>Below this many keys a comparison sort is faster than the histogram pass.</summary>
    private const int RadixThreshold = 256;

    /// <summary>The widest digit: 2,048 counters (8 KB) per pass stay in the L1 cache.</summary>
    private const int MaxDigitBits = 11;

    /// <summary>
    /// The key of a score (not NaN): the IEEE bits with the sign flipped for positives and all bits flipped for negatives,
    /// so that unsigned key order is numeric order. -0.0 becomes +0.0 first (x + 0.0), so equal scores have equal keys.
    /// </summary>
    /// <param name="score">The score.</param>
    /// <returns>The key.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong From(double score)
    {
        // Negative (sign bit set): flip every bit; otherwise flip the sign bit. Branch-free: scores of mixed sign would
        // mispredict a branch often.
        var bits = BitConverter.DoubleToUInt64Bits(score + 0.0);
        return bits ^ (SignBit | (ulong)((long)bits >> 63));
    }

    /// <summary>The score of a key (the inverse of <see cref="From"/>; -0.0 comes back as +0.0).</summary>
    /// <param name="key">The key.</param>
    /// <returns>The score.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToScore(ulong key) =>
        BitConverter.UInt64BitsToDouble(key ^ (SignBit | ~(ulong)((long)key >> 63)));

    /// <summary>
    /// Sorts keys ascending: an LSD radix sort over only the bits that differ between the keys (float32 scores widened to
    /// double leave 29 low bits at zero, and the top bits are shared by scores of similar magnitude), in digits of at most
    /// 11 bits, so 40,000 float32 logits take 4 scatter passes.
    /// </summary>
    /// <param name="keys">The keys; sorted in place.</param>
    /// <param name="scratch">A buffer at least as long as <paramref name="keys"/>.</param>
    public static void Sort(Span<ulong> keys, Span<ulong> scratch)
    {
        var n = keys.Length;
        if (n <= RadixThreshold)
        {
            keys.Sort();
            return;
        }

        ulong any = 0, all = ulong.MaxValue;
        foreach (var k in keys)
        {
            any |= k;
            all &= k;
        }

        var varying = any ^ all;
        if (varying == 0)
        {
            return; // all equal
        }

        var low = BitOperations.TrailingZeroCount(varying);
        var width = 64 - BitOperations.LeadingZeroCount(varying) - low;
        var passes = (width + MaxDigitBits - 1) / MaxDigitBits;
        var digitBits = (width + passes - 1) / passes;
        var buckets = 1 << digitBits;
        var mask = (ulong)(buckets - 1);

        Span<int> counts = stackalloc int[passes * buckets];
        counts.Clear();
        foreach (var k in keys)
        {
            var v = k >> low;
            for (var p = 0; p < passes; p++)
            {
                counts[(p * buckets) + (int)((v >> (p * digitBits)) & mask)]++;
            }
        }

        scratch = scratch[..n];
        var source = keys;
        var destination = scratch;
        for (var p = 0; p < passes; p++)
        {
            var count = counts.Slice(p * buckets, buckets);
            var shift = low + (p * digitBits);
            if (count[(int)((source[0] >> shift) & mask)] == n)
            {
                continue; // every key has this digit: the pass would not move anything
            }

            // Exclusive prefix sums: the first slot of each digit value.
            var offset = 0;
            for (var b = 0; b < buckets; b++)
            {
                var c = count[b];
                count[b] = offset;
                offset += c;
            }

            foreach (var k in source)
            {
                destination[count[(int)((k >> shift) & mask)]++] = k;
            }

            var swap = source;
            source = destination;
            destination = swap;
        }

        if (source != keys)
        {
            source.CopyTo(keys);
        }
    }
}
