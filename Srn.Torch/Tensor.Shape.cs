using Srn.Torch.Interop;

namespace Srn.Torch;

public sealed partial class Tensor
{
    /// <summary>
    /// A view with another shape over the same data (no copy). One size may be -1 and is inferred.
    /// Same as <c>Tensor.view</c>.
    /// </summary>
    /// <param name="shape">The new sizes; their product must equal <see cref="NumEl"/>.</param>
    /// <returns>The view, sharing storage with this tensor.</returns>
    /// <exception cref="TorchException">When the sizes do not match the number of elements, or the strides do not allow a view (use <see cref="Reshape"/>).</exception>
    public Tensor View(params ReadOnlySpan<long> shape) => Wrap(NativeMethods.srn_view(Handle, shape, shape.Length));

    /// <summary>
    /// This tensor with another shape: a view when the strides allow it, otherwise a copy. One size may be -1.
    /// Same as <c>torch.reshape</c>.
    /// </summary>
    /// <param name="shape">The new sizes; their product must equal <see cref="NumEl"/>.</param>
    /// <returns>The reshaped tensor.</returns>
    /// <exception cref="TorchException">When the sizes do not match the number of elements.</exception>
    public Tensor Reshape(params ReadOnlySpan<long> shape) => Wrap(NativeMethods.srn_reshape(Handle, shape, shape.Length));

    /// <summary>A view with the dimensions reordered. Same as <c>torch.permute</c>.</summary>
    /// <param name="dims">The source dimension of each output dimension: a permutation of 0..Dim-1 (negative values count from the end).</param>
    /// <returns>The permuted view.</returns>
    /// <exception cref="TorchException">When <paramref name="dims"/> is not a permutation of this tensor's dimensions.</exception>
    public Tensor Permute(params ReadOnlySpan<long> dims) => Wrap(NativeMethods.srn_permute(Handle, dims, dims.Length));

    /// <summary>A view with two dimensions swapped. Same as <c>torch.transpose</c>.</summary>
    /// <param name="dim0">The first dimension (negative counts from the end).</param>
    /// <param name="dim1">The second dimension.</param>
    /// <returns>The transposed view.</returns>
    /// <exception cref="TorchException">When a dimension is out of range.</exception>
    public Tensor Transpose(long dim0, long dim1) => Wrap(NativeMethods.srn_transpose(Handle, dim0, dim1));

    /// <summary>Merges the dimensions <paramref name="startDim"/>..<paramref name="endDim"/> into one. Same as <c>torch.flatten</c>.</summary>
    /// <param name="startDim">First dimension to merge (negative counts from the end).</param>
    /// <param name="endDim">Last dimension to merge, inclusive.</param>
    /// <returns>The flattened tensor (a view when possible, like <see cref="Reshape"/>).</returns>
    /// <exception cref="TorchException">When a dimension is out of range or <paramref name="startDim"/> comes after <paramref name="endDim"/>.</exception>
    public Tensor Flatten(long startDim = 0, long endDim = -1) => Wrap(NativeMethods.srn_flatten(Handle, startDim, endDim));

    /// <summary>A view without any dimension of size 1. Same as <c>torch.squeeze(input)</c>.</summary>
    /// <returns>The squeezed view.</returns>
    public Tensor Squeeze() => Wrap(NativeMethods.srn_squeeze(Handle));

    /// <summary>A view without dimension <paramref name="dim"/> if its size is 1 (otherwise the same shape). Same as <c>torch.squeeze(input, dim)</c>.</summary>
    /// <param name="dim">The dimension (negative counts from the end).</param>
    /// <returns>The squeezed view.</returns>
    /// <exception cref="TorchException">When the dimension is out of range.</exception>
    public Tensor Squeeze(long dim) => Wrap(NativeMethods.srn_squeeze_dim(Handle, dim));

