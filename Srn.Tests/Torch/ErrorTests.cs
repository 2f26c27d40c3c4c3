using Srn.Torch;

namespace Srn.Tests.Torch;

/// <summary>Bad input gives a managed exception with a clear message, never a native crash.</summary>
[TestFixture]
public sealed class ErrorTests
{
    [Test]
    public void Shape_mismatch_names_both_sizes()
    {
        using var a = Tensor.Ones([2, 3]);
        using var b = Tensor.Ones([4]);
        Assert.That(() => a + b, Throws.TypeOf<TorchException>().With.Message.Contains("size of tensor a (3) must match the size of tensor b (4)"));
        Assert.That(() => a.Add_(b), Throws.TypeOf<TorchException>());
        using var m = Tensor.Ones([3, 5]);
        using var n = Tensor.Ones([4, 2]);
        Assert.That(() => m.MatMul(n), Throws.TypeOf<TorchException>().With.Message.Contains("3x5").And.Message.Contains("4x2"));
    }

    [Test]
    public void Dtype_mismatch_is_reported()
    {
        using var f = Tensor.Ones([2, 2]);
        using var l = Tensor.Ones([2, 2], ScalarType.Int64);
        Assert.That(() => f.Mm(l), Throws.TypeOf<TorchException>().With.Message.Contains("Float").Or.Message.Contains("Long"));
        Assert.That(() => l.Mean(), Throws.TypeOf<TorchException>().With.Message.Contains("Long"));
        Assert.That(() => f.ToArray<long>(), Throws.TypeOf<InvalidOperationException>().With.Message.Contains("Float32"));
        Assert.That(() => f.Item<float>(), Throws.TypeOf<InvalidOperationException>().With.Message.Contains("[2, 2]"));
    }

    [Test]
    public void Wrong_dimension_count_is_reported()
    {
        using var a = Tensor.Ones([2, 3]);
        using var v = Tensor.Ones([3]);
        Assert.That(() => a.Bmm(a), Throws.TypeOf<TorchException>().With.Message.Contains("3D"));
        Assert.That(() => v.Mm(v), Throws.TypeOf<TorchException>().With.Message.Contains("matrix"));
        Assert.That(() => Tensor.Einsum("ij,jk->ik", v, a), Throws.TypeOf<TorchException>());
    }

    [Test]
    public void Out_of_range_dimension_or_size_is_reported()
    {
        using var a = Tensor.Ones([2, 3]);
        Assert.That(() => a.Sum(5), Throws.TypeOf<TorchException>().With.Message.Contains("Dimension out of range"));
        Assert.That(() => a.Softmax(-3), Throws.TypeOf<TorchException>().With.Message.Contains("Dimension out of range"));
        Assert.That(() => a.Size(2), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => a.TopK(4, dim: 1), Throws.TypeOf<TorchException>().With.Message.Contains("out of range"));
        Assert.That(() => Tensor.Zeros([-1]), Throws.TypeOf<TorchException>().With.Message.Contains("negative"));
    }

    [Test]
    public void Reductions_of_empty_tensors_are_reported()
    {
        using var e = Tensor.Zeros([0]);
        Assert.That(() => e.Max(), Throws.TypeOf<TorchException>().With.Message.Contains("empty"));
        Assert.That(() => e.ArgMax(), Throws.TypeOf<TorchException>().With.Message.Contains("empty"));
    }

    [Test]
    public void Using_a_disposed_tensor_throws_ObjectDisposedException()
    {
        var t = Tensor.Ones([2]);
        using var other = Tensor.Ones([2]);
        t.Dispose();
        t.Dispose();
        Assert.Multiple(() =>
        {
            Assert.That(() => t.Shape, Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => t + other, Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => other + t, Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => other.Copy_(t), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => Tensor.Einsum("i,i->", other, t), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => t.ToArray<float>(), Throws.TypeOf<ObjectDisposedException>());
        });
    }

    [Test]
    public void Data_that_does_not_fit_the_shape_is_an_argument_error()
    {
        Assert.That(() => Tensor.FromArray(new float[5], [2, 3]), Throws.ArgumentException.With.Message.Contains("needs 6 values, but 5"));
        Assert.That(() => Tensor.FromArray(new float[6], [-2, -3]), Throws.ArgumentException.With.Message.Contains("negative"));
        Assert.That(() => Tensor.FromArray(new decimal[1]), Throws.TypeOf<NotSupportedException>());
    }

    [Test]
    public void In_place_update_of_a_leaf_that_requires_grad_is_refused()
    {
        using var x = Tensor.Ones([2], requiresGrad: true);
        Assert.That(() => x.Add_(1.0), Throws.TypeOf<TorchException>().With.Message.Contains("leaf Variable that requires grad"));
    }

    [Test]
    public void Invalid_arguments_to_math_ops_are_reported()
    {
        using var a = Tensor.Ones([2]);
        Assert.That(() => a.Clamp(), Throws.ArgumentException);
        Assert.That(() => a.Clamp_(), Throws.ArgumentException);
        Assert.That(() => Tensor.Linspace(0, 1, -1), Throws.TypeOf<TorchException>().With.Message.Contains("non-negative"));
        Assert.That(() => Tensor.RandInt(5, 1, [2]), Throws.TypeOf<TorchException>());
    }

    [Test]
    public void Errors_on_one_thread_do_not_leak_into_another()
    {
        using var a = Tensor.Ones([2, 3]);
        Assert.That(() => a.Sum(9), Throws.TypeOf<TorchException>());
        string? otherThreadResult = null;
        var thread = new Thread(() =>
        {
            using var b = Tensor.Ones([2]);
            using var s = b.Sum();
            otherThreadResult = s.Item<float>().ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        thread.Start();
        thread.Join();
        Assert.That(otherThreadResult, Is.EqualTo("2"));
    }
}
