using Srn.Torch.Interop;

namespace Srn.Torch;

/// <content>In-place operations (trailing underscore, as in PyTorch): they mutate this tensor and return it.</content>
public sealed partial class Tensor
{
    /// <summary>this += alpha · other. Same as <c>Tensor.add_(other, alpha=alpha)</c>.</summary>
    /// <param name="other">The addend (broadcast to this shape).</param>
    /// <param name="alpha">Multiplier of <paramref name="other"/>.</param>
    /// <returns>This tensor.</returns>
    /// <exception cref="TorchException">When <paramref name="other"/> does not broadcast to this shape, or this is a leaf that requires grad.</exception>
    public Tensor Add_(Tensor other, double alpha = 1) => InPlace(other, BinaryOp.Add, alpha);

    /// <summary>this += value. Same as <c>Tensor.add_(value)</c>.</summary>
    /// <param name="value">The scalar.</param>
    /// <returns>This tensor.</returns>
    public Tensor Add_(double value) => InPlace(NativeScalar.From(value), BinaryOp.Add);

    /// <summary>this += value with an integer scalar (integer tensors accept it). Same as <c>Tensor.add_(value)</c>.</summary>
    /// <param name="value">The scalar.</param>
    /// <returns>This tensor.</returns>
    public Tensor Add_(long value) => InPlace(NativeScalar.From(value), BinaryOp.Add);

    /// <summary>this -= alpha · other. Same as <c>Tensor.sub_(other, alpha=alpha)</c>.</summary>
    /// <param name="other">The subtrahend.</param>
    /// <param name="alpha">Multiplier of <paramref name="other"/>.</param>
    /// <returns>This tensor.</returns>
    public Tensor Sub_(Tensor other, double alpha = 1) => InPlace(other, BinaryOp.Sub, alpha);

    /// <summary>this -= value. Same as <c>Tensor.sub_(value)</c>.</summary>
    /// <param name="value">The scalar.</param>
    /// <returns>This tensor.</returns>
    public Tensor Sub_(double value) => InPlace(NativeScalar.From(value), BinaryOp.Sub);

    /// <summary>this -= value with an integer scalar. Same as <c>Tensor.sub_(value)</c>.</summary>
    /// <param name="value">The scalar.</param>
    /// <returns>This tensor.</returns>
    public Tensor Sub_(long value) => InPlace(NativeScalar.From(value), BinaryOp.Sub);

    /// <summary>this *= other. Same as <c>Tensor.mul_</c>.</summary>
    /// <param name="other">The factor.</param>
    /// <returns>This tensor.</returns>
    public Tensor Mul_(Tensor other) => InPlace(other, BinaryOp.Mul, 1);

    /// <summary>this *= value. Same as <c>Tensor.mul_</c>.</summary>
    /// <param name="value">The scalar.</param>
    /// <returns>This tensor.</returns>
    public Tensor Mul_(double value) => InPlace(NativeScalar.From(value), BinaryOp.Mul);

    /// <summary>this *= value with an integer scalar. Same as <c>Tensor.mul_(value)</c>.</summary>
    /// <param name="value">The scalar.</param>
    /// <returns>This tensor.</returns>
    public Tensor Mul_(long value) => InPlace(NativeScalar.From(value), BinaryOp.Mul);

    /// <summary>this /= other. Same as <c>Tensor.div_</c>.</summary>
    /// <param name="other">The divisor.</param>
    /// <returns>This tensor.</returns>
    public Tensor Div_(Tensor other) => InPlace(other, BinaryOp.Div, 1);

    /// <summary>this /= value. Same as <c>Tensor.div_</c>.</summary>
    /// <param name="value">The scalar.</param>
    /// <returns>This tensor.</returns>
    public Tensor Div_(double value) => InPlace(NativeScalar.From(value), BinaryOp.Div);

    /// <summary>this = this^exponent. Same as <c>Tensor.pow_</c>.</summary>
    /// <param name="exponent">The exponent.</param>
    /// <returns>This tensor.</returns>
    public Tensor Pow_(double exponent) => InPlace(NativeScalar.From(exponent), BinaryOp.Pow);

    /// <summary>this += value · t1 · t2. Same as <c>Tensor.addcmul_</c>.</summary>
    /// <param name="tensor1">First factor.</param>
    /// <param name="tensor2">Second factor.</param>
    /// <param name="value">Scale.</param>
    /// <returns>This tensor.</returns>
    public Tensor Addcmul_(Tensor tensor1, Tensor tensor2, double value = 1)
    {
        ArgumentNullException.ThrowIfNull(tensor1);
        ArgumentNullException.ThrowIfNull(tensor2);
        NativeMethods.Check(NativeMethods.srn_addcmul_(Handle, tensor1.Handle, tensor2.Handle, NativeScalar.From(value)));
        return this;
    }