    /// <summary>A view with a new dimension of size 1 inserted at <paramref name="dim"/>. Same as <c>torch.unsqueeze</c>.</summary>
    /// <param name="dim">Where the new dimension goes, in -(Dim+1)..Dim.</param>
    /// <returns>The view.</returns>
    /// <exception cref="TorchException">When the dimension is out of range.</exception>
    public Tensor Unsqueeze(long dim) => Wrap(NativeMethods.srn_unsqueeze(Handle, dim));

    /// <summary>
    /// A broadcast view: dimensions of size 1 are repeated (stride 0) to the given sizes and new leading
    /// dimensions may be added; -1 keeps a size. Same as <c>Tensor.expand</c>.
    /// </summary>
    /// <param name="shape">The target sizes.</param>
    /// <returns>The expanded view (write to it only through a copy).</returns>
    /// <exception cref="TorchException">When a size other than 1 would have to change.</exception>
    public Tensor Expand(params ReadOnlySpan<long> shape) => Wrap(NativeMethods.srn_expand(Handle, shape, shape.Length));

    /// <summary>A broadcast view with the shape of <paramref name="other"/>. Same as <c>Tensor.expand_as</c>.</summary>
    /// <param name="other">The tensor whose shape to take.</param>
    /// <returns>The expanded view.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="other"/> is null.</exception>
    /// <exception cref="TorchException">When the shapes are not compatible.</exception>
    public Tensor ExpandAs(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.srn_expand_as(Handle, other.Handle));
    }

    /// <summary>Tiles this tensor: dimension i is repeated <c>repeats[i]</c> times (extra leading counts add dimensions). Same as <c>Tensor.repeat</c>.</summary>
    /// <param name="repeats">Number of copies along each dimension; at least <see cref="Dim"/> values.</param>
    /// <returns>A new tensor (a copy).</returns>
    /// <exception cref="TorchException">When fewer counts than dimensions are given.</exception>
    public Tensor Repeat(params ReadOnlySpan<long> repeats) => Wrap(NativeMethods.srn_repeat(Handle, repeats, repeats.Length));

    /// <summary>This tensor with its elements in row-major order: itself (a new handle) if already contiguous, otherwise a copy. Same as <c>Tensor.contiguous</c>.</summary>
    /// <returns>A contiguous tensor with the same values.</returns>
    public Tensor Contiguous() => Wrap(NativeMethods.srn_contiguous(Handle));

    /// <summary>Reverses the order of elements along the given dimensions. Same as <c>torch.flip</c>.</summary>
    /// <param name="dims">The dimensions to reverse (negative counts from the end).</param>
    /// <returns>A new tensor (a copy).</returns>
    /// <exception cref="TorchException">When a dimension is out of range or repeated.</exception>
    public Tensor Flip(params ReadOnlySpan<long> dims) => Wrap(NativeMethods.srn_flip(Handle, dims, dims.Length));

    /// <summary>Shifts elements circularly along dimensions. Same as <c>torch.roll(input, shifts, dims)</c>.</summary>
    /// <param name="shifts">The shift of each dimension in <paramref name="dims"/> (negative shifts go backwards).</param>
    /// <param name="dims">The dimensions, as many as shifts.</param>
    /// <returns>A new tensor (a copy).</returns>
    /// <exception cref="TorchException">When the counts differ or a dimension is out of range.</exception>
    public Tensor Roll(ReadOnlySpan<long> shifts, ReadOnlySpan<long> dims) =>
        Wrap(NativeMethods.srn_roll(Handle, shifts, shifts.Length, dims, dims.Length));

    /// <summary>Shifts elements circularly along one dimension. Same as <c>torch.roll(input, shift, dim)</c>.</summary>
    /// <param name="shift">The shift (negative goes backwards).</param>
    /// <param name="dim">The dimension.</param>
    /// <returns>A new tensor (a copy).</returns>
    /// <exception cref="TorchException">When the dimension is out of range.</exception>
    public Tensor Roll(long shift, long dim) => Roll([shift], [dim]);

    /// <summary>Shifts the elements of the flattened tensor circularly, then restores the shape. Same as <c>torch.roll(input, shift)</c> without dims.</summary>
    /// <param name="shift">The shift (negative goes backwards).</param>
    /// <returns>A new tensor (a copy).</returns>
    public Tensor Roll(long shift) => Roll([shift], []);

    /// <summary>A view of <paramref name="length"/> elements along <paramref name="dim"/> starting at <paramref name="start"/>. Same as <c>torch.narrow</c>.</summary>
    /// <param name="dim">The dimension (negative counts from the end).</param>
    /// <param name="start">The first element (negative counts from the end).</param>
    /// <param name="length">The number of elements.</param>
    /// <returns>The narrowed view.</returns>
    /// <exception cref="TorchException">When the range falls outside the dimension.</exception>
    public Tensor Narrow(long dim, long start, long length) => Wrap(NativeMethods.srn_narrow(Handle, dim, start, length));

    /// <summary>Concatenates tensors along an existing dimension. Same as <c>torch.cat</c>.</summary>
    /// <param name="tensors">The tensors: same shape except along <paramref name="dim"/>, same device.</param>
    /// <param name="dim">The dimension to join along (negative counts from the end).</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentNullException">When the list or one of its tensors is null.</exception>
    /// <exception cref="TorchException">When the list is empty or the shapes do not match.</exception>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        using var borrowed = BorrowedHandles.Of(tensors, nameof(tensors));
        return Wrap(NativeMethods.srn_cat(borrowed.Pointers, borrowed.Pointers.Length, dim));
    }

    /// <summary>Stacks tensors of equal shape along a new dimension. Same as <c>torch.stack</c>.</summary>
    /// <param name="tensors">The tensors, all of the same shape.</param>
    /// <param name="dim">Where the new dimension goes, in -(Dim+1)..Dim.</param>
    /// <returns>A new tensor with one more dimension.</returns>
    /// <exception cref="ArgumentNullException">When the list or one of its tensors is null.</exception>
    /// <exception cref="TorchException">When the list is empty or the shapes differ.</exception>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        using var borrowed = BorrowedHandles.Of(tensors, nameof(tensors));
        return Wrap(NativeMethods.srn_stack(borrowed.Pointers, borrowed.Pointers.Length, dim));
    }

    /// <summary>Splits into views of <paramref name="splitSize"/> elements along a dimension (the last may be smaller). Same as <c>torch.split(tensor, split_size, dim)</c>.</summary>
    /// <param name="splitSize">Elements per piece; positive.</param>
    /// <param name="dim">The dimension (negative counts from the end).</param>
    /// <returns>The pieces, views of this tensor.</returns>
    /// <exception cref="TorchException">When the size is not positive or the dimension is out of range.</exception>
    public Tensor[] Split(long splitSize, long dim = 0) => WrapList(NativeMethods.srn_split(Handle, splitSize, dim));

    /// <summary>Splits into views of the given sizes along a dimension. Same as <c>torch.split(tensor, [sizes], dim)</c>.</summary>
    /// <param name="sizes">The size of each piece; they must add up to the size of <paramref name="dim"/>.</param>
    /// <param name="dim">The dimension (negative counts from the end).</param>
    /// <returns>The pieces, views of this tensor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="sizes"/> is null.</exception>
    /// <exception cref="TorchException">When the sizes do not add up or the dimension is out of range.</exception>
    public Tensor[] Split(long[] sizes, long dim = 0)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        return WrapList(NativeMethods.srn_split_sizes(Handle, sizes, sizes.Length, dim));
    }

    /// <summary>Splits into at most <paramref name="chunks"/> views of equal size along a dimension (the last may be smaller). Same as <c>torch.chunk</c>.</summary>
    /// <param name="chunks">The number of pieces wanted; positive.</param>
    /// <param name="dim">The dimension (negative counts from the end).</param>
    /// <returns>The pieces, views of this tensor.</returns>
    /// <exception cref="TorchException">When <paramref name="chunks"/> is not positive or the dimension is out of range.</exception>
    public Tensor[] Chunk(long chunks, long dim = 0) => WrapList(NativeMethods.srn_chunk(Handle, chunks, dim));
}
