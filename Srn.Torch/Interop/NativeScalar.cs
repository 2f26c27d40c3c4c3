using System.Runtime.InteropServices;

namespace Srn.Torch.Interop;

/// <summary>The C ABI's <c>srn_scalar</c>: a PyTorch Scalar passed by value.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct NativeScalar
{
    private readonly int kind;
    private readonly int reserved;
    private readonly long integer;
    private readonly double real;

    private NativeScalar(int kind, long integer, double real)
    {
        this.kind = kind;
        reserved = 0;
        this.integer = integer;
        this.real = real;
    }

    /// <summary>A floating-point scalar (promotes integer tensors to the default float type, as in PyTorch).</summary>
    public static NativeScalar From(double value) => new(0, 0, value);

    /// <summary>An integral scalar (keeps integer tensors integral).</summary>
    public static NativeScalar From(long value) => new(1, value, 0);

    /// <summary>A boolean scalar.</summary>
    public static NativeScalar From(bool value) => new(2, value ? 1 : 0, 0);
}
