using System.Globalization;

namespace Srn.Torch;

/// <summary>
/// One entry of a Python-style index <c>t[...]</c>: an integer, a slice, <c>...</c>, <c>None</c> (new axis),
/// a bool, or a tensor of int64 indices / a bool mask. C# values convert implicitly, so
/// <c>t[0, 1..3, ^1]</c> is <c>t[0, 1:3, -1]</c> and <c>t[.., mask]</c> is <c>t[:, mask]</c>.
/// </summary>
/// <remarks>
/// Same as the indices accepted by <c>torch.Tensor.__getitem__</c> / <c>__setitem__</c> (C++ <c>at::indexing::TensorIndex</c>).
/// A C# <see cref="System.Index"/> from the end, <c>^k</c>, is the negative index <c>-k</c>; in a
/// <see cref="System.Range"/>, an end of <c>^0</c> means "to the end" (<c>None</c>).
/// A tensor index is borrowed, not owned: keep it alive until the indexing call returns.
/// <c>default(TensorIndex)</c> is <see cref="NewAxis"/>.
/// </remarks>
public readonly struct TensorIndex : IEquatable<TensorIndex>
{
    /// <summary>The value that stands for an omitted slice bound in the native encoding.</summary>
    internal const long NoBound = long.MinValue;

    private TensorIndex(TensorIndexKind kind, long start = 0, long stop = 0, long step = 0, Tensor? tensor = null)
    {
        Kind = kind;
        Start = start;
        Stop = stop;
        Step = step;
        Tensor = tensor;
    }

    /// <summary><c>...</c>: as many full slices as needed to index every remaining dimension.</summary>
    public static TensorIndex Ellipsis => new(TensorIndexKind.Ellipsis);

    /// <summary><c>None</c>: inserts a new dimension of size 1.</summary>
    public static TensorIndex NewAxis => new(TensorIndexKind.NewAxis);

    /// <summary>What this index is.</summary>
    public TensorIndexKind Kind { get; }

    /// <summary>The integer of a <see cref="TensorIndexKind.Integer"/>, the value (0 or 1) of a <see cref="TensorIndexKind.Boolean"/>, or the start of a slice (<see cref="long.MinValue"/> when omitted).</summary>
    public long Start { get; }

    /// <summary>The exclusive stop of a slice (<see cref="long.MinValue"/> when omitted).</summary>
    public long Stop { get; }

    /// <summary>The step of a slice.</summary>
    public long Step { get; }

    /// <summary>The tensor of a <see cref="TensorIndexKind.Tensor"/> index.</summary>
    public Tensor? Tensor { get; }

    /// <summary>The slice <c>start:stop:step</c>; a null bound is omitted (Python's <c>None</c>).</summary>
    /// <param name="start">First index (negative counts from the end), or null for the beginning.</param>
    /// <param name="stop">Exclusive end (negative counts from the end), or null for the end.</param>
    /// <param name="step">The step; libtorch requires it to be positive.</param>
    /// <returns>The slice index.</returns>
    public static TensorIndex Slice(long? start = null, long? stop = null, long step = 1) =>
        new(TensorIndexKind.Slice, start ?? NoBound, stop ?? NoBound, step);

    /// <summary>Selects one position of a dimension and removes that dimension, like <c>t[i]</c>.</summary>
    /// <param name="index">The position (negative counts from the end).</param>
    /// <returns>The integer index.</returns>
    public static TensorIndex Single(long index) => new(TensorIndexKind.Integer, index);

    /// <summary>A bool index: <c>true</c> adds a dimension of size 1, <c>false</c> one of size 0.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The bool index.</returns>
    public static TensorIndex Bool(bool value) => new(TensorIndexKind.Boolean, value ? 1 : 0);

    /// <summary>An index tensor: int64 positions (advanced indexing) or a bool mask.</summary>
    /// <param name="tensor">The index tensor.</param>
    /// <returns>The tensor index.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="tensor"/> is null.</exception>
    public static TensorIndex FromTensor(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new(TensorIndexKind.Tensor, tensor: tensor);
    }

    /// <summary>The integer index <paramref name="index"/> (same as <see cref="Single"/>).</summary>
    /// <param name="index">The position.</param>
    /// <returns>The integer index.</returns>
    public static TensorIndex FromInt64(long index) => Single(index);

    /// <summary>The integer index <paramref name="index"/> (same as <see cref="Single"/>).</summary>
    /// <param name="index">The position.</param>
    /// <returns>The integer index.</returns>
    public static TensorIndex FromInt32(int index) => Single(index);

    /// <summary>The bool index <paramref name="value"/> (same as <see cref="Bool"/>).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The bool index.</returns>
    public static TensorIndex FromBoolean(bool value) => Bool(value);

    /// <summary>
    /// The integer index of a C# <see cref="System.Index"/>: <c>i</c> stays <c>i</c>, <c>^k</c> becomes <c>-k</c>.
    /// <c>^0</c> is past the last element of any dimension; indexing with it throws <see cref="ArgumentOutOfRangeException"/>.
    /// </summary>
    /// <param name="index">The C# index.</param>
    /// <returns>The integer index.</returns>
    public static TensorIndex FromIndex(Index index)
    {
        if (!index.IsFromEnd)
        {
            return Single(index.Value);
        }

        return index.Value == 0 ? new(TensorIndexKind.PastEnd) : Single(-(long)index.Value);
    }

    /// <summary>
    /// The slice of a C# <see cref="System.Range"/> with step 1: <c>a..b</c> is <c>a:b</c>, <c>^k</c> is <c>-k</c>,
    /// an end of <c>^0</c> is "to the end", and <c>..</c> is <c>:</c>.
    /// </summary>
    /// <param name="range">The C# range.</param>
    /// <returns>The slice index.</returns>
    public static TensorIndex FromRange(Range range)
    {
        var s = range.Start;
        var e = range.End;
        long start = !s.IsFromEnd ? s.Value : s.Value == 0 ? long.MaxValue : -(long)s.Value;
        long? stop = !e.IsFromEnd ? e.Value : e.Value == 0 ? null : -(long)e.Value;
        return Slice(start, stop);
    }

    /// <summary>Converts an integer to an integer index.</summary>
    /// <param name="index">The position.</param>
    public static implicit operator TensorIndex(long index) => FromInt64(index);

    /// <summary>Converts an integer to an integer index.</summary>
    /// <param name="index">The position.</param>
    public static implicit operator TensorIndex(int index) => FromInt32(index);

    /// <summary>Converts a bool to a bool index.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator TensorIndex(bool value) => FromBoolean(value);

    /// <summary>Converts a C# index (<c>^1</c> is the last element) to an integer index.</summary>
    /// <param name="index">The C# index.</param>
    public static implicit operator TensorIndex(Index index) => FromIndex(index);

    /// <summary>Converts a C# range (<c>1..^1</c>) to a slice.</summary>
    /// <param name="range">The C# range.</param>
    public static implicit operator TensorIndex(Range range) => FromRange(range);

    /// <summary>Converts an int64 index tensor or a bool mask to a tensor index.</summary>
    /// <param name="tensor">The index tensor.</param>
    public static implicit operator TensorIndex(Tensor tensor) => FromTensor(tensor);

    /// <summary>Whether two indices are the same (tensor indices compare by reference).</summary>
    /// <param name="left">One index.</param>
    /// <param name="right">The other.</param>
    /// <returns>True when equal.</returns>
    public static bool operator ==(TensorIndex left, TensorIndex right) => left.Equals(right);

    /// <summary>Whether two indices differ.</summary>
    /// <param name="left">One index.</param>
    /// <param name="right">The other.</param>
    /// <returns>True when different.</returns>
    public static bool operator !=(TensorIndex left, TensorIndex right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(TensorIndex other) =>
        Kind == other.Kind && Start == other.Start && Stop == other.Stop && Step == other.Step && ReferenceEquals(Tensor, other.Tensor);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TensorIndex other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Start, Stop, Step, Tensor);

    /// <summary>The index as Python would write it (<c>1:3</c>, <c>...</c>, <c>None</c>, <c>-1</c>, <c>tensor</c>).</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Kind switch
    {
        TensorIndexKind.NewAxis => "None",
        TensorIndexKind.Ellipsis => "...",
        TensorIndexKind.Integer => Start.ToString(CultureInfo.InvariantCulture),
        TensorIndexKind.Boolean => Start != 0 ? "True" : "False",
        TensorIndexKind.Slice => Bound(Start) + ":" + Bound(Stop) + (Step == 1 ? string.Empty : ":" + Step.ToString(CultureInfo.InvariantCulture)),
        TensorIndexKind.Tensor => "tensor",
        TensorIndexKind.PastEnd => "^0",
        _ => "?",
    };

    private static string Bound(long b) => b == NoBound ? string.Empty : b.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What a <see cref="TensorIndex"/> selects.</summary>
public enum TensorIndexKind
{
    /// <summary><c>None</c>: a new dimension of size 1.</summary>
    NewAxis = 0,

    /// <summary><c>...</c>: all remaining dimensions.</summary>
    Ellipsis = 1,

    /// <summary>One position; the dimension is removed.</summary>
    Integer = 2,

    /// <summary><c>True</c> / <c>False</c>: a new dimension of size 1 / 0.</summary>
    Boolean = 3,

    /// <summary><c>start:stop:step</c>.</summary>
    Slice = 4,

    /// <summary>An int64 index tensor or a bool mask.</summary>
    Tensor = 5,

    /// <summary>The C# index <c>^0</c>, which is past the end of every dimension; using it throws.</summary>
    PastEnd = 6,
}
