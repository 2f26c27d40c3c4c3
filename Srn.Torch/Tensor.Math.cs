using Srn.Torch.Interop;

namespace Srn.Torch;

public sealed partial class Tensor
{
    /// <summary>Elementwise <c>this + alpha * other</c>, broadcasting. Same as <c>torch.add(input, other, alpha=alpha)</c>.</summary>
    /// <param name="other">The other operand.</param>
    /// <param name="alpha">Multiplier of <paramref name="other"/>.</param>
    /// <returns>The sum.</returns>
    /// <exception cref="TorchException">When the shapes do not broadcast.</exception>
    public Tensor Add(Tensor other, double alpha = 1) =>
        alpha == 1 ? Binary(other, BinaryOp.Add) : Wrap(NativeMethods.srn_add_alpha(Handle, other.Handle, NativeScalar.From(alpha)));

    /// <summary>Adds a scalar. Same as <c>torch.add(input, value)</c>.</summary>
    /// <param name="value">The scalar.</param>
    /// <returns>The sum.</returns>
    public Tensor Add(double value) => Binary(NativeScalar.From(value), BinaryOp.Add);

    /// <summary>Elementwise difference, broadcasting. Same as <c>torch.sub</c>.</summary>
    /// <param name="other">The subtrahend.</param>
    /// <returns>The difference.</returns>
    public Tensor Sub(Tensor other) => Binary(other, BinaryOp.Sub);

    /// <summary>Elementwise product, broadcasting. Same as <c>torch.mul</c>.</summary>
    /// <param name="other">The other factor.</param>
    /// <returns>The product.</returns>
    public Tensor Mul(Tensor other) => Binary(other, BinaryOp.Mul);

    /// <summary>Elementwise true division (integers give floats), broadcasting. Same as <c>torch.div</c>.</summary>
    /// <param name="other">The divisor.</param>
    /// <returns>The quotient.</returns>
    public Tensor Div(Tensor other) => Binary(other, BinaryOp.Div);

    /// <summary>Elementwise power with a tensor exponent. Same as <c>torch.pow(input, exponent)</c>.</summary>
    /// <param name="exponent">The exponent.</param>
    /// <returns>The power.</returns>
    public Tensor Pow(Tensor exponent) => Binary(exponent, BinaryOp.Pow);

    /// <summary>Elementwise power with a scalar exponent. Same as <c>torch.pow(input, exponent)</c>.</summary>
    /// <param name="exponent">The exponent.</param>
    /// <returns>The power.</returns>
    public Tensor Pow(double exponent) => Binary(NativeScalar.From(exponent), BinaryOp.Pow);

    /// <summary>Elementwise maximum of two tensors. Same as <c>torch.maximum</c>.</summary>
    /// <param name="other">The other tensor.</param>
    /// <returns>The maximum.</returns>
    public Tensor Maximum(Tensor other) => Binary(other, BinaryOp.Maximum);

    /// <summary>Elementwise minimum of two tensors. Same as <c>torch.minimum</c>.</summary>
    /// <param name="other">The other tensor.</param>
    /// <returns>The minimum.</returns>
    public Tensor Minimum(Tensor other) => Binary(other, BinaryOp.Minimum);

    /// <summary>Python-style remainder (sign of the divisor). Same as <c>torch.remainder</c>.</summary>
    /// <param name="other">The divisor.</param>
    /// <returns>The remainder.</returns>
    public Tensor Remainder(Tensor other) => Binary(other, BinaryOp.Remainder);

    /// <summary>Rounded-down division. Same as <c>torch.div(input, other, rounding_mode='floor')</c> for integers.</summary>
    /// <param name="other">The divisor.</param>
    /// <returns>The quotient.</returns>
    public Tensor FloorDivide(Tensor other) => Binary(other, BinaryOp.FloorDivide);

    /// <summary>Elementwise atan2(this, other). Same as <c>torch.atan2</c>.</summary>
    /// <param name="other">The x coordinate.</param>
    /// <returns>The angle.</returns>
    public Tensor Atan2(Tensor other) => Binary(other, BinaryOp.Atan2);

    /// <summary>Elementwise equality as a bool tensor. Same as <c>torch.eq</c> (the C# <c>==</c> keeps reference equality).</summary>
    /// <param name="other">The other tensor.</param>
    /// <returns>A bool tensor.</returns>
    public Tensor Eq(Tensor other) => Binary(other, BinaryOp.Eq);

