using Srn.Torch;

namespace Srn.PartialLabels.Blending;

/// <summary>
/// Where a class-specific map peaks: the position of the largest channel sum S_ij = Σ_k F_ij,k, and its quadrant
/// q = 2·[row ≥ ⌊H/2⌋] + [col ≥ ⌊W/2⌋] (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right; on the 7 x 7 grid the
/// middle row and column, 3, belong to the bottom and right halves).
/// </summary>
/// <remarks>Same as the quadrant index of <c>computePrototype_featuremap</c> in HCPLab-SYSU/HCP-MLR-PL's <c>DSRB</c>.</remarks>
public static class Quadrants
{
    /// <summary>The number of quadrants.</summary>
    public const int Count = 4;

    /// <summary>The quadrant of a row-major position index on an H x W grid.</summary>
    /// <param name="position">row · W + col.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <returns>0..3.</returns>
    /// <exception cref="ArgumentOutOfRangeException">For a position outside the grid.</exception>
    public static int OfPosition(long position, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, (long)height * width);
        var row = position / width;
        var col = position % width;
        return (2 * (row >= height / 2 ? 1 : 0)) + (col >= width / 2 ? 1 : 0);
    }

    /// <summary>The peak quadrant of every map (ties: the first position in row-major order).</summary>
    /// <param name="maps">Maps <c>[..., HW, D]</c> (any leading dimensions).</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <returns>One quadrant per map, in row-major order of the leading dimensions.</returns>
    /// <exception cref="ArgumentException">When the maps' second-to-last dimension is not H·W.</exception>
    public static int[] OfMaps(Tensor maps, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(maps);
        if (maps.Dim < 2 || maps.Size(-2) != (long)height * width)
        {
            throw new ArgumentException($"expected maps [..., {height * width}, D] for a {height} x {width} grid, got [{string.Join(", ", maps.Shape)}]", nameof(maps));
        }

        using var scope = DisposeScope.Enter();
        using var noGrad = Autograd.NoGrad();
        var peaks = maps.Sum(-1).ArgMax(-1).Cpu().Reshape(-1).ToArray<long>();
        return peaks.Select(p => OfPosition(p, height, width)).ToArray();
    }
}
