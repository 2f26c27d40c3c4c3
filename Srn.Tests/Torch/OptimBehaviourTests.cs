using Srn.Torch;
using Srn.Torch.Optim;

namespace Srn.Tests.Torch;

/// <summary>
/// Optimizer and scheduler behaviour beyond the PyTorch trajectories: argument checks with PyTorch's messages, the
/// state-dict layout and its checks, gradient zeroing, disposal, native memory over long loops, and devices.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class OptimBehaviourTests
{
    [Test]
    public void SGD_rejects_bad_arguments_with_PyTorchs_messages()
    {
        using var p = Tensor.Zeros([2], requiresGrad: true);
        Assert.That(() => new SGD([p], lr: -0.1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Invalid learning rate: -0.1"));
        Assert.That(() => new SGD([p], lr: double.NaN), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Invalid learning rate: nan"));
        Assert.That(() => new SGD([p], lr: 0.1, momentum: -1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Invalid momentum value: -1"));
        Assert.That(() => new SGD([p], lr: 0.1, weightDecay: -0.5), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Invalid weight_decay value: -0.5"));
        Assert.That(() => new SGD([p], lr: 0.1, nesterov: true), Throws.TypeOf<ArgumentException>().With.Message.StartsWith("Nesterov momentum requires a momentum and zero dampening"));
        Assert.That(() => new SGD([p], lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true), Throws.TypeOf<ArgumentException>().With.Message.StartsWith("Nesterov momentum requires"));
        Assert.That(() => new SGD([p], lr: 0, momentum: 0.9, nesterov: true), Throws.Nothing);
    }

    [Test]
    public void Adam_and_AdamW_reject_bad_arguments_with_PyTorchs_messages()
    {
        using var p = Tensor.Zeros([2], requiresGrad: true);
        foreach (var make in new Func<double, (double, double)?, double, double, Optimizer>[]
                 {
                     (lr, betas, eps, wd) => new Adam([p], lr, betas, eps, wd),
                     (lr, betas, eps, wd) => new AdamW([p], lr, betas, eps, wd),
                 })
        {
            Assert.That(() => make(-1e-3, null, 1e-8, 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Invalid learning rate: -0.001"));
            Assert.That(() => make(1e-3, (1.0, 0.999), 1e-8, 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Invalid beta parameter at index 0: 1"));
            Assert.That(() => make(1e-3, (-0.1, 0.999), 1e-8, 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Invalid beta parameter at index 0: -0.1"));
            Assert.That(() => make(1e-3, (0.9, 1.5), 1e-8, 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Invalid beta parameter at index 1: 1.5"));
            Assert.That(() => make(1e-3, null, -1e-8, 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Invalid epsilon value: -1e-08"));
            Assert.That(() => make(1e-3, null, 1e-8, -0.01), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Invalid weight_decay value: -0.01"));
            Assert.That(() => make(1e-3, (0, 0), 0, 0).Dispose(), Throws.Nothing);
        }
    }

    [Test]
    public void Parameters_and_groups_are_checked()
    {
        using var scope = DisposeScope.Enter();
        var p = Tensor.Zeros([2], requiresGrad: true);
        var q = Tensor.Zeros([3], requiresGrad: true);
        Assert.That(() => new SGD(Array.Empty<Tensor>(), lr: 0.1), Throws.ArgumentException.With.Message.StartsWith("optimizer got an empty parameter list"));
        Assert.That(() => new Adam(Array.Empty<ParamGroup>()), Throws.ArgumentException.With.Message.StartsWith("optimizer got an empty parameter list"));
        Assert.That(() => new SGD([p * 2], lr: 0.1), Throws.ArgumentException.With.Message.StartsWith("can't optimize a non-leaf Tensor"));
        Assert.That(() => new SGD([new ParamGroup([p]), new ParamGroup([q, p])], lr: 0.1), Throws.ArgumentException.With.Message.StartsWith("some parameters appear in more than one parameter group"));
        Assert.That(() => new SGD([p, p], lr: 0.1), Throws.ArgumentException.With.Message.Contains("duplicate parameters"));
        Assert.That(
            () => new SGD([new ParamGroup([p]), new ParamGroup([q]) { Lr = -1 }], lr: 0.1),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Invalid learning rate: -1 (parameter group 1)"));
        Assert.That(
            () => new Adam([new ParamGroup([p]) { Betas = (0.9, 1.0) }]),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Invalid beta parameter at index 1: 1 (parameter group 0)"));

        using var optimizer = new SGD([new ParamGroup([p]) { Lr = 0.5, Momentum = 0.8 }, new ParamGroup([q])], lr: 0.1, momentum: 0.9, weightDecay: 1e-4);
        Assert.That(optimizer.ParamGroups[0].Lr, Is.EqualTo(0.5), "a group's own option wins");
        Assert.That(optimizer.ParamGroups[0].Momentum, Is.EqualTo(0.8));
        Assert.That(optimizer.ParamGroups[0].WeightDecay, Is.EqualTo(1e-4), "an unset option takes the default");
        Assert.That(optimizer.ParamGroups[1].Lr, Is.EqualTo(0.1));
        Assert.That(optimizer.ParamGroups[1].Nesterov, Is.False);
        Assert.That(() => optimizer.ParamGroups[1].Eps, Throws.InvalidOperationException.With.Message.Contains("'eps'"), "SGD has no eps");
        var r = Tensor.Zeros([1], requiresGrad: true);
        optimizer.AddParamGroup(new ParamGroup([r]) { Lr = 0.01 });
        Assert.That(optimizer.ParamGroups, Has.Count.EqualTo(3));
        Assert.That(optimizer.ParamGroups[2].Momentum, Is.EqualTo(0.9));
        Assert.That(() => optimizer.AddParamGroup(new ParamGroup([q])), Throws.ArgumentException.With.Message.StartsWith("some parameters appear in more than one parameter group"));
    }

    [Test]
    public void Schedulers_reject_bad_arguments()
    {
        using var p = Tensor.Zeros([2], requiresGrad: true);
        using var sgd = new SGD([p], lr: 0.1, momentum: 0.9);
        Assert.That(() => new LinearLR(sgd, startFactor: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Starting multiplicative factor expected to be greater than 0 and less or equal to 1."));
        Assert.That(() => new LinearLR(sgd, startFactor: 1.5), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Starting multiplicative factor"));
        Assert.That(() => new LinearLR(sgd, endFactor: 1.5), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Ending multiplicative factor expected to be between 0 and 1."));
        Assert.That(() => new LinearLR(sgd, totalIters: 0), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new StepLR(sgd, stepSize: 0), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new CosineAnnealingLR(sgd, tMax: 0), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new OneCycleLR(sgd, maxLr: 0.1), Throws.TypeOf<ArgumentException>().With.Message.StartsWith("You must define either total_steps OR (epochs AND steps_per_epoch)"));
        Assert.That(() => new OneCycleLR(sgd, maxLr: 0.1, epochs: 3), Throws.TypeOf<ArgumentException>().With.Message.StartsWith("You must define either total_steps"));
        Assert.That(() => new OneCycleLR(sgd, maxLr: 0.1, totalSteps: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Expected positive integer total_steps, but got 0"));
        Assert.That(() => new OneCycleLR(sgd, maxLr: 0.1, epochs: -1, stepsPerEpoch: 3), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Expected positive integer epochs, but got -1"));
        Assert.That(() => new OneCycleLR(sgd, maxLr: 0.1, epochs: 2, stepsPerEpoch: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Expected positive integer steps_per_epoch, but got 0"));
        Assert.That(() => new OneCycleLR(sgd, maxLr: 0.1, totalSteps: 10, pctStart: 1.5), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("Expected float between 0 and 1 pct_start, but got 1.5"));
        Assert.That(() => new OneCycleLR(sgd, maxLr: [0.1, 0.2], totalSteps: 10), Throws.ArgumentException.With.Message.StartsWith("expected 1 values for max_lr, got 2"));

        using var plain = new PlainGradientDescent([p], lr: 0.1);
        Assert.That(() => new OneCycleLR(plain, maxLr: 0.1, totalSteps: 10), Throws.ArgumentException.With.Message.StartsWith("optimizer must support momentum with `cycle_momentum` option enabled"));
        Assert.That(() => new OneCycleLR(plain, maxLr: 0.1, totalSteps: 10, cycleMomentum: false), Throws.Nothing);

        using var other = new SGD([p], lr: 0.1);
        var warmup = new LinearLR(sgd);
        var elsewhere = new StepLR(other, stepSize: 3);
        Assert.That(() => new SequentialLR(sgd, [warmup, elsewhere], [3]), Throws.ArgumentException.With.Message.StartsWith("Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index 1"));
        Assert.That(() => new SequentialLR(sgd, [warmup, new StepLR(sgd, stepSize: 3)], [3, 6]), Throws.ArgumentException.With.Message.StartsWith("Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers 2 and the number of milestones to be equal to 2"));
    }

    [Test]
    public void OneCycleLR_refuses_to_step_past_its_total()
    {
        using var p = Tensor.Zeros([2], requiresGrad: true);
        using var sgd = new SGD([p], lr: 0.1, momentum: 0.9);
        var schedule = new OneCycleLR(sgd, maxLr: 0.1, totalSteps: 10);
        for (var k = 0; k < 10; k++)
        {
            schedule.Step();
        }

        Assert.That(schedule.Step, Throws.InvalidOperationException.With.Message.EqualTo("Tried to step 12 times. The specified number of total steps is 10"));
    }

    [Test]
    public void StateDict_is_flat_tensors_with_scalars_as_0dim_int64_and_float64()
    {
        using var scope = DisposeScope.Enter();
        var w = Tensor.Ones([2, 3], requiresGrad: true);
        var b = Tensor.Ones([3], requiresGrad: true);
        using var adam = new Adam([new ParamGroup([w]), new ParamGroup([b]) { Lr = 0.5 }], lr: 0.01, amsgrad: true);
        w.Grad = Tensor.Full([2, 3], 0.5);
        adam.Step();
        adam.Step();
        var state = adam.StateDict();
        Assert.That(state.Keys, Is.EquivalentTo(new[]
        {
            "param_groups.0.params", "param_groups.0.lr", "param_groups.0.beta1", "param_groups.0.beta2", "param_groups.0.eps",
            "param_groups.0.weight_decay", "param_groups.0.amsgrad", "param_groups.0.maximize",
            "param_groups.1.params", "param_groups.1.lr", "param_groups.1.beta1", "param_groups.1.beta2", "param_groups.1.eps",
            "param_groups.1.weight_decay", "param_groups.1.amsgrad", "param_groups.1.maximize",
            "params.0.shape", "params.1.shape",
            "state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq",
        }));
        Assert.That(state["state.0.step"].DType, Is.EqualTo(ScalarType.Int64));
        Assert.That(state["state.0.step"].Shape, Is.Empty);
        Assert.That(state["state.0.step"].Item<long>(), Is.EqualTo(2));
        Assert.That(state["param_groups.1.lr"].DType, Is.EqualTo(ScalarType.Float64));
        Assert.That(state["param_groups.1.lr"].Item<double>(), Is.EqualTo(0.5));
        Assert.That(state["param_groups.1.params"].ToArray<long>(), Is.EqualTo(new long[] { 1 }));
        Assert.That(state["params.0.shape"].ToArray<long>(), Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(state["state.0.exp_avg"].Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(adam.State.ContainsKey(b), Is.False, "a parameter that never had a gradient has no state");

        // The returned tensors are copies: disposing them leaves the optimizer intact.
        foreach (var t in state.Values)
        {
            t.Dispose();
        }

        Assert.That(() => adam.Step(), Throws.Nothing);
        Assert.That(adam.State[w].Step, Is.EqualTo(3));
    }

    [Test]
    public void LoadStateDict_names_what_does_not_fit_and_changes_nothing()
    {
        using var scope = DisposeScope.Enter();
        var w = Tensor.Ones([2, 3], requiresGrad: true);
        var b = Tensor.Ones([3], requiresGrad: true);
        using var adam = new Adam([w, b]);
        w.Grad = Tensor.Ones([2, 3]);
        b.Grad = Tensor.Ones([3]);
        adam.Step();
        var adamState = adam.StateDict();

        var w2 = Tensor.Ones([2, 3], requiresGrad: true);
        var b2 = Tensor.Ones([3], requiresGrad: true);
        using var sgd = new SGD([w2, b2], lr: 0.1, momentum: 0.9);
        w2.Grad = Tensor.Ones([2, 3]);
        sgd.Step();
        var before = sgd.State[w2]["momentum_buffer"].ToDoubleArray();
        Assert.That(
            () => sgd.LoadStateDict(adamState),
            Throws.ArgumentException.With.Message.Contains("'state.0.exp_avg': SGD keeps no state 'exp_avg'").And.Message.Contains("'state.1.step': SGD keeps no step count"));
        Assert.That(sgd.State[w2]["momentum_buffer"].ToDoubleArray(), Is.EqualTo(before), "a failed load changes nothing");
        Assert.That(sgd.ParamGroups[0].Lr, Is.EqualTo(0.1));

        using var twoGroups = new Adam([new ParamGroup([Tensor.Ones([2, 3], requiresGrad: true)]), new ParamGroup([Tensor.Ones([3], requiresGrad: true)])]);
        Assert.That(() => twoGroups.LoadStateDict(adamState), Throws.ArgumentException.With.Message.Contains("different number of parameter groups: it has 1, the optimizer 2"));

        using var fewer = new Adam([Tensor.Ones([2, 3], requiresGrad: true)]);
        Assert.That(() => fewer.LoadStateDict(adamState), Throws.ArgumentException.With.Message.Contains("doesn't match the size of optimizer's group: group 0 has 2 parameters saved, 1 in the optimizer"));

        using var transposed = new Adam([Tensor.Ones([3, 2], requiresGrad: true), Tensor.Ones([3], requiresGrad: true)]);
        Assert.That(
            () => transposed.LoadStateDict(adamState),
            Throws.ArgumentException.With.Message.Contains("parameter 0 was saved with shape [2, 3], the optimizer's has [3, 2]").And.Message.Contains("'state.0.exp_avg' has shape [2, 3], parameter 0 has [3, 2]"));

        var extra = new Dictionary<string, Tensor>(adamState) { ["momentum"] = Tensor.Scalar(0.9) };
        Assert.That(() => adam.LoadStateDict(extra), Throws.ArgumentException.With.Message.Contains("'momentum' is not an optimizer state entry"));

        var partial = new Dictionary<string, Tensor>(adamState);
        partial.Remove("state.1.exp_avg_sq");
        partial.Remove("state.0.step");
        Assert.That(
            () => adam.LoadStateDict(partial),
            Throws.ArgumentException.With.Message.Contains("'state.1.exp_avg_sq' is missing").And.Message.Contains("'state.0.step' is missing"));

        var badLr = new Dictionary<string, Tensor>(adamState) { ["param_groups.0.lr"] = Tensor.Scalar(-1.0) };
        Assert.That(() => adam.LoadStateDict(badLr), Throws.ArgumentException.With.Message.Contains("Invalid learning rate: -1 (parameter group 0)"));
    }

    [Test]
    public void LoadStateDict_restores_options_and_casts_state_to_the_parameters_dtype()
    {
        using var scope = DisposeScope.Enter();
        var w = Tensor.Ones([4], requiresGrad: true);
        using var sgd = new SGD([w], lr: 0.1, momentum: 0.9);
        w.Grad = Tensor.Full([4], 2.0);
        sgd.Step();
        sgd.ParamGroups[0].Lr = 0.025;
        var state = sgd.StateDict();

        var w64 = Tensor.Ones([4], ScalarType.Float64, requiresGrad: true);
        using var resumed = new SGD([w64], lr: 0.1, momentum: 0.5);
        resumed.LoadStateDict(state);
        Assert.That(resumed.ParamGroups[0].Lr, Is.EqualTo(0.025));
        Assert.That(resumed.ParamGroups[0].Momentum, Is.EqualTo(0.9));
        Assert.That(resumed.State[w64]["momentum_buffer"].DType, Is.EqualTo(ScalarType.Float64));
        Assert.That(resumed.State[w64]["momentum_buffer"].ToDoubleArray(), Is.EqualTo(new[] { 2.0, 2.0, 2.0, 2.0 }));
    }

    [Test]
    public void Scheduler_LoadStateDict_names_what_does_not_fit()
    {
        using var scope = DisposeScope.Enter();
        using var one = new SGD([Tensor.Zeros([2], requiresGrad: true)], lr: 0.1);
        using var two = new SGD([new ParamGroup([Tensor.Zeros([2], requiresGrad: true)]), new ParamGroup([Tensor.Zeros([2], requiresGrad: true)])], lr: 0.1);
        var cosine = new CosineAnnealingLR(one, tMax: 10);
        cosine.Step();
        var saved = cosine.StateDict();
        Assert.That(saved.Keys, Is.EquivalentTo(new[] { "last_epoch", "step_count", "base_lrs", "last_lr" }));
        Assert.That(saved["last_epoch"].Item<long>(), Is.EqualTo(1));

        var other = new CosineAnnealingLR(two, tMax: 10);
        Assert.That(
            () => other.LoadStateDict(saved),
            Throws.ArgumentException.With.Message.Contains("'base_lrs' should hold one value per parameter group (2), it has shape [1]"));
        Assert.That(other.LastEpoch, Is.Zero, "a failed load changes nothing");

        var partial = new Dictionary<string, Tensor>(saved);
        partial.Remove("step_count");
        partial["gamma"] = Tensor.Scalar(0.5);
        Assert.That(
            () => new CosineAnnealingLR(one, tMax: 10).LoadStateDict(partial),
            Throws.ArgumentException.With.Message.Contains("'step_count' is missing").And.Message.Contains("'gamma' is not a CosineAnnealingLR state entry"));

        var sequential = new SequentialLR(one, [new LinearLR(one), new StepLR(one, stepSize: 2)], [3]);
        Assert.That(sequential.StateDict().Keys, Does.Contain("schedulers.1.last_epoch"));
        Assert.That(() => sequential.LoadStateDict(saved), Throws.ArgumentException.With.Message.Contains("'schedulers.0.last_epoch' is missing"));
    }

    [Test]
    public void ZeroGrad_nulls_or_zeroes_the_gradients_and_Step_skips_null_ones()
    {
        using var scope = DisposeScope.Enter();
        var w = Tensor.Ones([3], requiresGrad: true);
        var b = Tensor.Ones([1], requiresGrad: true);
        using var sgd = new SGD([w, b], lr: 0.5);
        (w * 2).Sum().Backward();
        sgd.Step();
        Assert.That(w.ToDoubleArray(), Is.EqualTo(new[] { 0.0, 0.0, 0.0 }));
        Assert.That(b.ToDoubleArray(), Is.EqualTo(new[] { 1.0 }), "no gradient, no update");

        sgd.ZeroGrad(setToNone: false);
        Assert.That(w.Grad!.ToDoubleArray(), Is.EqualTo(new[] { 0.0, 0.0, 0.0 }));
        Assert.That(w.Grad!.RequiresGrad, Is.False);
        Assert.That(b.Grad, Is.Null);
        sgd.ZeroGrad();
        Assert.That(w.Grad, Is.Null);
        sgd.Step();
        Assert.That(w.ToDoubleArray(), Is.EqualTo(new[] { 0.0, 0.0, 0.0 }));
    }

    [Test]
    public void Dispose_frees_the_state_and_a_disposed_optimizer_refuses_to_step()
    {
        using var scope = DisposeScope.Enter();
        var w = Tensor.Ones([3], requiresGrad: true);
        var adam = new AdamW([w], amsgrad: true);
        w.Grad = Tensor.Ones([3]);
        adam.Step();
        var alive = LiveTensors.Settled();
        adam.Dispose();
        Assert.That(LiveTensors.Settled(), Is.EqualTo(alive - 3), "exp_avg, exp_avg_sq and max_exp_avg_sq are freed");
        Assert.That(w.IsDisposed, Is.False, "the parameters belong to the caller");
        Assert.That(adam.Step, Throws.TypeOf<ObjectDisposedException>());
        Assert.That(() => adam.StateDict(), Throws.TypeOf<ObjectDisposedException>());
        Assert.That(adam.Dispose, Throws.Nothing);
    }

    [Test]
    public void Long_training_loops_keep_the_native_tensor_count_flat()
    {
        LibTorch.ManualSeed(5);
        using var x = Tensor.Randn([64, 8]);
        using var y = (x.Sum(1, keepDim: true) > 0.0).To(ScalarType.Float32);
        using var w = (Tensor.Randn([8, 1]) * 0.1).RequiresGrad_();
        using var b = Tensor.Zeros([1], requiresGrad: true);
        using var w2 = (Tensor.Randn([8, 1]) * 0.1).RequiresGrad_();
        using var adam = new AdamW([new ParamGroup([w]), new ParamGroup([b]) { WeightDecay = 0 }], lr: 0.05, amsgrad: true);
        using var sgd = new SGD([w2], lr: 0.5, momentum: 0.9, nesterov: true, weightDecay: 1e-4);
        const int steps = 300;
        var oneCycle = new OneCycleLR(adam, maxLr: 0.05, totalSteps: steps);
        var schedule = new SequentialLR(sgd, [new LinearLR(sgd, startFactor: 0.1, totalIters: 10), new CosineAnnealingLR(sgd, tMax: steps - 10)], [10]);
        double firstLoss = 0, lastLoss = 0;
        long before = 0;
        for (var step = 0; step < steps; step++)
        {
            if (step == 10)
            {
                before = LiveTensors.Settled();
            }

            using var scope = DisposeScope.Enter();
            var logits = x.MatMul(w) + b;
            var loss = (logits.Softplus() - (y * logits)).Mean();
            var loss2 = ((x.MatMul(w2).Softplus()) - (y * x.MatMul(w2))).Mean();
            (loss + loss2).Backward();
            GradClipping.ClipGradNorm([w, b, w2], maxNorm: 1.0);
            adam.Step();
            sgd.Step();
            oneCycle.Step();
            schedule.Step();
            adam.ZeroGrad(setToNone: step % 2 == 0);
            sgd.ZeroGrad();
            if (step % 50 == 0)
            {
                _ = adam.StateDict();
                _ = schedule.StateDict();
            }

            var value = loss.Item<float>();
            firstLoss = step == 0 ? value : firstLoss;
            lastLoss = value;
        }

        Assert.That(LiveTensors.Settled(), Is.EqualTo(before), "live native tensors must not grow across steps");
        Assert.That(lastLoss, Is.LessThan(firstLoss * 0.5), "the loop really trains");
    }

    [Test]
    public void ClipGradNorm_handles_no_gradients_and_non_finite_norms()
    {
        using var scope = DisposeScope.Enter();
        var p = Tensor.Zeros([3], requiresGrad: true);
        var none = GradClipping.ClipGradNorm([p], 1.0);
        Assert.That(none.DType, Is.EqualTo(ScalarType.Float32));
        Assert.That(none.Item<float>(), Is.Zero);

        p.Grad = Tensor.FromArray(new[] { 1f, float.NaN, 2f });
        Assert.That(
            () => GradClipping.ClipGradNorm([p], 1.0, errorIfNonfinite: true),
            Throws.InvalidOperationException.With.Message.StartsWith("The total norm of order 2 for gradients from `parameters` is non-finite"));
        Assert.That(p.Grad!.ToDoubleArray()[0], Is.EqualTo(1.0), "nothing is scaled when it throws");
        Assert.That(double.IsNaN(GradClipping.ClipGradNorm([p], 1.0).Item<float>()), Is.True);
        Assert.That(p.Grad!.ToDoubleArray().All(double.IsNaN), Is.True, "as in PyTorch, a NaN norm scales every gradient to NaN");

        var q = Tensor.Zeros([2], requiresGrad: true);
        q.Grad = Tensor.FromArray(new[] { 3f, -4f });
        var norm = GradClipping.ClipGradNorm([q], maxNorm: 1.0, normType: double.PositiveInfinity);
        Assert.That(norm.Item<float>(), Is.EqualTo(4f));
        Assert.That(q.Grad!.ToArray<float>(), Is.EqualTo(new[] { 0.75f, -1f }).Within(1e-6));
    }

    [Test]
    public void Optimizer_state_lives_on_the_parameters_device()
    {
        if (!Device.CudaIsAvailable)
        {
            Assert.Ignore("no CUDA device: this libtorch build is CPU-only or no GPU is visible (see README, GPU).");
        }

        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(11);
        var init = Tensor.Randn([5, 4]);
        var grads = Enumerable.Range(0, 4).Select(_ => Tensor.Randn([5, 4])).ToList();
        var cpu = init.Clone().RequiresGrad_();
        var gpu = init.To(Device.Cuda()).RequiresGrad_();
        using var onCpu = new AdamW([cpu], lr: 0.01, amsgrad: true);
        using var onGpu = new AdamW([gpu], lr: 0.01, amsgrad: true);
        foreach (var g in grads)
        {
            cpu.Grad = g.Clone();
            gpu.Grad = g.To(Device.Cuda());
            onCpu.Step();
            onGpu.Step();
            GradClipping.ClipGradNorm([gpu], 0.1);
        }

        Assert.That(onGpu.State[gpu]["exp_avg"].Device, Is.EqualTo(Device.Cuda(0)));
        Assert.That(onGpu.State[gpu]["max_exp_avg_sq"].Device, Is.EqualTo(Device.Cuda(0)));
        Assert.That(gpu.Cpu().ToArray<float>(), Is.EqualTo(cpu.ToArray<float>()).Within(1e-5));

        // A state saved on the GPU loads onto CPU parameters, and the other way round.
        var state = onGpu.StateDict();
        Assert.That(state["state.0.exp_avg"].Device, Is.EqualTo(Device.Cuda(0)));
        using var back = new AdamW([cpu.Detach().Clone().RequiresGrad_()], lr: 0.01, amsgrad: true);
        back.LoadStateDict(state);
        Assert.That(back.State.Values.Single()["exp_avg"].Device, Is.EqualTo(Device.Cpu));
    }

    /// <summary>θ ← θ − γ·g: the smallest optimizer a user can derive, with no momentum option.</summary>
    private sealed class PlainGradientDescent(IEnumerable<Tensor> parameters, double lr)
        : Optimizer(SingleGroup(parameters), new Dictionary<string, double> { ["lr"] = lr })
    {
        protected override IReadOnlyCollection<string> StateTensorNames => [];

        protected override bool CountsSteps => false;

        protected override void Update(ParamGroup group, Tensor parameter, Tensor grad, ParamState state) => parameter.Sub_(grad, alpha: group.Lr);
    }
}
