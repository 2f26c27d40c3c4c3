using System.Globalization;
using System.Text;
using Srn.Torch.Interop;

namespace Srn.Torch;

public sealed partial class Tensor
{
    /// <summary>A CPU tensor holding a copy of <paramref name="data"/> with the given shape. Same as <c>torch.tensor(data).reshape(shape)</c>.</summary>
    /// <typeparam name="T">float, double, long, int, short, byte, sbyte, bool or Half.</typeparam>
    /// <param name="data">Row-major values.</param>
    /// <param name="shape">The size of each dimension; their product must equal the data length.</param>
    /// <returns>The new tensor.</returns>
    /// <exception cref="ArgumentException">When the shape does not match the number of values.</exception>
    public static unsafe Tensor FromSpan<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        long count = 1;
        foreach (var s in shape)
        {
            if (s < 0)
            {
                throw new ArgumentException($"shape [{string.Join(", ", shape.ToArray())}] has a negative size", nameof(shape));
            }

            count *= s;
        }

        if (count != data.Length)
        {
            throw new ArgumentException($"shape [{string.Join(", ", shape.ToArray())}] needs {count} values, but {data.Length} were given", nameof(data));
        }

        var dtype = ScalarTypes.Of<T>();
        fixed (T* p = data)
        {
            return Wrap(NativeMethods.srn_tensor_from_data(p, (long)data.Length * sizeof(T), shape, shape.Length, (int)dtype));
        }
    }

    /// <summary>A CPU tensor holding a copy of <paramref name="data"/> with the given shape.</summary>
    /// <typeparam name="T">float, double, long, int, short, byte, sbyte, bool or Half.</typeparam>
    /// <param name="data">Row-major values.</param>
    /// <param name="shape">The size of each dimension; their product must equal the data length.</param>
    /// <returns>The new tensor.</returns>
    /// <exception cref="ArgumentException">When the shape does not match the number of values.</exception>
    public static Tensor FromArray<T>(T[] data, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromSpan<T>(data, shape);
    }

    /// <summary>A 1-D CPU tensor holding a copy of <paramref name="data"/>. Same as <c>torch.tensor(list)</c>.</summary>
    /// <typeparam name="T">float, double, long, int, short, byte, sbyte, bool or Half.</typeparam>
    /// <param name="data">The values.</param>
    /// <returns>The new tensor.</returns>
    public static Tensor FromArray<T>(T[] data)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromSpan<T>(data, [data.LongLength]);
    }

    /// <summary>A CPU tensor from a rectangular 2-D array.</summary>
    /// <typeparam name="T">float, double, long, int, short, byte, sbyte, bool or Half.</typeparam>
    /// <param name="data">The values.</param>
    /// <returns>The new tensor of shape [rows, columns].</returns>
    public static Tensor FromArray<T>(T[,] data)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        var flat = new T[data.Length];
        var k = 0;
        foreach (var v in data)
        {
            flat[k++] = v;
        }

        return FromSpan<T>(flat, [data.GetLongLength(0), data.GetLongLength(1)]);
    }

    /// <summary>A 0-dimensional tensor holding one value. Same as <c>torch.tensor(value)</c>.</summary>
    /// <typeparam name="T">float, double, long, int, short, byte, sbyte, bool or Half.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The scalar tensor.</returns>
    public static Tensor Scalar<T>(T value)
        where T : unmanaged => FromSpan(new ReadOnlySpan<T>(in value), []);

    /// <summary>Copies the values out, row-major, from any device and layout. Same as <c>Tensor.numpy().ravel()</c>.</summary>
    /// <typeparam name="T">The .NET type of the tensor's dtype (float for float32, long for int64, …).</typeparam>
    /// <returns>A new array with <see cref="NumEl"/> values.</returns>
    /// <exception cref="InvalidOperationException">When <typeparamref name="T"/> does not match <see cref="DType"/>.</exception>
    public unsafe T[] ToArray<T>()
        where T : unmanaged
    {
        var expected = ScalarTypes.Of<T>();
        var actual = DType;
        if (expected != actual)
        {
            throw new InvalidOperationException($"ToArray<{typeof(T).Name}>() on a {actual} tensor: convert first with To(ScalarType.{expected}), or read it as its own type.");
        }

        var result = new T[NumEl];
        fixed (T* p = result)
        {
            NativeMethods.Check(NativeMethods.srn_tensor_copy_to(Handle, p, (long)result.Length * sizeof(T)));
        }

        return result;
    }

    /// <summary>The single value of a one-element tensor. Same as <c>Tensor.item()</c>.</summary>
    /// <typeparam name="T">The .NET type of the tensor's dtype.</typeparam>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidOperationException">When the tensor has more or fewer than one element, or the type does not match.</exception>
    public T Item<T>()
        where T : unmanaged
    {
        var n = NumEl;
        if (n != 1)
        {
            throw new InvalidOperationException($"Item() needs a tensor with one element, but this one has shape [{string.Join(", ", Shape)}] ({n} elements).");
        }

        return ToArray<T>()[0];
    }

    /// <summary>The values as doubles, whatever the dtype (bool as 0/1). For display and tests.</summary>
    /// <returns>The values, row-major.</returns>
    public double[] ToDoubleArray()
    {
        if (DType == ScalarType.Float64)
        {
            return ToArray<double>();
        }

        using var converted = To(ScalarType.Float64);
        return converted.ToArray<double>();
    }

    /// <summary>Shape, dtype, device and, for tensors of at most 64 elements, the values.</summary>
    /// <returns>For example <c>tensor([[1, 2], [3, 4]], shape=[2, 2], dtype=Float32, device=cpu)</c>.</returns>
    public override string ToString()
    {
        if (IsDisposed)
        {
            return "tensor(<disposed>)";
        }

        var shape = Shape;
        var dtype = DType;
        var sb = new StringBuilder("tensor(");
        if (NumEl <= 64)
        {
            var values = ToDoubleArray();
            var index = 0;
            AppendValues(sb, values, shape, 0, ref index, dtype);
            sb.Append(", ");
        }

        sb.Append("shape=[").Append(string.Join(", ", shape)).Append("], dtype=").Append(dtype)
          .Append(", device=").Append(Device);
        if (RequiresGrad)
        {
            sb.Append(", requires_grad=True");
        }

        return sb.Append(')').ToString();
    }

    private static void AppendValues(StringBuilder sb, double[] values, long[] shape, int dim, ref int index, ScalarType dtype)
    {
        if (dim == shape.Length)
        {
            var v = values[index++];
            sb.Append(dtype switch
            {
                ScalarType.Bool => v != 0 ? "True" : "False",
                _ when dtype.IsFloatingPoint() => v.ToString("G6", CultureInfo.InvariantCulture),
                _ => v.ToString("0", CultureInfo.InvariantCulture),
            });
            return;
        }

        sb.Append('[');
        for (long i = 0; i < shape[dim]; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            AppendValues(sb, values, shape, dim + 1, ref index, dtype);
        }

        sb.Append(']');
    }
}
