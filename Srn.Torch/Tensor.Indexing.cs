using Srn.Torch.Interop;

namespace Srn.Torch;

public sealed partial class Tensor
{
    /// <summary>
    /// Python-style indexing. Getting is <c>t[indices]</c> (basic indices give a view, tensor indices a copy);
    /// setting is <c>t[indices] = value</c>: it writes <paramref name="indices"/>' elements of this tensor in
    /// place, broadcasting <c>value</c>. Same as <c>torch.Tensor.__getitem__</c> / <c>__setitem__</c>.
    /// </summary>
    /// <param name="indices">Integers, ranges (<c>1..3</c>, <c>..</c>, <c>^1..</c>), <see cref="TensorIndex.Ellipsis"/>,
    /// <see cref="TensorIndex.NewAxis"/>, bools, int64 index tensors or bool masks.</param>
    /// <returns>The selected elements.</returns>
    /// <exception cref="ArgumentNullException">When the indices or the assigned value are null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">For the C# index <c>^0</c>.</exception>
    /// <exception cref="ArgumentException">When the indices hold more than one <see cref="TensorIndex.Ellipsis"/>.</exception>
    /// <exception cref="TorchException">When an index is out of range, there are too many indices, an index tensor has a
    /// wrong dtype, or the value does not broadcast to the selection.</exception>
    /// <remarks>Languages without C# indexers see this as the property <c>At</c>.</remarks>
    [System.Runtime.CompilerServices.IndexerName("At")] // "Item" is taken by Item<T>().
    public Tensor this[params TensorIndex[] indices]
    {
        get => Index(indices);
        set => IndexPut_(indices, value);
    }

    /// <summary>The elements selected by a Python-style index, as <c>t[indices]</c>. Same as <c>torch.Tensor.__getitem__</c>.</summary>
    /// <param name="indices">The indices (see the indexer).</param>
    /// <returns>The selection: a view for integers, slices, ellipsis and new axes; a copy when a tensor index is involved.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="indices"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">For the C# index <c>^0</c>.</exception>
    /// <exception cref="ArgumentException">When the indices hold more than one <see cref="TensorIndex.Ellipsis"/>.</exception>
    /// <exception cref="TorchException">When an index is out of range or an index tensor is neither int64 nor bool.</exception>
    public Tensor Index(params TensorIndex[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var (kinds, values) = Encode(indices);
        using var borrowed = Borrow(indices);
        return Wrap(NativeMethods.srn_index(Handle, kinds, values, borrowed.Pointers, indices.Length));
    }

    /// <summary>
    /// Writes <paramref name="value"/> (broadcast) into the selected elements of this tensor, in place: <c>t[indices] = value</c>.
    /// Same as <c>torch.Tensor.__setitem__</c> / C++ <c>Tensor::index_put_</c>.
    /// </summary>
    /// <param name="indices">The indices (see the indexer).</param>
    /// <param name="value">The values; converted to this tensor's dtype.</param>
    /// <returns>This tensor.</returns>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">For the C# index <c>^0</c>.</exception>
    /// <exception cref="ArgumentException">When the indices hold more than one <see cref="TensorIndex.Ellipsis"/>.</exception>
    /// <exception cref="TorchException">When an index is out of range, the value does not broadcast to the selection,
    /// or this is a leaf that requires grad.</exception>
    public Tensor IndexPut_(TensorIndex[] indices, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(value);
        var (kinds, values) = Encode(indices);
        using var borrowed = Borrow(indices);
        NativeMethods.Check(NativeMethods.srn_index_put_(Handle, kinds, values, borrowed.Pointers, indices.Length, value.Handle));
        return this;
    }

    /// <summary>Fills the selected elements of this tensor with one value, in place: <c>t[indices] = value</c>. Same as <c>torch.Tensor.__setitem__</c> with a number.</summary>
    /// <param name="indices">The indices (see the indexer).</param>
    /// <param name="value">The value; converted to this tensor's dtype.</param>
    /// <returns>This tensor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="indices"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">For the C# index <c>^0</c>.</exception>
    /// <exception cref="ArgumentException">When the indices hold more than one <see cref="TensorIndex.Ellipsis"/>.</exception>
    /// <exception cref="TorchException">When an index is out of range, or this is a leaf that requires grad.</exception>
    public Tensor IndexPut_(TensorIndex[] indices, double value)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var (kinds, values) = Encode(indices);
        using var borrowed = Borrow(indices);
        NativeMethods.Check(NativeMethods.srn_index_put_scalar_(Handle, kinds, values, borrowed.Pointers, indices.Length, NativeScalar.From(value)));
        return this;
    }

