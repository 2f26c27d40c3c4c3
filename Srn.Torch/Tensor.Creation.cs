using Srn.Torch.Interop;

namespace Srn.Torch;

public sealed partial class Tensor
{
    /// <summary>A tensor of zeros. Same as <c>torch.zeros</c>.</summary>
    /// <param name="shape">The size of each dimension.</param>
    /// <param name="dtype">Element type (default float32).</param>
    /// <param name="device">Device (default CPU).</param>
    /// <param name="requiresGrad">Whether autograd records operations on it.</param>
    /// <returns>The new tensor.</returns>
    /// <exception cref="TorchException">For a negative size or an unavailable device.</exception>
    public static Tensor Zeros(ReadOnlySpan<long> shape, ScalarType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        var d = device ?? Device.Cpu;
        return Wrap(NativeMethods.srn_zeros(shape, shape.Length, Code(dtype), (int)d.Type, d.Index, requiresGrad ? 1 : 0));
    }

    /// <summary>A tensor of ones. Same as <c>torch.ones</c>.</summary>
    /// <param name="shape">The size of each dimension.</param>
    /// <param name="dtype">Element type (default float32).</param>
    /// <param name="device">Device (default CPU).</param>
    /// <param name="requiresGrad">Whether autograd records operations on it.</param>
    /// <returns>The new tensor.</returns>
    public static Tensor Ones(ReadOnlySpan<long> shape, ScalarType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        var d = device ?? Device.Cpu;
        return Wrap(NativeMethods.srn_ones(shape, shape.Length, Code(dtype), (int)d.Type, d.Index, requiresGrad ? 1 : 0));
    }

    /// <summary>An uninitialised tensor. Same as <c>torch.empty</c>.</summary>
    /// <param name="shape">The size of each dimension.</param>
    /// <param name="dtype">Element type (default float32).</param>
    /// <param name="device">Device (default CPU).</param>
    /// <param name="requiresGrad">Whether autograd records operations on it.</param>
    /// <returns>The new tensor, whose values are whatever the memory held.</returns>
    public static Tensor Empty(ReadOnlySpan<long> shape, ScalarType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        var d = device ?? Device.Cpu;
        return Wrap(NativeMethods.srn_empty(shape, shape.Length, Code(dtype), (int)d.Type, d.Index, requiresGrad ? 1 : 0));
    }

    /// <summary>A tensor filled with one value. Same as <c>torch.full</c>.</summary>
    /// <param name="shape">The size of each dimension.</param>
    /// <param name="value">The fill value.</param>
    /// <param name="dtype">Element type (default float32).</param>
    /// <param name="device">Device (default CPU).</param>
    /// <param name="requiresGrad">Whether autograd records operations on it.</param>
    /// <returns>The new tensor.</returns>
    public static Tensor Full(ReadOnlySpan<long> shape, double value, ScalarType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        var d = device ?? Device.Cpu;
        return Wrap(NativeMethods.srn_full(shape, shape.Length, NativeScalar.From(value), Code(dtype), (int)d.Type, d.Index, requiresGrad ? 1 : 0));
    }

    /// <summary>Values from <paramref name="start"/> up to (excluding) <paramref name="end"/> in steps. Same as <c>torch.arange</c> with float arguments (float32 result by default).</summary>
    /// <param name="start">First value.</param>
    /// <param name="end">Exclusive end.</param>
    /// <param name="step">Step.</param>
    /// <param name="dtype">Element type (default float32).</param>
    /// <param name="device">Device (default CPU).</param>
    /// <returns>The 1-D tensor.</returns>
    public static Tensor Arange(double start, double end, double step = 1, ScalarType? dtype = null, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return Wrap(NativeMethods.srn_arange(NativeScalar.From(start), NativeScalar.From(end), NativeScalar.From(step), Code(dtype), (int)d.Type, d.Index, 0));
    }

    /// <summary>Integers from <paramref name="start"/> up to (excluding) <paramref name="end"/>. Same as <c>torch.arange</c> with integer arguments (int64 result by default).</summary>
    /// <param name="start">First value.</param>
    /// <param name="end">Exclusive end.</param>
    /// <param name="step">Step.</param>
    /// <param name="dtype">Element type (default int64).</param>
    /// <param name="device">Device (default CPU).</param>
    /// <returns>The 1-D tensor.</returns>
    public static Tensor Arange(long start, long end, long step = 1, ScalarType? dtype = null, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return Wrap(NativeMethods.srn_arange(NativeScalar.From(start), NativeScalar.From(end), NativeScalar.From(step), Code(dtype), (int)d.Type, d.Index, 0));
    }

    /// <summary>Integers 0..end-1 (int64). Same as <c>torch.arange(end)</c>.</summary>
    /// <param name="end">Exclusive end.</param>
    /// <returns>The 1-D tensor.</returns>
    public static Tensor Arange(long end) => Arange(0, end);

    /// <summary><paramref name="steps"/> evenly spaced values from start to end inclusive. Same as <c>torch.linspace</c>.</summary>
    /// <param name="start">First value.</param>
    /// <param name="end">Last value.</param>
    /// <param name="steps">Number of values.</param>
    /// <param name="dtype">Element type (default float32).</param>
    /// <param name="device">Device (default CPU).</param>
    /// <returns>The 1-D tensor.</returns>
    public static Tensor Linspace(double start, double end, long steps, ScalarType? dtype = null, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return Wrap(NativeMethods.srn_linspace(start, end, steps, Code(dtype), (int)d.Type, d.Index, 0));
    }

