using Srn.Torch;

namespace Srn.Tests.Torch;

[TestFixture]
public sealed class TensorCoreTests
{
    [Test]
    public void Creation_reports_shape_dtype_and_device()
    {
        using var t = Tensor.Zeros([2, 3, 4], ScalarType.Float64);
        Assert.Multiple(() =>
        {
            Assert.That(t.Shape, Is.EqualTo(new long[] { 2, 3, 4 }));
            Assert.That(t.Dim, Is.EqualTo(3));
            Assert.That(t.NumEl, Is.EqualTo(24));
            Assert.That(t.DType, Is.EqualTo(ScalarType.Float64));
            Assert.That(t.Device, Is.EqualTo(Device.Cpu));
            Assert.That(t.Strides, Is.EqualTo(new long[] { 12, 4, 1 }));
            Assert.That(t.IsContiguous, Is.True);
            Assert.That(t.Size(-1), Is.EqualTo(4));
        });
    }

    [Test]
    public void Default_dtypes_follow_PyTorch()
    {
        using var f = Tensor.Ones([2]);
        using var i = Tensor.Arange(5);
        using var r = Tensor.RandInt(0, 3, [4]);
        Assert.Multiple(() =>
        {
            Assert.That(f.DType, Is.EqualTo(ScalarType.Float32));
            Assert.That(i.DType, Is.EqualTo(ScalarType.Int64));
            Assert.That(r.DType, Is.EqualTo(ScalarType.Int64));
        });
    }

    [Test]
    public void Arrays_round_trip_for_every_element_type()
    {
        RoundTrip(new float[] { 1.5f, -2, 3, 4, 5, 6 });
        RoundTrip(new double[] { 1.5, -2, 3, 4, 5, 6 });
        RoundTrip(new long[] { long.MaxValue, -2, 3, 4, 5, long.MinValue });
        RoundTrip(new int[] { int.MaxValue, -2, 3, 4, 5, 6 });
        RoundTrip(new short[] { 7, -2, 3, 4, 5, 6 });
        RoundTrip(new byte[] { 255, 0, 3, 4, 5, 6 });
        RoundTrip(new sbyte[] { -128, 127, 3, 4, 5, 6 });
        RoundTrip(new bool[] { true, false, true, true, false, false });
        RoundTrip(new Half[] { (Half)1.5, (Half)(-2), (Half)3, (Half)4, (Half)5, (Half)6 });
    }