    /// <summary>Elementwise equality with a scalar. Same as <c>torch.eq</c>.</summary>
    /// <param name="value">The scalar.</param>
    /// <returns>A bool tensor.</returns>
    public Tensor Eq(double value) => Binary(NativeScalar.From(value), BinaryOp.Eq);

    /// <summary>Elementwise inequality. Same as <c>torch.ne</c>.</summary>
    /// <param name="other">The other tensor.</param>
    /// <returns>A bool tensor.</returns>
    public Tensor Ne(Tensor other) => Binary(other, BinaryOp.Ne);

    /// <summary>Elementwise inequality with a scalar. Same as <c>torch.ne</c>.</summary>
    /// <param name="value">The scalar.</param>
    /// <returns>A bool tensor.</returns>
    public Tensor Ne(double value) => Binary(NativeScalar.From(value), BinaryOp.Ne);

    /// <summary>Elementwise <c>this &lt; other</c>. Same as <c>torch.lt</c>.</summary>
    /// <param name="other">The other tensor.</param>
    /// <returns>A bool tensor.</returns>
    public Tensor Lt(Tensor other) => Binary(other, BinaryOp.Lt);

    /// <summary>Elementwise <c>this &lt;= other</c>. Same as <c>torch.le</c>.</summary>
    /// <param name="other">The other tensor.</param>
    /// <returns>A bool tensor.</returns>
    public Tensor Le(Tensor other) => Binary(other, BinaryOp.Le);

    /// <summary>Elementwise <c>this &gt; other</c>. Same as <c>torch.gt</c>.</summary>
    /// <param name="other">The other tensor.</param>
    /// <returns>A bool tensor.</returns>
    public Tensor Gt(Tensor other) => Binary(other, BinaryOp.Gt);

    /// <summary>Elementwise <c>this &gt;= other</c>. Same as <c>torch.ge</c>.</summary>
    /// <param name="other">The other tensor.</param>
    /// <returns>A bool tensor.</returns>
    public Tensor Ge(Tensor other) => Binary(other, BinaryOp.Ge);

    /// <summary>Elementwise logical and (non-zero is true). Same as <c>torch.logical_and</c>.</summary>
    /// <param name="other">The other tensor.</param>
    /// <returns>A bool tensor.</returns>
    public Tensor LogicalAnd(Tensor other) => Binary(other, BinaryOp.LogicalAnd);

    /// <summary>Elementwise logical or. Same as <c>torch.logical_or</c>.</summary>
    /// <param name="other">The other tensor.</param>
    /// <returns>A bool tensor.</returns>
    public Tensor LogicalOr(Tensor other) => Binary(other, BinaryOp.LogicalOr);

    /// <summary>Elementwise logical xor. Same as <c>torch.logical_xor</c>.</summary>
    /// <param name="other">The other tensor.</param>
    /// <returns>A bool tensor.</returns>
    public Tensor LogicalXor(Tensor other) => Binary(other, BinaryOp.LogicalXor);

    /// <summary>Elementwise logical not. Same as <c>torch.logical_not</c>.</summary>
    /// <returns>A bool tensor.</returns>
    public Tensor LogicalNot() => Unary(UnaryOp.LogicalNot);

    /// <summary>Negation. Same as <c>torch.neg</c>.</summary>
    /// <returns>-this.</returns>
    public Tensor Neg() => Unary(UnaryOp.Neg);

    /// <summary>e^x. Same as <c>torch.exp</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Exp() => Unary(UnaryOp.Exp);

    /// <summary>Natural logarithm. Same as <c>torch.log</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Log() => Unary(UnaryOp.Log);

    /// <summary>Base-2 logarithm. Same as <c>torch.log2</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Log2() => Unary(UnaryOp.Log2);

    /// <summary>log(1 + x), accurate near 0. Same as <c>torch.log1p</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Log1p() => Unary(UnaryOp.Log1p);

    /// <summary>e^x - 1, accurate near 0. Same as <c>torch.expm1</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Expm1() => Unary(UnaryOp.Expm1);

    /// <summary>Square root. Same as <c>torch.sqrt</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Sqrt() => Unary(UnaryOp.Sqrt);

    /// <summary>1 / sqrt(x). Same as <c>torch.rsqrt</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Rsqrt() => Unary(UnaryOp.Rsqrt);

    /// <summary>x². Same as <c>torch.square</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Square() => Unary(UnaryOp.Square);

    /// <summary>Absolute value. Same as <c>torch.abs</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Abs() => Unary(UnaryOp.Abs);

