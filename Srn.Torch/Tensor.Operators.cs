using Srn.Torch.Interop;

namespace Srn.Torch;

public sealed partial class Tensor
{
    /// <summary>Elementwise sum. Same as <c>a + b</c> in PyTorch.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>The sum.</returns>
    public static Tensor operator +(Tensor a, Tensor b) => NotNull(a).Binary(b, BinaryOp.Add);

    /// <summary>Adds a scalar.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <returns>The sum.</returns>
    public static Tensor operator +(Tensor a, double b) => NotNull(a).Binary(NativeScalar.From(b), BinaryOp.Add);

    /// <summary>Adds an integer scalar (integer tensors stay integral).</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <returns>The sum.</returns>
    public static Tensor operator +(Tensor a, long b) => NotNull(a).Binary(NativeScalar.From(b), BinaryOp.Add);

    /// <summary>Adds a scalar.</summary>
    /// <param name="a">The scalar.</param>
    /// <param name="b">The tensor.</param>
    /// <returns>The sum.</returns>
    public static Tensor operator +(double a, Tensor b) => NotNull(b).Binary(NativeScalar.From(a), BinaryOp.Add);

    /// <summary>Adds an integer scalar.</summary>
    /// <param name="a">The scalar.</param>
    /// <param name="b">The tensor.</param>
    /// <returns>The sum.</returns>
    public static Tensor operator +(long a, Tensor b) => NotNull(b).Binary(NativeScalar.From(a), BinaryOp.Add);

    /// <summary>Elementwise difference.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>The difference.</returns>
    public static Tensor operator -(Tensor a, Tensor b) => NotNull(a).Binary(b, BinaryOp.Sub);

    /// <summary>Subtracts a scalar.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <returns>The difference.</returns>
    public static Tensor operator -(Tensor a, double b) => NotNull(a).Binary(NativeScalar.From(b), BinaryOp.Sub);

    /// <summary>Subtracts an integer scalar.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <returns>The difference.</returns>
    public static Tensor operator -(Tensor a, long b) => NotNull(a).Binary(NativeScalar.From(b), BinaryOp.Sub);

    /// <summary>Scalar minus tensor. Same as <c>torch.rsub</c>.</summary>
    /// <param name="a">The scalar.</param>
    /// <param name="b">The tensor.</param>
    /// <returns>The difference.</returns>
    public static Tensor operator -(double a, Tensor b) => NotNull(b).Binary(NativeScalar.From(a), BinaryOp.Sub, reversed: true);

    /// <summary>Integer scalar minus tensor.</summary>
    /// <param name="a">The scalar.</param>
    /// <param name="b">The tensor.</param>
    /// <returns>The difference.</returns>
    public static Tensor operator -(long a, Tensor b) => NotNull(b).Binary(NativeScalar.From(a), BinaryOp.Sub, reversed: true);

    /// <summary>Negation.</summary>
    /// <param name="a">The tensor.</param>
    /// <returns>-a.</returns>
    public static Tensor operator -(Tensor a) => NotNull(a).Unary(UnaryOp.Neg);

    /// <summary>Elementwise product.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>The product.</returns>
    public static Tensor operator *(Tensor a, Tensor b) => NotNull(a).Binary(b, BinaryOp.Mul);

    /// <summary>Multiplies by a scalar.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <returns>The product.</returns>
    public static Tensor operator *(Tensor a, double b) => NotNull(a).Binary(NativeScalar.From(b), BinaryOp.Mul);

    /// <summary>Multiplies by an integer scalar.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <returns>The product.</returns>
    public static Tensor operator *(Tensor a, long b) => NotNull(a).Binary(NativeScalar.From(b), BinaryOp.Mul);

    /// <summary>Multiplies by a scalar.</summary>
    /// <param name="a">The scalar.</param>
    /// <param name="b">The tensor.</param>
    /// <returns>The product.</returns>
    public static Tensor operator *(double a, Tensor b) => NotNull(b).Binary(NativeScalar.From(a), BinaryOp.Mul);

    /// <summary>Multiplies by an integer scalar.</summary>
    /// <param name="a">The scalar.</param>
    /// <param name="b">The tensor.</param>
    /// <returns>The product.</returns>
    public static Tensor operator *(long a, Tensor b) => NotNull(b).Binary(NativeScalar.From(a), BinaryOp.Mul);