    private static void RoundTrip<T>(T[] values)
        where T : unmanaged
    {
        using var t = Tensor.FromArray(values, [2, 3]);
        Assert.That(t.DType, Is.EqualTo(ScalarTypes.Of<T>()));
        Assert.That(t.Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(t.ToArray<T>(), Is.EqualTo(values));
    }

    [Test]
    public void Two_dimensional_arrays_keep_row_major_order()
    {
        using var t = Tensor.FromArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.That(t.Shape, Is.EqualTo(new long[] { 2, 3 }));
        using var col = t.Sum(0);
        Assert.That(col.ToArray<float>(), Is.EqualTo(new float[] { 5, 7, 9 }));
    }

    [Test]
    public void ToArray_reads_non_contiguous_views_in_logical_order()
    {
        using var t = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        using var tt = Tensor.Einsum("ij->ji", t);
        Assert.That(tt.ToArray<float>(), Is.EqualTo(new float[] { 1, 4, 2, 5, 3, 6 }));
    }

    [Test]
    public void Scalars_and_Item()
    {
        using var s = Tensor.Scalar(2.5);
        using var sum = Tensor.FromArray(new long[] { 1, 2, 3 }).Sum();
        Assert.Multiple(() =>
        {
            Assert.That(s.Dim, Is.EqualTo(0));
            Assert.That(s.Item<double>(), Is.EqualTo(2.5));
            Assert.That(sum.Item<long>(), Is.EqualTo(6));
        });
    }

    [Test]
    public void Integer_scalars_keep_integer_tensors_integral_and_float_scalars_promote()
    {
        using var i = Tensor.FromArray(new long[] { 1, 2 });
        using var plusInt = i + 1;
        using var plusFloat = i + 0.5;
        using var intMinus = 10 - i;
        Assert.Multiple(() =>
        {
            Assert.That(plusInt.DType, Is.EqualTo(ScalarType.Int64));
            Assert.That(plusFloat.DType, Is.EqualTo(ScalarType.Float32));
            Assert.That(intMinus.ToArray<long>(), Is.EqualTo(new long[] { 9, 8 }));
        });
    }

    [Test]
    public void In_place_integer_scalars_keep_integer_tensors_integral()
    {
        using var counter = Tensor.Zeros([], ScalarType.Int64);
        counter.Add_(1).Mul_(6).Sub_(2);
        Assert.That(counter.Item<long>(), Is.EqualTo(4));
        Assert.That(() => counter.Add_(0.5), Throws.TypeOf<TorchException>().With.Message.Contains("Long"));
    }

    [Test]
    public void ToString_shows_values_shape_dtype_and_device()
    {
        using var t = Tensor.FromArray(new float[] { 1, 2.5f, 3, 4 }, [2, 2]);
        using var big = Tensor.Zeros([100]);
        using var b = Tensor.FromArray(new[] { true, false });
        Assert.Multiple(() =>
        {
            Assert.That(t.ToString(), Is.EqualTo("tensor([[1, 2.5], [3, 4]], shape=[2, 2], dtype=Float32, device=cpu)"));
            Assert.That(big.ToString(), Is.EqualTo("tensor(shape=[100], dtype=Float32, device=cpu)"));
            Assert.That(b.ToString(), Does.StartWith("tensor([True, False]"));
        });
        t.Dispose();
        Assert.That(t.ToString(), Is.EqualTo("tensor(<disposed>)"));
    }

    [Test]
    public void Conversions_between_dtypes()
    {
        using var t = Tensor.FromArray(new float[] { 1.7f, -2.2f });
        using var i = t.To(ScalarType.Int64);
        using var same = t.To(ScalarType.Float32);
        Assert.That(i.ToArray<long>(), Is.EqualTo(new long[] { 1, -2 }));
        Assert.That(same.ToArray<float>(), Is.EqualTo(t.ToArray<float>()));
    }

    [Test]
    public void Devices_parse_and_print_like_torch_device()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Device.Parse("cpu"), Is.EqualTo(Device.Cpu));
            Assert.That(Device.Parse("cuda:1"), Is.EqualTo(Device.Cuda(1)));
            Assert.That(Device.Parse("CUDA"), Is.EqualTo(Device.Cuda(0)));
            Assert.That(Device.Cuda(2).ToString(), Is.EqualTo("cuda:2"));
            Assert.That(() => Device.Parse("tpu"), Throws.TypeOf<FormatException>());
        });
    }

    [Test]
    public void Cuda_on_a_cpu_only_build_fails_with_a_clear_message()
    {
        if (Device.CudaIsAvailable)
        {
            Assert.Ignore("CUDA is available here; this test covers CPU-only libtorch builds.");
        }

        using var t = Tensor.Ones([2]);
        Assert.That(() => t.To(Device.Cuda()), Throws.TypeOf<TorchException>().With.Message.Contains("CUDA"));
        Assert.That(() => Tensor.Zeros([2], device: Device.Cuda()), Throws.TypeOf<TorchException>().With.Message.Contains("CUDA"));
        Assert.That(Device.CudaDeviceCount, Is.Zero);
    }

    [Test]
    public void Same_seed_same_tensors_and_different_seed_different_tensors()
    {
        LibTorch.ManualSeed(42);
        var a = Tensor.Randn([16]).ToArray<float>();
        var p = Tensor.RandPerm(10).ToArray<long>();
        LibTorch.ManualSeed(42);
        var b = Tensor.Randn([16]).ToArray<float>();
        var q = Tensor.RandPerm(10).ToArray<long>();
        LibTorch.ManualSeed(43);
        var c = Tensor.Randn([16]).ToArray<float>();
        Assert.Multiple(() =>
        {
            Assert.That(b, Is.EqualTo(a));
            Assert.That(q, Is.EqualTo(p));
            Assert.That(c, Is.Not.EqualTo(a));
        });
    }

    [Test]
    public void Thread_count_can_be_read_and_set()
    {
        var before = LibTorch.NumThreads;
        try
        {
            LibTorch.NumThreads = 1;
            Assert.That(LibTorch.NumThreads, Is.EqualTo(1));
            Assert.That(() => LibTorch.NumThreads = 0, Throws.TypeOf<TorchException>().With.Message.Contains(">= 1"));
        }
        finally
        {
            LibTorch.NumThreads = before;
        }
    }

    [Test]
    public void Library_reports_version_abi_and_blas()
    {
        Assert.Multiple(() =>
        {
            Assert.That(LibTorch.Version, Does.Match(@"^\d+\.\d+"));
            Assert.That(LibTorch.AbiVersion, Is.EqualTo(2));
            Assert.That(LibTorch.BlasLibrary, Is.Not.Empty);
        });
    }
}
