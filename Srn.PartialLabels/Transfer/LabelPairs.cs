namespace Srn.PartialLabels.Transfer;

/// <summary>
/// The unordered class pairs (i, j) with i &lt; j, in the reference's order: i outer, j inner, so pair k of C classes is
/// (0, 1), (0, 2), ..., (0, C − 1), (1, 2), ..., (C − 2, C − 1); P = C (C − 1) / 2 pairs.
/// </summary>
/// <remarks>Same as <c>getConcatIndex</c> of HCPLab-SYSU/HCP-MLR-PL's SST and HST (<c>model/SST.py</c>, <c>loss/SST.py</c>).</remarks>
public static class LabelPairs
{
    /// <summary>P = C (C − 1) / 2.</summary>
    /// <param name="numClasses">C.</param>
    /// <returns>The number of pairs.</returns>
    /// <exception cref="ArgumentOutOfRangeException">For C below 2 (there is no pair).</exception>
    public static int Count(int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 2);
        return checked(numClasses * (numClasses - 1) / 2);
    }

    /// <summary>The pairs as two index arrays: pair k is (<c>First[k]</c>, <c>Second[k]</c>).</summary>
    /// <param name="numClasses">C.</param>
    /// <returns>The first and second classes of every pair.</returns>
    /// <exception cref="ArgumentOutOfRangeException">For C below 2.</exception>
    public static (long[] First, long[] Second) Of(int numClasses)
    {
        var first = new long[Count(numClasses)];
        var second = new long[first.Length];
        var k = 0;
        for (var i = 0; i < numClasses - 1; i++)
        {
            for (var j = i + 1; j < numClasses; j++)
            {
                first[k] = i;
                second[k] = j;
                k++;
            }
        }

        return (first, second);
    }
}
