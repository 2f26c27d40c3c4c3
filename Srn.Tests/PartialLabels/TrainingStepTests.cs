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
                    before = Tensor.LiveCount;
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

            Assert.That(Tensor.LiveCount, Is.EqualTo(before), "live native tensors must not grow across steps");
        }
    }
}