    /// <summary>Elementwise true division.</summary>
    /// <param name="a">Dividend.</param>
    /// <param name="b">Divisor.</param>
    /// <returns>The quotient.</returns>
    public static Tensor operator /(Tensor a, Tensor b) => NotNull(a).Binary(b, BinaryOp.Div);

    /// <summary>Divides by a scalar.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <returns>The quotient.</returns>
    public static Tensor operator /(Tensor a, double b) => NotNull(a).Binary(NativeScalar.From(b), BinaryOp.Div);

    /// <summary>Scalar divided by tensor.</summary>
    /// <param name="a">The scalar.</param>
    /// <param name="b">The tensor.</param>
    /// <returns>The quotient.</returns>
    public static Tensor operator /(double a, Tensor b) => NotNull(b).Binary(NativeScalar.From(a), BinaryOp.Div, reversed: true);

    /// <summary>Python-style remainder by a tensor.</summary>
    /// <param name="a">Dividend.</param>
    /// <param name="b">Divisor.</param>
    /// <returns>The remainder.</returns>
    public static Tensor operator %(Tensor a, Tensor b) => NotNull(a).Binary(b, BinaryOp.Remainder);

    /// <summary>Python-style remainder by an integer scalar.</summary>
    /// <param name="a">Dividend.</param>
    /// <param name="b">Divisor.</param>
    /// <returns>The remainder.</returns>
    public static Tensor operator %(Tensor a, long b) => NotNull(a).Binary(NativeScalar.From(b), BinaryOp.Remainder);

    /// <summary>Elementwise <c>a &lt; b</c> as a bool tensor.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>A bool tensor.</returns>
    public static Tensor operator <(Tensor a, Tensor b) => NotNull(a).Binary(b, BinaryOp.Lt);

    /// <summary>Elementwise <c>a &gt; b</c> as a bool tensor.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>A bool tensor.</returns>
    public static Tensor operator >(Tensor a, Tensor b) => NotNull(a).Binary(b, BinaryOp.Gt);

    /// <summary>Elementwise <c>a &lt;= b</c> as a bool tensor.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>A bool tensor.</returns>
    public static Tensor operator <=(Tensor a, Tensor b) => NotNull(a).Binary(b, BinaryOp.Le);

    /// <summary>Elementwise <c>a &gt;= b</c> as a bool tensor.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>A bool tensor.</returns>
    public static Tensor operator >=(Tensor a, Tensor b) => NotNull(a).Binary(b, BinaryOp.Ge);

    /// <summary>Elementwise <c>a &lt; b</c> against a scalar.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <returns>A bool tensor.</returns>
    public static Tensor operator <(Tensor a, double b) => NotNull(a).Binary(NativeScalar.From(b), BinaryOp.Lt);

    /// <summary>Elementwise <c>a &gt; b</c> against a scalar.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <returns>A bool tensor.</returns>
    public static Tensor operator >(Tensor a, double b) => NotNull(a).Binary(NativeScalar.From(b), BinaryOp.Gt);

    /// <summary>Elementwise <c>a &lt;= b</c> against a scalar.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <returns>A bool tensor.</returns>
    public static Tensor operator <=(Tensor a, double b) => NotNull(a).Binary(NativeScalar.From(b), BinaryOp.Le);

    /// <summary>Elementwise <c>a &gt;= b</c> against a scalar.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <returns>A bool tensor.</returns>
    public static Tensor operator >=(Tensor a, double b) => NotNull(a).Binary(NativeScalar.From(b), BinaryOp.Ge);

    /// <summary>Elementwise logical and of bool tensors.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>A bool tensor.</returns>
    public static Tensor operator &(Tensor a, Tensor b) => NotNull(a).Binary(b, BinaryOp.LogicalAnd);

    /// <summary>Elementwise logical or of bool tensors.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>A bool tensor.</returns>
    public static Tensor operator |(Tensor a, Tensor b) => NotNull(a).Binary(b, BinaryOp.LogicalOr);

    /// <summary>Elementwise logical not.</summary>
    /// <param name="a">The tensor.</param>
    /// <returns>A bool tensor.</returns>
    public static Tensor operator !(Tensor a) => NotNull(a).Unary(UnaryOp.LogicalNot);

    private static Tensor NotNull(Tensor t) => t ?? throw new ArgumentNullException(nameof(t), "tensor operand is null");
}