    /// <summary>The entries at <paramref name="index"/> along <paramref name="dim"/>. Same as <c>torch.index_select</c>.</summary>
    /// <param name="dim">The dimension (negative counts from the end).</param>
    /// <param name="index">A 1-D int64 (or int32) tensor of positions.</param>
    /// <returns>A new tensor whose <paramref name="dim"/> has the length of <paramref name="index"/>.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="index"/> is null.</exception>
    /// <exception cref="TorchException">When a position is out of range, the index is not 1-D or has a wrong dtype.</exception>
    public Tensor IndexSelect(long dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        return Wrap(NativeMethods.srn_index_select(Handle, dim, index.Handle));
    }

    /// <summary>
    /// Picks values along a dimension: <c>out[i][j] = self[index[i][j]][j]</c> for <c>dim = 0</c>, and so on.
    /// Same as <c>torch.gather</c>.
    /// </summary>
    /// <param name="dim">The dimension (negative counts from the end).</param>
    /// <param name="index">An int64 tensor with as many dimensions as this one.</param>
    /// <returns>A new tensor of the index's shape.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="index"/> is null.</exception>
    /// <exception cref="TorchException">When the index is not int64, a position is out of range, or the shapes do not fit.</exception>
    public Tensor Gather(long dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        return Wrap(NativeMethods.srn_gather(Handle, dim, index.Handle));
    }

