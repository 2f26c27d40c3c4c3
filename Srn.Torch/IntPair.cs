namespace Srn.Torch;

/// <summary>
/// A (height, width) pair of integers: a 2-d kernel size, stride, padding, dilation or output size.
/// Like PyTorch's <c>int or (int, int)</c> arguments, it converts implicitly from one integer (used for
/// both) and from a tuple: <c>stride: 2</c>, <c>padding: (1, 0)</c>.
/// </summary>
/// <param name="H">The value along the height (rows).</param>
/// <param name="W">The value along the width (columns).</param>
public readonly record struct IntPair(long H, long W)
{
    /// <summary>The same value along both dimensions.</summary>
    /// <param name="both">The value.</param>
    public IntPair(long both)
        : this(both, both)
    {
    }

    /// <summary>The same value along both dimensions.</summary>
    /// <param name="both">The value.</param>
    public static implicit operator IntPair(long both) => new(both);

    /// <summary>A pair from a (height, width) tuple.</summary>
    /// <param name="pair">The values.</param>
    public static implicit operator IntPair((long H, long W) pair) => new(pair.H, pair.W);

    /// <summary>The same value along both dimensions (the named form of the implicit conversion).</summary>
    /// <param name="both">The value.</param>
    /// <returns>The pair.</returns>
    public static IntPair FromInt64(long both) => new(both);

    /// <summary>A pair from a (height, width) tuple (the named form of the implicit conversion).</summary>
    /// <param name="pair">The values.</param>
    /// <returns>The pair.</returns>
    public static IntPair FromValueTuple((long H, long W) pair) => new(pair.H, pair.W);

    /// <summary>The pair as "(H, W)".</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"({H}, {W})";
}