    /// <summary>Sign (-1, 0, 1). Same as <c>torch.sign</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Sign() => Unary(UnaryOp.Sign);

    /// <summary>Round down. Same as <c>torch.floor</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Floor() => Unary(UnaryOp.Floor);

    /// <summary>Round up. Same as <c>torch.ceil</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Ceil() => Unary(UnaryOp.Ceil);

    /// <summary>Round half to even. Same as <c>torch.round</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Round() => Unary(UnaryOp.Round);

    /// <summary>Round toward zero. Same as <c>torch.trunc</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Trunc() => Unary(UnaryOp.Trunc);

    /// <summary>1 / x. Same as <c>torch.reciprocal</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Reciprocal() => Unary(UnaryOp.Reciprocal);

    /// <summary>Sine. Same as <c>torch.sin</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Sin() => Unary(UnaryOp.Sin);

    /// <summary>Cosine. Same as <c>torch.cos</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Cos() => Unary(UnaryOp.Cos);

    /// <summary>Gauss error function. Same as <c>torch.erf</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Erf() => Unary(UnaryOp.Erf);

    /// <summary>Which elements are NaN. Same as <c>torch.isnan</c>.</summary>
    /// <returns>A bool tensor.</returns>
    public Tensor IsNan() => Unary(UnaryOp.IsNan);

    /// <summary>Which elements are finite. Same as <c>torch.isfinite</c>.</summary>
    /// <returns>A bool tensor.</returns>
    public Tensor IsFinite() => Unary(UnaryOp.IsFinite);

    /// <summary>Logistic function 1 / (1 + e^-x). Same as <c>torch.sigmoid</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Sigmoid() => Unary(UnaryOp.Sigmoid);

    /// <summary>Hyperbolic tangent. Same as <c>torch.tanh</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Tanh() => Unary(UnaryOp.Tanh);

    /// <summary>max(x, 0). Same as <c>torch.relu</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Relu() => Unary(UnaryOp.Relu);

    /// <summary>x * sigmoid(x). Same as <c>torch.nn.functional.silu</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Silu() => Unary(UnaryOp.Silu);

    /// <summary>x * Φ(x) (exact, erf-based). Same as <c>torch.nn.functional.gelu</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor Gelu() => Unary(UnaryOp.Gelu);

    /// <summary>log(sigmoid(x)), computed stably. Same as <c>torch.nn.functional.logsigmoid</c>.</summary>
    /// <returns>The result.</returns>
    public Tensor LogSigmoid() => Unary(UnaryOp.LogSigmoid);

    /// <summary>x for x ≥ 0, slope·x otherwise. Same as <c>torch.nn.functional.leaky_relu</c>.</summary>
    /// <param name="negativeSlope">The slope for negative inputs.</param>
    /// <returns>The result.</returns>
    public Tensor LeakyRelu(double negativeSlope = 0.01) => Wrap(NativeMethods.srn_leaky_relu(Handle, negativeSlope));

    /// <summary>
    /// (1/β)·log(1 + e^(β·x)), and x itself where β·x &gt; threshold. Same as <c>torch.nn.functional.softplus</c>.
    /// </summary>
    /// <param name="beta">β.</param>
    /// <param name="threshold">Above this, the function is linear.</param>
    /// <returns>The result.</returns>
    public Tensor Softplus(double beta = 1, double threshold = 20) => Wrap(NativeMethods.srn_softplus(Handle, beta, threshold));

    /// <summary>e^(x_i) / Σ_j e^(x_j) along <paramref name="dim"/>. Same as <c>torch.softmax</c>.</summary>
    /// <param name="dim">The dimension that sums to 1.</param>
    /// <param name="dtype">Compute and return in this type, if given.</param>
    /// <returns>The probabilities.</returns>
    /// <exception cref="TorchException">When the dimension is out of range.</exception>
    public Tensor Softmax(long dim, ScalarType? dtype = null) => Wrap(NativeMethods.srn_softmax(Handle, dim, 0, Code(dtype)));

    /// <summary>x_i - log Σ_j e^(x_j) along <paramref name="dim"/>, computed stably. Same as <c>torch.log_softmax</c>.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="dtype">Compute and return in this type, if given.</param>
    /// <returns>The log-probabilities.</returns>
    public Tensor LogSoftmax(long dim, ScalarType? dtype = null) => Wrap(NativeMethods.srn_softmax(Handle, dim, 1, Code(dtype)));