    /// <summary>
    /// A copy of this tensor with values of <paramref name="src"/> written at the positions of <paramref name="index"/>
    /// along <paramref name="dim"/> (the inverse of <see cref="Gather"/>). Same as <c>torch.scatter(input, dim, index, src)</c>.
    /// </summary>
    /// <param name="dim">The dimension (negative counts from the end).</param>
    /// <param name="index">An int64 tensor of target positions.</param>
    /// <param name="src">The values; at least as large as <paramref name="index"/> in every dimension, same dtype as this.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    /// <exception cref="TorchException">When the index is not int64, a position is out of range, or the shapes or dtypes do not fit.</exception>
    public Tensor Scatter(long dim, Tensor index, Tensor src)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(src);
        return Wrap(NativeMethods.srn_scatter(Handle, dim, index.Handle, src.Handle));
    }

    /// <summary>A copy of this tensor with <paramref name="value"/> written at the positions of <paramref name="index"/> along <paramref name="dim"/>. Same as <c>torch.scatter(input, dim, index, value)</c>.</summary>
    /// <param name="dim">The dimension (negative counts from the end).</param>
    /// <param name="index">An int64 tensor of target positions.</param>
    /// <param name="value">The value written.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="index"/> is null.</exception>
    /// <exception cref="TorchException">When the index is not int64 or a position is out of range.</exception>
    public Tensor Scatter(long dim, Tensor index, double value)
    {
        ArgumentNullException.ThrowIfNull(index);
        return Wrap(NativeMethods.srn_scatter_value(Handle, dim, index.Handle, NativeScalar.From(value)));
    }

    /// <summary>A copy of this tensor with the values of <paramref name="src"/> added at the positions of <paramref name="index"/> along <paramref name="dim"/> (repeated positions accumulate). Same as <c>torch.scatter_add</c>.</summary>
    /// <param name="dim">The dimension (negative counts from the end).</param>
    /// <param name="index">An int64 tensor of target positions.</param>
    /// <param name="src">The values added; same dtype as this.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    /// <exception cref="TorchException">When the index is not int64, a position is out of range, or the shapes or dtypes do not fit.</exception>
    public Tensor ScatterAdd(long dim, Tensor index, Tensor src)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(src);
        return Wrap(NativeMethods.srn_scatter_add(Handle, dim, index.Handle, src.Handle));
    }

    /// <summary>A copy of this tensor with <paramref name="value"/> where <paramref name="mask"/> is true. Same as <c>torch.masked_fill</c>.</summary>
    /// <param name="mask">A bool tensor broadcastable to this tensor's shape.</param>
    /// <param name="value">The fill value, converted to this tensor's dtype.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="mask"/> is null.</exception>
    /// <exception cref="TorchException">When the mask is not bool (libtorch itself would ignore a float mask) or does not broadcast.</exception>
    public Tensor MaskedFill(Tensor mask, double value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return Wrap(NativeMethods.srn_masked_fill(Handle, mask.Handle, NativeScalar.From(value)));
    }

    /// <summary>A copy of this tensor with the 0-dim <paramref name="value"/> where <paramref name="mask"/> is true (differentiable in the value). Same as <c>torch.masked_fill</c> with a tensor value.</summary>
    /// <param name="mask">A bool tensor broadcastable to this tensor's shape.</param>
    /// <param name="value">A 0-dim tensor.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    /// <exception cref="TorchException">When the mask is not bool (libtorch itself would ignore a float mask) or does not broadcast, or the value is not 0-dim.</exception>
    public Tensor MaskedFill(Tensor mask, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(value);
        return Wrap(NativeMethods.srn_masked_fill_tensor(Handle, mask.Handle, value.Handle));
    }

    /// <summary>Elementwise choice: <paramref name="x"/> where <paramref name="condition"/> is true, else <paramref name="y"/> (all broadcast, types promoted). Same as <c>torch.where(condition, x, y)</c>.</summary>
    /// <param name="condition">A bool tensor.</param>
    /// <param name="x">Values where the condition holds.</param>
    /// <param name="y">Values elsewhere.</param>
    /// <returns>A new tensor of the broadcast shape.</returns>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    /// <exception cref="TorchException">When the condition is not bool or the shapes do not broadcast.</exception>
    public static Tensor Where(Tensor condition, Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return WhereCore(condition, x, default, y, default);
    }

    /// <summary>Elementwise choice between a tensor and a number. Same as <c>torch.where(condition, x, y)</c> with a float <c>y</c>.</summary>
    /// <param name="condition">A bool tensor.</param>
    /// <param name="x">Values where the condition holds.</param>
    /// <param name="y">The value elsewhere (a float scalar: an integer <paramref name="x"/> gives a float result).</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    /// <exception cref="TorchException">When the condition is not bool or the shapes do not broadcast.</exception>
    public static Tensor Where(Tensor condition, Tensor x, double y)
    {
        ArgumentNullException.ThrowIfNull(x);
        return WhereCore(condition, x, default, null, NativeScalar.From(y));
    }

    /// <summary>Elementwise choice between a number and a tensor. Same as <c>torch.where(condition, x, y)</c> with a float <c>x</c>.</summary>
    /// <param name="condition">A bool tensor.</param>
    /// <param name="x">The value where the condition holds (a float scalar).</param>
    /// <param name="y">Values elsewhere.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    /// <exception cref="TorchException">When the condition is not bool or the shapes do not broadcast.</exception>
    public static Tensor Where(Tensor condition, double x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        return WhereCore(condition, null, NativeScalar.From(x), y, default);
    }

    /// <summary>Elementwise choice between two numbers (default float dtype). Same as <c>torch.where(condition, x, y)</c> with float scalars.</summary>
    /// <param name="condition">A bool tensor.</param>
    /// <param name="x">The value where the condition holds.</param>
    /// <param name="y">The value elsewhere.</param>
    /// <returns>A new tensor of the condition's shape.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="condition"/> is null.</exception>
    /// <exception cref="TorchException">When the condition is not bool.</exception>
    public static Tensor Where(Tensor condition, double x, double y) =>
        WhereCore(condition, null, NativeScalar.From(x), null, NativeScalar.From(y));

    /// <summary>Elementwise choice between a tensor and an integer (an integer tensor stays integral). Same as <c>torch.where(condition, x, y)</c> with an int <c>y</c>.</summary>
    /// <param name="condition">A bool tensor.</param>
    /// <param name="x">Values where the condition holds.</param>
    /// <param name="y">The value elsewhere.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    /// <exception cref="TorchException">When the condition is not bool or the shapes do not broadcast.</exception>
    public static Tensor Where(Tensor condition, Tensor x, long y)
    {
        ArgumentNullException.ThrowIfNull(x);
        return WhereCore(condition, x, default, null, NativeScalar.From(y));
    }

    /// <summary>Elementwise choice between an integer and a tensor. Same as <c>torch.where(condition, x, y)</c> with an int <c>x</c>.</summary>
    /// <param name="condition">A bool tensor.</param>
    /// <param name="x">The value where the condition holds.</param>
    /// <param name="y">Values elsewhere.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    /// <exception cref="TorchException">When the condition is not bool or the shapes do not broadcast.</exception>
    public static Tensor Where(Tensor condition, long x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        return WhereCore(condition, null, NativeScalar.From(x), y, default);
    }

    /// <summary>Elementwise choice between two integers (int64 result). Same as <c>torch.where(condition, x, y)</c> with int scalars.</summary>
    /// <param name="condition">A bool tensor.</param>
    /// <param name="x">The value where the condition holds.</param>
    /// <param name="y">The value elsewhere.</param>
    /// <returns>A new tensor of the condition's shape.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="condition"/> is null.</exception>
    /// <exception cref="TorchException">When the condition is not bool.</exception>
    public static Tensor Where(Tensor condition, long x, long y) =>
        WhereCore(condition, null, NativeScalar.From(x), null, NativeScalar.From(y));

    /// <summary>The positions of the non-zero elements, one row per element. Same as <c>torch.nonzero</c>.</summary>
    /// <returns>An int64 tensor of shape [n, Dim].</returns>
    public Tensor NonZero() => Wrap(NativeMethods.srn_nonzero(Handle));

    /// <summary>The positions of the non-zero elements, one 1-D int64 tensor per dimension (usable as an index). Same as <c>torch.nonzero(input, as_tuple=True)</c>.</summary>
    /// <returns>Dim tensors of length n (one tensor for a 0-dim input).</returns>
    public Tensor[] NonZeroAsTuple() => WrapList(NativeMethods.srn_nonzero_tuple(Handle));

    private static Tensor WhereCore(Tensor condition, Tensor? x, NativeScalar xs, Tensor? y, NativeScalar ys)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return Wrap(NativeMethods.srn_where(condition.Handle, HandleOrNull(x), xs, HandleOrNull(y), ys));
    }

    /// <summary>The (kinds, values) arrays of the native index encoding (see srn_index in srn_native.h).</summary>
    private static (int[] Kinds, long[] Values) Encode(TensorIndex[] indices)
    {
        var kinds = new int[indices.Length];
        var values = new long[3 * indices.Length];
        var ellipses = 0;
        for (var k = 0; k < indices.Length; k++)
        {
            var ix = indices[k];
            if (ix.Kind == TensorIndexKind.Ellipsis && ++ellipses > 1)
            {
                throw new ArgumentException($"an index can only have a single ellipsis (...); index {k} is a second one", nameof(indices));
            }

            if (ix.Kind == TensorIndexKind.PastEnd)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), $"index {k} is ^0, which is past the last element of any dimension (the last element is ^1)");
            }

            if (ix.Kind == TensorIndexKind.Tensor && ix.Tensor is null)
            {
                throw new ArgumentNullException(nameof(indices), $"index {k} is a null tensor");
            }

            kinds[k] = (int)ix.Kind;
            values[3 * k] = ix.Start;
            values[(3 * k) + 1] = ix.Stop;
            values[(3 * k) + 2] = ix.Step;
        }

        return (kinds, values);
    }

    private static BorrowedHandles Borrow(TensorIndex[] indices)
    {
        var borrowed = new BorrowedHandles(indices.Length);
        try
        {
            for (var k = 0; k < indices.Length; k++)
            {
                if (indices[k].Kind == TensorIndexKind.Tensor)
                {
                    borrowed.Set(k, indices[k].Tensor!.Handle);
                }
            }

            return borrowed;
        }
        catch
        {
            borrowed.Dispose();
            throw;
        }
    }
}
