using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.Tests.Torch;

/// <summary>Autocast scopes (libtorch's op policy, nesting, per-thread state) and channels-last layouts.</summary>
[TestFixture]
public sealed class AutocastTests
{
    [Test]
    public void Matrix_products_and_convolutions_run_in_bfloat16_inside_and_float32_outside()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.Randn([2, 3, 8, 8]);
        var w = Tensor.Randn([4, 3, 3, 3]);
        var a = Tensor.Randn([5, 6]);
        var b = Tensor.Randn([6, 7]);
        using (Autocast.Enter(DeviceType.Cpu, ScalarType.BFloat16))
        {
            Assert.That(Autocast.IsEnabled(DeviceType.Cpu), Is.True);
            Assert.That(Functional.Conv2d(x, w).DType, Is.EqualTo(ScalarType.BFloat16));
            Assert.That(a.MatMul(b).DType, Is.EqualTo(ScalarType.BFloat16));
            Assert.That(Functional.Linear(a, b.Transpose(0, 1)).DType, Is.EqualTo(ScalarType.BFloat16));
            Assert.That((a + a).DType, Is.EqualTo(ScalarType.Float32), "ops outside the policy's lists keep their input type");
        }

        Assert.That(Autocast.IsEnabled(DeviceType.Cpu), Is.False);
        Assert.That(Functional.Conv2d(x, w).DType, Is.EqualTo(ScalarType.Float32));
        Assert.That(a.MatMul(b).DType, Is.EqualTo(ScalarType.Float32));
    }

    [Test]
    public void Results_match_float32_within_bfloat16_precision_and_gradients_reach_float32_parameters()
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(3);
        var a = Tensor.Randn([16, 32]);
        var w = Tensor.Randn([32, 8], requiresGrad: true);
        var exact = a.MatMul(w);
        Tensor low;
        using (Autocast.Enter(DeviceType.Cpu, ScalarType.BFloat16))
        {
            low = a.MatMul(w);
        }

        var error = (low.To(ScalarType.Float32) - exact).Abs().Max().ToDoubleArray()[0];
        var size = exact.Abs().Max().ToDoubleArray()[0];
        Assert.That(error, Is.LessThan(size * 2e-2), "bfloat16 keeps 8 significant bits");
        Assert.That(error, Is.GreaterThan(0), "it did run in lower precision");
        low.To(ScalarType.Float32).Sum().Backward();
        Assert.That(w.Grad!.DType, Is.EqualTo(ScalarType.Float32), "the master weights and their gradients stay float32");
    }

    [Test]
    public void Scopes_nest_and_an_inner_disabled_scope_runs_in_float32()
    {
        using var scope = DisposeScope.Enter();
        var a = Tensor.Randn([4, 4]);
        using (Autocast.Enter(DeviceType.Cpu, ScalarType.BFloat16))
        {
            using (Autocast.Enter(DeviceType.Cpu, ScalarType.BFloat16, enabled: false))
            {
                Assert.That(Autocast.IsEnabled(DeviceType.Cpu), Is.False);
                Assert.That(a.MatMul(a).DType, Is.EqualTo(ScalarType.Float32));
            }

            Assert.That(Autocast.IsEnabled(DeviceType.Cpu), Is.True, "the outer state comes back");
            Assert.That(a.MatMul(a).DType, Is.EqualTo(ScalarType.BFloat16));
        }

        Assert.That(Autocast.IsEnabled(DeviceType.Cpu), Is.False);
        Assert.That(Autocast.DType(DeviceType.Cpu), Is.EqualTo(ScalarType.BFloat16), "libtorch's default CPU autocast type");
    }

    [Test]
    public void Autocast_state_belongs_to_the_thread_that_entered_it()
    {
        using var scope = DisposeScope.Enter();
        using var entered = new ManualResetEventSlim();
        using var checkedOther = new ManualResetEventSlim();
        AutocastScope? held = null;
        var owner = new Thread(() =>
        {
            held = Autocast.Enter(DeviceType.Cpu, ScalarType.BFloat16);
            entered.Set();
            checkedOther.Wait();
            held.Dispose();
        });
        owner.Start();
        entered.Wait();
        try
        {
            Assert.That(Autocast.IsEnabled(DeviceType.Cpu), Is.False, "another thread's scope does not leak here");
            var a = Tensor.Randn([3, 3]);
            Assert.That(a.MatMul(a).DType, Is.EqualTo(ScalarType.Float32));
            Assert.That(() => held!.Dispose(), Throws.InvalidOperationException.With.Message.Contains("thread"));
        }
        finally
        {
            checkedOther.Set();
            owner.Join();
        }
    }

    [Test]
    public void Float16_on_the_cpu_of_libtorch_1_and_float32_as_a_low_precision_are_refused()
    {
        Assert.That(() => Autocast.Enter(DeviceType.Cpu, ScalarType.Float32), Throws.TypeOf<NotSupportedException>());
        if (LibTorch.Version.StartsWith("1.", StringComparison.Ordinal))
        {
            Assert.That(() => Autocast.Enter(DeviceType.Cpu, ScalarType.Float16), Throws.TypeOf<NotSupportedException>().With.Message.Contains("bfloat16"));
        }

        Assert.That(Autocast.IsEnabled(DeviceType.Cpu), Is.False, "a refused scope changes nothing");
    }

    [Test]
    public void Channels_last_keeps_values_changes_strides_and_flows_through_convolution()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.Randn([2, 3, 5, 7]);
        var cl = x.To(MemoryFormat.ChannelsLast);
        Assert.That(cl.IsContiguousIn(MemoryFormat.ChannelsLast), Is.True);
        Assert.That(cl.IsContiguous, Is.False);
        Assert.That(cl.SuggestedMemoryFormat, Is.EqualTo(MemoryFormat.ChannelsLast));
        Assert.That((cl - x).Abs().Max().ToDoubleArray()[0], Is.Zero);
        Assert.That(x.SuggestedMemoryFormat, Is.EqualTo(MemoryFormat.Contiguous));
        Assert.That(() => Tensor.Randn([2, 3]).To(MemoryFormat.ChannelsLast), Throws.TypeOf<TorchException>());

        using var conv = new Conv2d(3, 4, 3, padding: 1);
        var before = conv.Forward(x);
        conv.To(MemoryFormat.ChannelsLast);
        var weight = conv.Parameters().First(p => p.Dim == 4);
        Assert.That(weight.IsContiguousIn(MemoryFormat.ChannelsLast), Is.True);
        Assert.That(conv.Parameters().First(p => p.Dim == 1).IsContiguous, Is.True, "the bias keeps its layout");
        var after = conv.Forward(cl);
        Assert.That(after.SuggestedMemoryFormat, Is.EqualTo(MemoryFormat.ChannelsLast), "a channels-last convolution gives a channels-last output");
        Assert.That((after - before).Abs().Max().ToDoubleArray()[0], Is.LessThan(1e-5));
        conv.To(MemoryFormat.Contiguous);
        Assert.That(weight.IsContiguous, Is.True, "and back");
    }
}
