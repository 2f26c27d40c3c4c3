using Srn.Torch;

namespace Srn.Tests.Torch;

/// <summary>Native memory stays flat: the live-tensor counter proves it.</summary>
[TestFixture]
[NonParallelizable]
public sealed class MemoryTests
{
    [Test]
    public void A_thousand_step_training_loop_leaks_no_tensor()
    {
        LibTorch.ManualSeed(1);
        using var x = Tensor.Randn([64, 8]);
        using var y = (x.Sum(1, keepDim: true) > 0.0).To(ScalarType.Float32);
        using var w = (Tensor.Randn([8, 1]) * 0.1).RequiresGrad_();
        using var b = Tensor.Zeros([1], requiresGrad: true);
        using var velocity = w.ZerosLike();
        double firstLoss = 0, lastLoss = 0;
        long before = 0;
        for (var step = 0; step < 1000; step++)
        {
            if (step == 10)
            {
                // After warm-up: everything alive now is the loop's own state.
                before = LiveTensors.Settled();
            }

            using var scope = DisposeScope.Enter();
            var logits = x.MatMul(w) + b;
            var loss = (logits.Softplus() - (y * logits)).Mean();
            loss.Backward();
            using (Autograd.NoGrad())
            {
                velocity.Mul_(0.9).Add_(w.Grad!);
                w.Sub_(velocity, alpha: 0.1);
                b.Sub_(b.Grad!, alpha: 0.1);
                w.Grad!.Zero_();
                b.Grad!.Zero_();
            }

            var value = loss.Item<float>();
            if (step == 0)
            {
                firstLoss = value;
            }

            lastLoss = value;
        }

        var after = LiveTensors.Settled();
        Assert.That(after, Is.EqualTo(before), "live native tensors must not grow across steps");
        Assert.That(lastLoss, Is.LessThan(firstLoss * 0.5), "the loop really trains");
    }

    [Test]
    public void A_scope_disposes_what_it_collected_and_leaves_the_rest()
    {
        var baseline = LiveTensors.Settled();
        using var kept = Tensor.Ones([2]);
        Tensor inner, movedOut, detached;
        using (var scope = DisposeScope.Enter())
        {
            inner = kept * 2.0;
            movedOut = (kept + 1.0).MoveToOuterScope();
            detached = (kept - 1.0).DetachFromScope();
            Assert.That(scope.Count, Is.EqualTo(1));
            Assert.That(DisposeScope.Current, Is.SameAs(scope));
        }

        Assert.Multiple(() =>
        {
            Assert.That(inner.IsDisposed, Is.True);
            Assert.That(movedOut.IsDisposed, Is.False);
            Assert.That(detached.IsDisposed, Is.False);
            Assert.That(DisposeScope.Current, Is.Null);
        });
        movedOut.Dispose();
        detached.Dispose();
        Assert.That(LiveTensors.Settled(), Is.EqualTo(baseline + 1));
    }

    [Test]
    public void Moving_out_of_a_nested_scope_joins_the_outer_scope()
    {
        Tensor survivor;
        using (var outer = DisposeScope.Enter())
        {
            using (DisposeScope.Enter())
            {
                survivor = Tensor.Ones([3]).MoveToOuterScope();
            }

            Assert.That(survivor.IsDisposed, Is.False);
            Assert.That(outer.Count, Is.EqualTo(1));
        }

        Assert.That(survivor.IsDisposed, Is.True);
    }

    [Test]
    public void Scopes_must_close_innermost_first()
    {
        var outer = DisposeScope.Enter();
        var inner = DisposeScope.Enter();
        Assert.That(outer.Dispose, Throws.InvalidOperationException);
        inner.Dispose();
        outer.Dispose();
        Assert.That(DisposeScope.Current, Is.Null);
    }

    [Test]
    public void Aliases_and_gradients_are_separate_handles_on_shared_tensors()
    {
        var baseline = LiveTensors.Settled();
        using (var scope = DisposeScope.Enter())
        {
            var x = Tensor.Ones([2], requiresGrad: true);
            x.Sum().Backward();
            var g1 = x.Grad!;
            var alias = x.Alias();
            alias.Dispose();
            Assert.That(x.IsDisposed, Is.False);
            Assert.That(g1.ToArray<float>(), Is.EqualTo(new float[] { 1, 1 }));
        }

        Assert.That(LiveTensors.Settled(), Is.EqualTo(baseline));
    }
}
