namespace Srn.Torch.IO.Pickle;

/// <summary>
/// A tensor as <c>torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, ...)</c> describes it:
/// a strided window onto a storage. <see cref="Materialize"/> copies its elements out into a contiguous tensor.
/// </summary>
internal sealed class PickledTensor(PickledStorage storage, long offset, long[] size, long[] stride, bool isParameter)
{
    public PickledStorage Storage { get; } = storage;

    /// <summary>The storage offset, in elements.</summary>
    public long Offset { get; } = offset;

    public IReadOnlyList<long> Size { get; } = size;

    public IReadOnlyList<long> Stride { get; } = stride;

    /// <summary>Whether it came through <c>_rebuild_parameter</c> (an <c>nn.Parameter</c>).</summary>
    public bool IsParameter { get; } = isParameter;

    /// <summary>The same tensor marked as an <c>nn.Parameter</c>.</summary>
    public PickledTensor AsParameter() => new(Storage, Offset, [.. Size], [.. Stride], isParameter: true);

    /// <summary>
    /// Checks the tensor's extent against its storage: sizes and strides non-negative, of one length, and every
    /// element it addresses inside the storage.
    /// </summary>
    /// <param name="name">The tensor's key, for messages.</param>
    /// <exception cref="InvalidDataException">When the tensor reaches outside its storage or is malformed.</exception>
    public void Validate(string name)
    {
        if (Size.Count != Stride.Count)
        {
            throw new InvalidDataException($"tensor '{name}' has size [{string.Join(", ", Size)}] but {Stride.Count} strides");
        }

        if (Offset < 0 || Size.Any(s => s < 0) || Stride.Any(s => s < 0))
        {
            throw new InvalidDataException($"tensor '{name}' has a negative offset, size or stride (offset {Offset}, size [{string.Join(", ", Size)}], stride [{string.Join(", ", Stride)}])");
        }

        try
        {
            var numel = Size.Aggregate(1L, (a, b) => checked(a * b));
            _ = checked(numel * Storage.DType.ElementSize());
            if (numel == 0)
            {
                return;
            }

            var last = Offset;
            for (var d = 0; d < Size.Count; d++)
            {
                last = checked(last + ((Size[d] - 1) * Stride[d]));
            }

            if (last >= Storage.Numel)
            {
                throw new InvalidDataException($"tensor '{name}' (offset {Offset}, size [{string.Join(", ", Size)}], stride [{string.Join(", ", Stride)}]) reaches element {last} of storage '{Storage.RootKey}', which has {Storage.Numel} elements");
            }
        }
        catch (OverflowException e)
        {
            throw new InvalidDataException($"tensor '{name}' has a size or stride too large to address (size [{string.Join(", ", Size)}], stride [{string.Join(", ", Stride)}])", e);
        }
    }

    /// <summary>Copies the tensor's elements out of its root storage's bytes into a new contiguous CPU tensor.</summary>
    /// <param name="root">The bytes of the root storage (<see cref="PickledStorage.RootBytes"/> of them).</param>
    /// <param name="name">The tensor's key, for messages.</param>
    /// <returns>The tensor, detached from any dispose scope; the caller owns it.</returns>
    /// <exception cref="InvalidDataException">When the tensor does not fit its storage.</exception>
    public Tensor Materialize(ReadOnlySpan<byte> root, string name)
    {
        Validate(name);
        var elementSize = Storage.DType.ElementSize();
        var bytes = StridedCopy.Gather(root, elementSize, Storage.Offset + Offset, [.. Size], [.. Stride]);
        return Tensor.FromBytes(bytes, [.. Size], Storage.DType).DetachFromScope();
    }
}
