namespace Srn.Torch.IO.Pickle;

/// <summary>Copies the elements of a strided view out of raw storage bytes into row-major (contiguous) order.</summary>
internal static class StridedCopy
{
    /// <summary>
    /// Gathers <c>prod(size)</c> elements: element <c>(i0, i1, ...)</c> is read at element index
    /// <c>offset + sum(ik * stride[k])</c> of <paramref name="source"/>. Runs that are contiguous in the source
    /// are copied as blocks (a contiguous tensor is one block).
    /// </summary>
    /// <param name="source">The storage bytes.</param>
    /// <param name="elementSize">Bytes per element.</param>
    /// <param name="offset">The element index of element (0, 0, ...).</param>
    /// <param name="size">The size of each dimension (non-negative).</param>
    /// <param name="stride">The stride of each dimension in elements (non-negative; 0 repeats an element).</param>
    /// <returns>The gathered bytes, row-major.</returns>
    /// <exception cref="InvalidDataException">When an addressed element lies outside <paramref name="source"/>, or the result exceeds the largest array.</exception>
    public static byte[] Gather(ReadOnlySpan<byte> source, int elementSize, long offset, long[] size, long[] stride)
    {
        var numel = size.Aggregate(1L, (a, b) => checked(a * b));
        var total = checked(numel * elementSize);
        if (total > Array.MaxLength)
        {
            throw new InvalidDataException($"a tensor of {total} bytes is larger than one .NET array can hold");
        }

        var result = new byte[total];
        if (numel == 0)
        {
            return result;
        }

        // Drop size-1 dimensions and merge each dimension into the next where the pair is contiguous.
        var sizes = new List<long>();
        var strides = new List<long>();
        for (var d = 0; d < size.Length; d++)
        {
            if (size[d] == 1)
            {
                continue;
            }

            if (sizes.Count > 0 && strides[^1] == size[d] * stride[d])
            {
                sizes[^1] *= size[d];
                strides[^1] = stride[d];
            }
            else
            {
                sizes.Add(size[d]);
                strides.Add(stride[d]);
            }
        }

        var last = offset;
        for (var d = 0; d < sizes.Count; d++)
        {
            last += (sizes[d] - 1) * strides[d];
        }

        if (offset < 0 || (last + 1) * elementSize > source.Length)
        {
            throw new InvalidDataException($"a tensor addresses element {last} of a storage of {source.Length / elementSize} elements");
        }

        // The innermost dimension is copied as one run when its elements are adjacent.
        var innerContiguous = sizes.Count > 0 && strides[^1] == 1;
        var run = innerContiguous ? sizes[^1] : 1;
        var outer = innerContiguous ? sizes.Count - 1 : sizes.Count;
        var runBytes = (int)(run * elementSize);
        var index = new long[outer];
        var position = offset;
        var dest = result.AsSpan();
        for (long written = 0; written < result.Length; written += runBytes)
        {
            source.Slice((int)(position * elementSize), runBytes).CopyTo(dest.Slice((int)written, runBytes));
            for (var d = outer - 1; d >= 0; d--)
            {
                position += strides[d];
                if (++index[d] < sizes[d])
                {
                    break;
                }

                position -= sizes[d] * strides[d];
                index[d] = 0;
            }
        }

        return result;
    }
}
