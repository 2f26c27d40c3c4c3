using Srn.Tests.Fixtures;
using Srn.Torch;

namespace Srn.Tests.Torch;

/// <summary>
/// The same ops on a CUDA device agree with the CPU. They run where libtorch has CUDA and a GPU is
/// visible (build the shim against a CUDA libtorch, see README "GPU"); elsewhere they are skipped with the reason.
/// </summary>
[TestFixture]
public sealed class CudaTests
{
    [SetUp]
    public void RequireCuda()
    {
        if (!Device.CudaIsAvailable)
        {
            Assert.Ignore("no CUDA device: this libtorch build is CPU-only or no GPU is visible (see README, GPU).");
        }
    }

    [Test]
    public void Tensors_round_trip_through_the_gpu()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.Randn([4, 5]);
        var onGpu = x.To(Device.Cuda());
        Assert.That(onGpu.Device, Is.EqualTo(Device.Cuda(0)));
        Assert.That(onGpu.ToArray<float>(), Is.EqualTo(x.ToArray<float>()));
    }

    [Test]
    public void Math_conv_and_backward_agree_with_the_cpu()
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(3);
        var x = Tensor.Randn([2, 3, 8, 8]);
        var w = Tensor.Randn([4, 3, 3, 3]);
        var cpuW = w.Clone().RequiresGrad_();
        var gpuW = w.To(Device.Cuda()).RequiresGrad_();
        var cpu = Functional.Conv2d(x, cpuW, padding: 1).Relu().Softmax(1);
        var gpu = Functional.Conv2d(x.To(Device.Cuda()), gpuW, padding: 1).Relu().Softmax(1);
        ParityFixture.AssertClose(gpu.Cpu(), cpu, 1e-4, 1e-5, "forward");
        cpu.Sum().Backward();
        gpu.Sum().Backward();
        ParityFixture.AssertClose(gpuW.Grad!.Cpu(), cpuW.Grad!, 1e-3, 1e-4, "weight gradient");
        var a = Tensor.Randn([64, 32]);
        ParityFixture.AssertClose(a.To(Device.Cuda()).MatMul(a.To(Device.Cuda()).Transpose(0, 1)).Cpu(), a.MatMul(a.Transpose(0, 1)), 1e-4, 1e-4, "matmul");
    }

    [Test]
    public void Mixing_devices_is_a_clear_error()
    {
        using var scope = DisposeScope.Enter();
        var cpu = Tensor.Ones([3]);
        var gpu = Tensor.Ones([3], device: Device.Cuda());
        Assert.That(() => cpu.Mm(gpu.Unsqueeze(1)), Throws.TypeOf<TorchException>().With.Message.Contains("device"));
    }
}
