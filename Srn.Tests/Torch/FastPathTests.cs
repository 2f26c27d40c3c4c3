using Srn.Torch;

namespace Srn.Tests.Torch;

/// <summary>
/// The shim computes small same-shape float add/sub/mul/div itself (Native/src/math.cpp) to avoid ATen's
/// per-op overhead. Its results must be bitwise those of ATen's kernels, which ops on tensors that
/// require grad always use.
/// </summary>
[TestFixture]
public sealed class FastPathTests
{
    private static readonly long[] Sizes = [1, 3, 16, 17, 255, 4096, 4097];

    [Test]
    public void Small_float_arithmetic_is_bitwise_ATen_for_every_op_size_and_dtype(
        [Values(ScalarType.Float32, ScalarType.Float64)] ScalarType dtype,
        [Values("add", "sub", "mul", "div")] string op)
    {
        foreach (var n in Sizes)
        {
            using var scope = DisposeScope.Enter();
            LibTorch.ManualSeed((ulong)n);
            var a = Tensor.Randn([n], dtype) * 1e3;
            var b = Tensor.Randn([n], dtype) * 1e-3;
            var fast = Apply(op, a, b);
            var viaAten = Apply(op, a.Clone().RequiresGrad_(), b).Detach();
            Assert.That(fast.ToBytes(), Is.EqualTo(viaAten.ToBytes()), $"{op} on {n} {dtype} values");
            Assert.That(fast.DType, Is.EqualTo(dtype));
            Assert.That(fast.Shape, Is.EqualTo(new[] { n }));
        }
    }

    [Test]
    public void Special_values_propagate_as_in_ATen()
    {
        using var scope = DisposeScope.Enter();
        var a = Tensor.FromArray(new[] { 1f, -1f, 0f, float.PositiveInfinity, float.NaN, -0f, float.MaxValue, float.Epsilon });
        var b = Tensor.FromArray(new[] { 0f, 0f, 0f, float.PositiveInfinity, 1f, 0f, float.MaxValue, 2f });
        foreach (var op in new[] { "add", "sub", "mul", "div" })
        {
            var fast = Apply(op, a, b);
            var viaAten = Apply(op, a.Clone().RequiresGrad_(), b).Detach();
            Assert.That(fast.ToBytes(), Is.EqualTo(viaAten.ToBytes()), op);
        }
    }

    [Test]
    public void Multidimensional_and_zero_dim_inputs_keep_their_shape()
    {
        using var scope = DisposeScope.Enter();
        var m = Tensor.Randn([3, 4, 5]);
        var s = Tensor.Scalar(2.0f);
        Assert.That((m * m).Shape, Is.EqualTo(new long[] { 3, 4, 5 }));
        Assert.That((s + s).Dim, Is.Zero);
        Assert.That((s + s).Item<float>(), Is.EqualTo(4f));
    }

    private static Tensor Apply(string op, Tensor a, Tensor b) => op switch
    {
        "add" => a + b,
        "sub" => a - b,
        "mul" => a * b,
        _ => a / b,
    };
}