    /// <summary>An identity matrix of n rows and m columns (m defaults to n). Same as <c>torch.eye</c>.</summary>
    /// <param name="n">Rows.</param>
    /// <param name="m">Columns, or -1 for n.</param>
    /// <param name="dtype">Element type (default float32).</param>
    /// <param name="device">Device (default CPU).</param>
    /// <returns>The matrix.</returns>
    public static Tensor Eye(long n, long m = -1, ScalarType? dtype = null, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return Wrap(NativeMethods.srn_eye(n, m, Code(dtype), (int)d.Type, d.Index, 0));
    }

    /// <summary>Uniform samples from [0, 1), drawn from the global generator (see <see cref="LibTorch.ManualSeed"/>). Same as <c>torch.rand</c>.</summary>
    /// <param name="shape">The size of each dimension.</param>
    /// <param name="dtype">Element type (default float32).</param>
    /// <param name="device">Device (default CPU).</param>
    /// <param name="requiresGrad">Whether autograd records operations on it.</param>
    /// <returns>The new tensor.</returns>
    public static Tensor Rand(ReadOnlySpan<long> shape, ScalarType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        var d = device ?? Device.Cpu;
        return Wrap(NativeMethods.srn_rand(shape, shape.Length, Code(dtype), (int)d.Type, d.Index, requiresGrad ? 1 : 0));
    }

    /// <summary>Standard normal samples from the global generator. Same as <c>torch.randn</c>.</summary>
    /// <param name="shape">The size of each dimension.</param>
    /// <param name="dtype">Element type (default float32).</param>
    /// <param name="device">Device (default CPU).</param>
    /// <param name="requiresGrad">Whether autograd records operations on it.</param>
    /// <returns>The new tensor.</returns>
    public static Tensor Randn(ReadOnlySpan<long> shape, ScalarType? dtype = null, Device? device = null, bool requiresGrad = false)
    {
        var d = device ?? Device.Cpu;
        return Wrap(NativeMethods.srn_randn(shape, shape.Length, Code(dtype), (int)d.Type, d.Index, requiresGrad ? 1 : 0));
    }

    /// <summary>Uniform integers in [low, high) from the global generator. Same as <c>torch.randint</c>.</summary>
    /// <param name="low">Inclusive lower bound.</param>
    /// <param name="high">Exclusive upper bound.</param>
    /// <param name="shape">The size of each dimension.</param>
    /// <param name="dtype">Element type (default int64).</param>
    /// <param name="device">Device (default CPU).</param>
    /// <returns>The new tensor.</returns>
    public static Tensor RandInt(long low, long high, ReadOnlySpan<long> shape, ScalarType? dtype = null, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return Wrap(NativeMethods.srn_randint(low, high, shape, shape.Length, Code(dtype), (int)d.Type, d.Index));
    }

    /// <summary>A random permutation of 0..n-1 from the global generator. Same as <c>torch.randperm</c>.</summary>
    /// <param name="n">Length.</param>
    /// <param name="device">Device (default CPU).</param>
    /// <returns>The int64 permutation.</returns>
    public static Tensor RandPerm(long n, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return Wrap(NativeMethods.srn_randperm(n, -1, (int)d.Type, d.Index));
    }

    /// <summary>Zeros with this tensor's shape, dtype and device. Same as <c>torch.zeros_like</c>.</summary>
    /// <param name="dtype">Another element type, if given.</param>
    /// <returns>The new tensor.</returns>
    public Tensor ZerosLike(ScalarType? dtype = null) => Wrap(NativeMethods.srn_like(Handle, 0, Code(dtype)));

    /// <summary>Ones with this tensor's shape, dtype and device. Same as <c>torch.ones_like</c>.</summary>
    /// <param name="dtype">Another element type, if given.</param>
    /// <returns>The new tensor.</returns>
    public Tensor OnesLike(ScalarType? dtype = null) => Wrap(NativeMethods.srn_like(Handle, 1, Code(dtype)));

    /// <summary>Uninitialised, with this tensor's shape, dtype and device. Same as <c>torch.empty_like</c>.</summary>
    /// <param name="dtype">Another element type, if given.</param>
    /// <returns>The new tensor.</returns>
    public Tensor EmptyLike(ScalarType? dtype = null) => Wrap(NativeMethods.srn_like(Handle, 2, Code(dtype)));

    /// <summary>Uniform [0, 1) samples shaped like this tensor. Same as <c>torch.rand_like</c>.</summary>
    /// <param name="dtype">Another element type, if given.</param>
    /// <returns>The new tensor.</returns>
    public Tensor RandLike(ScalarType? dtype = null) => Wrap(NativeMethods.srn_like(Handle, 3, Code(dtype)));

    /// <summary>Standard normal samples shaped like this tensor. Same as <c>torch.randn_like</c>.</summary>
    /// <param name="dtype">Another element type, if given.</param>
    /// <returns>The new tensor.</returns>
    public Tensor RandnLike(ScalarType? dtype = null) => Wrap(NativeMethods.srn_like(Handle, 4, Code(dtype)));

    /// <summary>One value everywhere, shaped like this tensor. Same as <c>torch.full_like</c>.</summary>
    /// <param name="value">The fill value.</param>
    /// <param name="dtype">Another element type, if given.</param>
    /// <returns>The new tensor.</returns>
    public Tensor FullLike(double value, ScalarType? dtype = null) => Wrap(NativeMethods.srn_full_like(Handle, NativeScalar.From(value), Code(dtype)));

    private static int Code(ScalarType? dtype) => dtype is { } t ? (int)t : -1;
}