    /// <summary>Clamps into [min, max]; either bound may be omitted. Same as <c>torch.clamp</c>.</summary>
    /// <param name="min">Lower bound.</param>
    /// <param name="max">Upper bound.</param>
    /// <returns>The clamped tensor.</returns>
    /// <exception cref="ArgumentException">When both bounds are omitted.</exception>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min is null && max is null)
        {
            throw new ArgumentException("Clamp needs at least one of min and max.");
        }

        return Wrap(NativeMethods.srn_clamp(Handle, NativeScalar.From(min ?? 0), min is null ? 0 : 1, NativeScalar.From(max ?? 0), max is null ? 0 : 1));
    }

    /// <summary>Clamps between tensor bounds (broadcasting); either may be null. Same as <c>torch.clamp(input, min, max)</c> with tensors.</summary>
    /// <param name="min">Lower bounds.</param>
    /// <param name="max">Upper bounds.</param>
    /// <returns>The clamped tensor.</returns>
    /// <exception cref="ArgumentException">When both bounds are null.</exception>
    public Tensor Clamp(Tensor? min, Tensor? max)
    {
        if (min is null && max is null)
        {
            throw new ArgumentException("Clamp needs at least one of min and max.");
        }

        return Wrap(NativeMethods.srn_clamp_tensor(Handle, HandleOrNull(min), HandleOrNull(max)));
    }

    /// <summary>Linear interpolation this + weight·(end - this). Same as <c>torch.lerp</c>.</summary>
    /// <param name="end">The end points.</param>
    /// <param name="weight">The weight.</param>
    /// <returns>The interpolation.</returns>
    public Tensor Lerp(Tensor end, double weight) => Wrap(NativeMethods.srn_lerp(Handle, end.Handle, TensorHandle.Null, weight));

    /// <summary>Matrix product with NumPy broadcasting rules (1-D, 2-D, batched). Same as <c>torch.matmul</c>.</summary>
    /// <param name="other">The right operand.</param>
    /// <returns>The product.</returns>
    /// <exception cref="TorchException">When the inner dimensions differ.</exception>
    public Tensor MatMul(Tensor other) => Product(other, 0);

    /// <summary>Batched matrix product of [b, n, m] and [b, m, p]. Same as <c>torch.bmm</c>.</summary>
    /// <param name="other">The right operand.</param>
    /// <returns>The [b, n, p] product.</returns>
    public Tensor Bmm(Tensor other) => Product(other, 1);

    /// <summary>Product of two matrices. Same as <c>torch.mm</c>.</summary>
    /// <param name="other">The right operand.</param>
    /// <returns>The product.</returns>
    public Tensor Mm(Tensor other) => Product(other, 2);

    /// <summary>Outer product of two vectors. Same as <c>torch.outer</c>.</summary>
    /// <param name="other">The right vector.</param>
    /// <returns>The matrix.</returns>
    public Tensor Outer(Tensor other) => Product(other, 3);

    /// <summary>Dot product of two vectors. Same as <c>torch.dot</c>.</summary>
    /// <param name="other">The other vector.</param>
    /// <returns>A 0-dim tensor.</returns>
    public Tensor Dot(Tensor other) => Product(other, 4);

    /// <summary>Einstein summation. Same as <c>torch.einsum</c>.</summary>
    /// <param name="equation">For example <c>"bij,bjk->bik"</c>.</param>
    /// <param name="operands">The operands, one per comma-separated term.</param>
    /// <returns>The result.</returns>
    /// <exception cref="TorchException">When the equation does not fit the operands.</exception>
    public static Tensor Einsum(string equation, params Tensor[] operands)
    {
        ArgumentNullException.ThrowIfNull(equation);
        using var borrowed = BorrowedHandles.Of(operands, nameof(operands));
        return Wrap(NativeMethods.srn_einsum(equation, borrowed.Pointers, borrowed.Pointers.Length));
    }

    internal Tensor Unary(UnaryOp op) => Wrap(NativeMethods.srn_unary(Handle, op));

    internal Tensor Binary(Tensor other, BinaryOp op)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.srn_binary(Handle, other.Handle, op));
    }

    internal Tensor Binary(NativeScalar value, BinaryOp op, bool reversed = false) =>
        Wrap(NativeMethods.srn_binary_scalar(Handle, value, op, reversed ? 1 : 0));

    private Tensor Product(Tensor other, int kind)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.srn_matmul(Handle, other.Handle, kind));
    }
}
