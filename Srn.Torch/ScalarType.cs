namespace Srn.Torch;

/// <summary>Element types of tensors. The values are libtorch's <c>c10::ScalarType</c> codes.</summary>
public enum ScalarType
{
    /// <summary>8-bit unsigned integer (<c>torch.uint8</c>).</summary>
    UInt8 = 0,

    /// <summary>8-bit signed integer (<c>torch.int8</c>).</summary>
    Int8 = 1,

    /// <summary>16-bit signed integer (<c>torch.int16</c>).</summary>
    Int16 = 2,

    /// <summary>32-bit signed integer (<c>torch.int32</c>).</summary>
    Int32 = 3,

    /// <summary>64-bit signed integer (<c>torch.int64</c>), the type of indices.</summary>
    Int64 = 4,

    /// <summary>IEEE half precision (<c>torch.float16</c>).</summary>
    Float16 = 5,

    /// <summary>Single precision (<c>torch.float32</c>), the default floating type.</summary>
    Float32 = 6,

    /// <summary>Double precision (<c>torch.float64</c>).</summary>
    Float64 = 7,

    /// <summary>Boolean (<c>torch.bool</c>).</summary>
    Bool = 11,

    /// <summary>Brain floating point (<c>torch.bfloat16</c>).</summary>
    BFloat16 = 15,
}

/// <summary>Facts about <see cref="ScalarType"/> values and their .NET counterparts.</summary>
public static class ScalarTypes
{
    /// <summary>Bytes per element.</summary>
    /// <param name="type">The element type.</param>
    /// <returns>The element size in bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">For a value that is not a known element type.</exception>
    public static int ElementSize(this ScalarType type) => type switch
    {
        ScalarType.UInt8 or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown scalar type"),
    };

    /// <summary>Whether the type is a floating-point type.</summary>
    /// <param name="type">The element type.</param>
    /// <returns>True for float16, bfloat16, float32 and float64.</returns>
    public static bool IsFloatingPoint(this ScalarType type) =>
        type is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;

    /// <summary>The element type that corresponds to the .NET type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">float, double, long, int, short, byte, sbyte, bool or Half.</typeparam>
    /// <returns>The matching <see cref="ScalarType"/>.</returns>
    /// <exception cref="NotSupportedException">For any other type.</exception>
    public static ScalarType Of<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return ScalarType.Float32;
        if (typeof(T) == typeof(double)) return ScalarType.Float64;
        if (typeof(T) == typeof(long)) return ScalarType.Int64;
        if (typeof(T) == typeof(int)) return ScalarType.Int32;
        if (typeof(T) == typeof(short)) return ScalarType.Int16;
        if (typeof(T) == typeof(byte)) return ScalarType.UInt8;
        if (typeof(T) == typeof(sbyte)) return ScalarType.Int8;
        if (typeof(T) == typeof(bool)) return ScalarType.Bool;
        if (typeof(T) == typeof(Half)) return ScalarType.Float16;
        throw new NotSupportedException($"{typeof(T).Name} has no tensor element type; use float, double, long, int, short, byte, sbyte, bool or Half.");
    }
}