    /// <summary>this += value · t1 / t2. Same as <c>Tensor.addcdiv_</c>.</summary>
    /// <param name="tensor1">Numerator.</param>
    /// <param name="tensor2">Denominator.</param>
    /// <param name="value">Scale.</param>
    /// <returns>This tensor.</returns>
    public Tensor Addcdiv_(Tensor tensor1, Tensor tensor2, double value = 1)
    {
        ArgumentNullException.ThrowIfNull(tensor1);
        ArgumentNullException.ThrowIfNull(tensor2);
        NativeMethods.Check(NativeMethods.srn_addcdiv_(Handle, tensor1.Handle, tensor2.Handle, NativeScalar.From(value)));
        return this;
    }

    /// <summary>Copies <paramref name="source"/> into this tensor (broadcasting, converting dtype and device). Same as <c>Tensor.copy_</c>.</summary>
    /// <param name="source">The values.</param>
    /// <param name="nonBlocking">Asynchronous copy where the backend allows it.</param>
    /// <returns>This tensor.</returns>
    public Tensor Copy_(Tensor source, bool nonBlocking = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        NativeMethods.Check(NativeMethods.srn_copy_(Handle, source.Handle, nonBlocking ? 1 : 0));
        return this;
    }

    /// <summary>Sets every element to zero. Same as <c>Tensor.zero_</c>.</summary>
    /// <returns>This tensor.</returns>
    public Tensor Zero_()
    {
        NativeMethods.Check(NativeMethods.srn_zero_(Handle));
        return this;
    }

    /// <summary>Sets every element to <paramref name="value"/>. Same as <c>Tensor.fill_</c>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>This tensor.</returns>
    public Tensor Fill_(double value)
    {
        NativeMethods.Check(NativeMethods.srn_fill_(Handle, NativeScalar.From(value)));
        return this;
    }

    /// <summary>Clamps into [min, max] in place. Same as <c>Tensor.clamp_</c>.</summary>
    /// <param name="min">Lower bound.</param>
    /// <param name="max">Upper bound.</param>
    /// <returns>This tensor.</returns>
    /// <exception cref="ArgumentException">When both bounds are omitted.</exception>
    public Tensor Clamp_(double? min = null, double? max = null)
    {
        if (min is null && max is null)
        {
            throw new ArgumentException("Clamp_ needs at least one of min and max.");
        }

        NativeMethods.Check(NativeMethods.srn_clamp_(Handle, NativeScalar.From(min ?? 0), min is null ? 0 : 1, NativeScalar.From(max ?? 0), max is null ? 0 : 1));
        return this;
    }

    /// <summary>Square root in place. Same as <c>Tensor.sqrt_</c>.</summary>
    /// <returns>This tensor.</returns>
    public Tensor Sqrt_() => UnaryInPlace(UnaryOp.Sqrt);

    /// <summary>Negation in place. Same as <c>Tensor.neg_</c>.</summary>
    /// <returns>This tensor.</returns>
    public Tensor Neg_() => UnaryInPlace(UnaryOp.Neg);

    /// <summary>Exponential in place. Same as <c>Tensor.exp_</c>.</summary>
    /// <returns>This tensor.</returns>
    public Tensor Exp_() => UnaryInPlace(UnaryOp.Exp);

    /// <summary>max(x, 0) in place. Same as <c>Tensor.relu_</c>.</summary>
    /// <returns>This tensor.</returns>
    public Tensor Relu_() => UnaryInPlace(UnaryOp.Relu);

    /// <summary>this += weight · (end - this). Same as <c>Tensor.lerp_(end, weight)</c>.</summary>
    /// <param name="end">The end points.</param>
    /// <param name="weight">The weight.</param>
    /// <returns>This tensor.</returns>
    public Tensor Lerp_(Tensor end, double weight)
    {
        ArgumentNullException.ThrowIfNull(end);
        NativeMethods.Check(NativeMethods.srn_lerp_(Handle, end.Handle, TensorHandle.Null, weight));
        return this;
    }

    /// <summary>this += weight · (end - this) with per-element weights. Same as <c>Tensor.lerp_(end, weight)</c>.</summary>
    /// <param name="end">The end points.</param>
    /// <param name="weight">The weights.</param>
    /// <returns>This tensor.</returns>
    public Tensor Lerp_(Tensor end, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(end);
        ArgumentNullException.ThrowIfNull(weight);
        NativeMethods.Check(NativeMethods.srn_lerp_(Handle, end.Handle, weight.Handle, 0));
        return this;
    }

    private Tensor InPlace(Tensor other, BinaryOp op, double alpha)
    {
        ArgumentNullException.ThrowIfNull(other);
        NativeMethods.Check(NativeMethods.srn_binary_(Handle, other.Handle, op, NativeScalar.From(alpha)));
        return this;
    }

    private Tensor InPlace(NativeScalar value, BinaryOp op)
    {
        NativeMethods.Check(NativeMethods.srn_binary_scalar_(Handle, value, op));
        return this;
    }

    private Tensor UnaryInPlace(UnaryOp op)
    {
        NativeMethods.Check(NativeMethods.srn_unary_(Handle, op));
        return this;
    }
}
