using Srn.PartialLabels.Blending;
using Srn.PartialLabels.Network;
using Srn.Torch;
using Srn.Training.Losses;

namespace Srn.Tests.PartialLabels;

/// <summary>The building blocks composed as a DSRB training step: finite losses, gradients everywhere, no native leak.</summary>
[TestFixture]
[NonParallelizable] // counts live tensors
public sealed class TrainingStepTests
{
    [Test]
    public void A_dsrb_style_step_trains_every_part_and_leaks_no_tensor()
    {
        LibTorch.ManualSeed(11);
        var labels = new sbyte[,] { { 1, 0, -1, 0 }, { 0, 1, 1, 0 }, { 1, 1, 0, 0 }, { -1, 0, 1, 0 } };
        using var network = SsgrlParityTests.TinyNetwork(LabelAdjacency.FromKnownPositives(labels));
        using var iprb = new InstanceBlending();
        using var pprb = new PrototypeBlending();
        var rng = new Random(3);
        using var images = Tensor.Randn([4, 3, 96, 96]);
        using var targets = Tensor.FromArray(new float[] { 1, 0, -1, 0, 0, 1, 1, 0, 1, 1, 0, 0, -1, 0, 1, 0 }, [4, 4]);

        PrototypeBank bank;
        network.Eval();
        using (Autograd.NoGrad())
        using (var output = network.Forward(images))
        {
            var builder = new PrototypeBankBuilder(4, output.GridHeight, output.GridWidth, 16, capacity: 10, seed: 1);
            builder.AddBatch(output.Maps!, targets);
            bank = builder.Build();
        }

        using (bank)
        {
            network.Train();
            long before = 0;
            for (var step = 0; step < 8; step++)
            {
                if (step == 3)
                {
                    before = LiveTensors.Settled();
                }

                using var scope = DisposeScope.Enter();
                using var output = network.Forward(images);
                var instance = iprb.Blend(output.Maps!, targets);
                var prototype = pprb.Blend(output.Maps!, targets, bank, rng);
                var loss = PartialBce.Instance.Compute(output.Logits, targets)
                    + (0.05 * ContrastiveLoss.Compute(output.Vectors, targets, rng))
                    + PartialBce.Instance.Compute(network.Classify(instance.Features), instance.Targets)
                    + PartialBce.Instance.Compute(network.Classify(prototype.Features), prototype.Targets);
                Assert.That(float.IsFinite(loss.Item<float>()), Is.True, $"step {step}");
                network.ZeroGrad();
                iprb.ZeroGrad();
                pprb.ZeroGrad();
                loss.Backward();
                if (step == 0)
                {
                    Assert.That(iprb.Alpha.Grad, Is.Not.Null);
                    Assert.That(pprb.Beta.Grad, Is.Not.Null);
                    Assert.That(network.Parameters().Where(p => p.RequiresGrad).All(p => p.Grad is not null), Is.True, "every trainable parameter gets a gradient");
                }
            }

            Assert.That(LiveTensors.Settled(), Is.EqualTo(before), "live native tensors must not grow across steps");
        }
    }

    [Test]
    public void On_a_gpu_the_network_and_the_blends_agree_with_the_cpu()
    {
        if (!Device.CudaIsAvailable)
        {
            Assert.Ignore("no CUDA device: this libtorch build is CPU-only or no GPU is visible (see README, GPU).");
        }

        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(12);
        var labels = new sbyte[,] { { 1, 0, -1, 0 }, { 0, 1, 1, 0 }, { 1, 1, 0, 0 }, { -1, 0, 1, 0 } };
        using var network = SsgrlParityTests.TinyNetwork(LabelAdjacency.FromKnownPositives(labels));
        network.Eval();
        var images = Tensor.Randn([4, 3, 96, 96]);
        var targets = Tensor.FromArray(new float[] { 1, 0, -1, 0, 0, 1, 1, 0, 1, 1, 0, 0, -1, 0, 1, 0 }, [4, 4]);
        using var noGrad = Autograd.NoGrad();
        using var cpu = network.Forward(images);
        var builder = new PrototypeBankBuilder(4, cpu.GridHeight, cpu.GridWidth, 16);
        builder.AddBatch(cpu.Maps!, targets);
        using var bank = builder.Build();
        using var iprb = new InstanceBlending();
        using var pprb = new PrototypeBlending();
        var cpuInstance = iprb.Blend(cpu.Maps!, targets);
        var cpuPrototype = pprb.Blend(cpu.Maps!, targets, bank, new Random(1));
        var cpuContrastive = ContrastiveLoss.Compute(cpu.Vectors, targets, new Random(2));

        network.To(Device.Cuda());
        iprb.To(Device.Cuda());
        pprb.To(Device.Cuda());
        bank.MoveTo(Device.Cuda());
        using var gpu = network.Forward(images.To(Device.Cuda()));
        Assert.That((gpu.Logits.Cpu() - cpu.Logits).Abs().Max().Item<float>(), Is.LessThan(1e-3f));
        var gpuInstance = iprb.Blend(gpu.Maps!, targets);
        var gpuPrototype = pprb.Blend(gpu.Maps!, targets, bank, new Random(1));
        var gpuContrastive = ContrastiveLoss.Compute(gpu.Vectors, targets.To(Device.Cuda()), new Random(2));
        Assert.That(gpuPrototype.Choices, Is.EqualTo(cpuPrototype.Choices));
        Assert.That((gpuInstance.Features.Cpu() - cpuInstance.Features).Abs().Max().Item<float>(), Is.LessThan(1e-3f));
        Assert.That((gpuPrototype.Features.Cpu() - cpuPrototype.Features).Abs().Max().Item<float>(), Is.LessThan(1e-3f));
        Assert.That(gpuContrastive.Item<float>(), Is.EqualTo(cpuContrastive.Item<float>()).Within(1e-4f));
    }
}
