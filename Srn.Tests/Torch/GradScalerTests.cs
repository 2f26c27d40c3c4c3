using Srn.Torch;
using Srn.Torch.IO;
using Srn.Torch.Optim;

namespace Srn.Tests.Torch;

/// <summary>
/// <see cref="GradScaler"/>: exact unscaling (a scaled run equals an unscaled one bit for bit with power-of-two
/// scales), skipped steps on non-finite gradients, growth and backoff with PyTorch's float32 arithmetic
/// (<c>torch._amp_update_scale_</c>), the state dict, the disabled scaler, the per-optimizer stage checks, gradient
/// dtypes, and a flat live-tensor count.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class GradScalerTests
{
    [Test]
    public void Training_with_the_scaler_equals_training_without_it_bit_for_bit()
    {
        using var scope = DisposeScope.Enter();
        var (x, y, w0, b0) = Data(seed: 11);
        using var plain = new Net(w0, b0);
        using var scaled = new Net(w0, b0);
        using var scaler = new GradScaler(growthInterval: 2);
        for (var step = 0; step < 10; step++)
        {
            using var iteration = DisposeScope.Enter();
            plain.Optimizer.ZeroGrad();
            plain.Loss(x, y).Backward();
            plain.Optimizer.Step();

            scaled.Optimizer.ZeroGrad();
            var s = scaler.GetScale();
            scaler.Scale(scaled.Loss(x, y)).Backward();
            Assert.That(scaled.W.Grad!.ToArray<float>(), Is.EqualTo(plain.W.Grad!.ToArray<float>().Select(g => (float)(g * s)).ToArray()), $"step {step}: the gradients are scaled by S = {s}");
            Assert.That(scaler.Step(scaled.Optimizer), Is.True, $"step {step}");
            Assert.That(scaled.W.Grad!.ToArray<float>(), Is.EqualTo(plain.W.Grad!.ToArray<float>()), $"step {step}: unscaled exactly");
            scaler.Update();
        }

        Assert.That(scaled.W.ToArray<float>(), Is.EqualTo(plain.W.ToArray<float>()));
        Assert.That(scaled.B.ToArray<float>(), Is.EqualTo(plain.B.ToArray<float>()));
        Assert.That(scaled.W.ToArray<float>(), Is.Not.EqualTo(w0.ToArray<float>()), "the model trained");
        Assert.That(scaler.GetScale(), Is.EqualTo(65536.0 * 32), "five growths in ten clean steps with n = 2");
    }

    [TestCase(float.PositiveInfinity)]
    [TestCase(float.NegativeInfinity)]
    [TestCase(float.NaN)]
    public void A_non_finite_gradient_skips_the_step_and_backs_off(float bad)
    {
        using var scope = DisposeScope.Enter();
        var (x, y, w0, b0) = Data(seed: 12);
        using var net = new Net(w0, b0);
        using var scaler = new GradScaler(initScale: 1024, growthInterval: 3);
        var scales = new List<double>();
        for (var step = 0; step < 6; step++)
        {
            using var iteration = DisposeScope.Enter();
            net.Optimizer.ZeroGrad();
            scaler.Scale(net.Loss(x, y)).Backward();
            if (step == 2)
            {
                SetElement(net.B.Grad!, 1, bad);
                var w = net.W.ToArray<float>();
                var b = net.B.ToArray<float>();
                var momentum = net.Optimizer.State[net.W]["momentum_buffer"].ToArray<float>();
                Assert.That(scaler.GrowthTracker, Is.EqualTo(2));
                Assert.That(scaler.Step(net.Optimizer), Is.False, "the step is skipped");
                Assert.That(net.W.ToArray<float>(), Is.EqualTo(w), "weights untouched, bit for bit");
                Assert.That(net.B.ToArray<float>(), Is.EqualTo(b));
                Assert.That(net.Optimizer.State[net.W]["momentum_buffer"].ToArray<float>(), Is.EqualTo(momentum), "optimizer state untouched");
                scaler.Update();
                Assert.That(scaler.GetScale(), Is.EqualTo(512.0), "the scale halves");
                Assert.That(scaler.GrowthTracker, Is.EqualTo(0), "the tracker resets");
            }
            else
            {
                var w = net.W.ToArray<float>();
                Assert.That(scaler.Step(net.Optimizer), Is.True, $"step {step} proceeds");
                Assert.That(net.W.ToArray<float>(), Is.Not.EqualTo(w), $"step {step} changes the weights");
                scaler.Update();
            }

            scales.Add(scaler.GetScale());
        }

        Assert.That(scales, Is.EqualTo(new[] { 1024.0, 1024, 512, 512, 512, 1024 }), "the three clean steps after the overflow grow it again");
    }

    [Test]
    public void The_scale_grows_after_growth_interval_clean_steps()
    {
        using var p = Tensor.Zeros([3], requiresGrad: true);
        using var optimizer = new SGD([p], lr: 0.1);
        using var scaler = new GradScaler(growthInterval: 3);
        var scales = Enumerable.Range(0, 7).Select(_ => Iterate(scaler, optimizer, p, finite: true)).ToList();
        Assert.That(scales, Is.EqualTo(new[] { 65536.0, 65536, 131072, 131072, 131072, 262144, 262144 }));

        using var custom = new GradScaler(initScale: 8, growthFactor: 4, backoffFactor: 0.25, growthInterval: 3);
        var customScales = new[] { true, true, true, false, true, false }.Select(f => Iterate(custom, optimizer, p, f)).ToList();
        Assert.That(customScales, Is.EqualTo(new[] { 8.0, 8, 32, 8, 8, 2 }));
        Assert.That((custom.GrowthFactor, custom.BackoffFactor, custom.GrowthInterval), Is.EqualTo((4.0, 0.25, 3)));
    }

    /// <summary>
    /// The expected values follow PyTorch's <c>_amp_update_scale_</c> (aten/src/ATen/native/cuda/AmpKernels.cu and its
    /// CPU twin), worked out by hand:
    /// <code>
    /// if found_inf: scale = float(scale * backoff); tracker = 0
    /// else:
    ///     successful = tracker + 1
    ///     if successful == interval:
    ///         new = float(scale * growth)           # double product, rounded to float32
    ///         if isfinite(new): scale = new        # never grows to inf
    ///         tracker = 0
    ///     else: tracker = successful
    /// </code>
    /// </summary>
    [Test]
    public void Scale_sequences_follow_PyTorchs_update_rule()
    {
        using var p = Tensor.Zeros([2], requiresGrad: true);
        using var optimizer = new SGD([p], lr: 0.1);

        // Defaults with n = 3: clean, clean, clean (grow), inf (backoff), clean, inf, clean ×4.
        using (var scaler = new GradScaler(growthInterval: 3))
        {
            bool[] finite = [true, true, true, false, true, false, true, true, true, true];
            double[] scales = [65536, 65536, 131072, 65536, 65536, 32768, 32768, 32768, 65536, 65536];
            int[] trackers = [1, 2, 0, 0, 1, 0, 1, 2, 0, 1];
            for (var i = 0; i < finite.Length; i++)
            {
                Assert.That(Iterate(scaler, optimizer, p, finite[i]), Is.EqualTo(scales[i]), $"update {i}");
                Assert.That(scaler.GrowthTracker, Is.EqualTo(trackers[i]), $"update {i}");
            }
        }

        // Factors that are not powers of two: the products are rounded to float32 after each update.
        // 1000·1.1 = 1100; 1100·0.3 = 330; 330·1.1 = 363; 363·1.1 = 399.3 → float32 399.29998779296875 (0x1.8f4ccc p+8);
        // 399.29998779296875·0.3 = 119.789996337… → float32 119.78999328613281 (0x1.df28f4 p+6).
        using (var scaler = new GradScaler(initScale: 1000, growthFactor: 1.1, backoffFactor: 0.3, growthInterval: 2))
        {
            bool[] finite = [true, true, false, true, true, true, true, false, true];
            double[] scales = [1000, 1100, 330, 330, 363, 363, 399.29998779296875, 119.78999328613281, 119.78999328613281];
            for (var i = 0; i < finite.Length; i++)
            {
                Assert.That(Iterate(scaler, optimizer, p, finite[i]), Is.EqualTo(scales[i]), $"update {i}");
            }

            Assert.That(scales[6], Is.Not.EqualTo(363 * 1.1), "float32, not float64, arithmetic");
        }

        // Near the float32 maximum (3.4028235e38): 2^127·2 is inf in float32, so the scale stays and the tracker resets;
        // 2^127·1.5 = 2.55e38 fits; 2.55e38·1.5 does not.
        var big = Math.ScaleB(1, 127);
        using (var scaler = new GradScaler(initScale: big, growthInterval: 1))
        {
            Assert.That(Iterate(scaler, optimizer, p, finite: true), Is.EqualTo(big));
            Assert.That(scaler.GrowthTracker, Is.EqualTo(0));
            scaler.GrowthFactor = 1.5;
            Assert.That(Iterate(scaler, optimizer, p, finite: true), Is.EqualTo(big * 1.5));
            Assert.That(Iterate(scaler, optimizer, p, finite: true), Is.EqualTo(big * 1.5));
        }
    }

    [Test]
    public void The_state_dict_round_trips_through_a_safetensors_file()
    {
        using var scope = DisposeScope.Enter();
        var (x, y, w0, b0) = Data(seed: 13);
        const int steps = 9;
        const int saveAfter = 3;
        const int overflowAt = 1;

        var uninterruptedScales = new List<double>();
        using var uninterrupted = new Net(w0, b0);
        using (var scaler = new GradScaler(initScale: 4096, growthInterval: 3))
        {
            for (var step = 0; step < steps; step++)
            {
                uninterruptedScales.Add(TrainStep(scaler, uninterrupted, x, y, overflow: step == overflowAt));
            }
        }

        var resumedScales = new List<double>();
        var path = Path.Combine(Path.GetTempPath(), $"srn-gradscaler-{Guid.NewGuid():N}.safetensors");
        try
        {
            using (var first = new Net(w0, b0))
            using (var scaler = new GradScaler(initScale: 4096, growthInterval: 3))
            {
                for (var step = 0; step < saveAfter; step++)
                {
                    resumedScales.Add(TrainStep(scaler, first, x, y, overflow: step == overflowAt));
                }

                var state = scaler.StateDict();
                Assert.That(state.Keys, Is.EquivalentTo(new[] { "scale", "growth_factor", "backoff_factor", "growth_interval", "_growth_tracker" }));
                Assert.That(state["scale"].DType, Is.EqualTo(ScalarType.Float64));
                Assert.That(state["scale"].Shape, Is.Empty);
                Assert.That(state["growth_interval"].DType, Is.EqualTo(ScalarType.Int64));
                Assert.That(state["_growth_tracker"].Item<long>(), Is.EqualTo(1), "saved mid-interval");
                var all = state.Select(kv => KeyValuePair.Create("scaler." + kv.Key, kv.Value))
                    .Concat(first.Optimizer.StateDict().Select(kv => KeyValuePair.Create("optimizer." + kv.Key, kv.Value)))
                    .Append(KeyValuePair.Create("w", first.W.Detach()))
                    .Append(KeyValuePair.Create("b", first.B.Detach()));
                SafeTensors.Save(path, all);
            }

            var loaded = SafeTensors.Load(path);
            using var resumed = new Net(loaded["w"], loaded["b"]);
            resumed.Optimizer.LoadStateDict(Section(loaded, "optimizer."));
            using var fresh = new GradScaler(); // defaults: the state brings S, n and the tracker
            fresh.LoadStateDict(Section(loaded, "scaler."));
            Assert.That((fresh.GetScale(), fresh.GrowthInterval, fresh.GrowthTracker), Is.EqualTo((resumedScales[^1], 3, 1)));
            for (var step = saveAfter; step < steps; step++)
            {
                resumedScales.Add(TrainStep(fresh, resumed, x, y, overflow: step == overflowAt));
            }

            Assert.That(resumedScales, Is.EqualTo(uninterruptedScales));
            Assert.That(uninterruptedScales, Is.EqualTo(new[] { 4096.0, 2048, 2048, 2048, 4096, 4096, 4096, 8192, 8192 }));
            Assert.That(resumed.W.ToArray<float>(), Is.EqualTo(uninterrupted.W.ToArray<float>()));
            Assert.That(resumed.B.ToArray<float>(), Is.EqualTo(uninterrupted.B.ToArray<float>()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Loading_checks_keys_and_values_and_changes_nothing_on_failure()
    {
        using var scope = DisposeScope.Enter();
        using var scaler = new GradScaler(initScale: 256, growthInterval: 10);
        Dictionary<string, Tensor> Good() => new GradScaler(initScale: 8, growthInterval: 4).StateDict();

        var missing = Good();
        missing.Remove("_growth_tracker");
        Assert.That(() => scaler.LoadStateDict(missing), Throws.ArgumentException.With.Message.Contains("missing key '_growth_tracker'"));

        var unknown = Good();
        unknown["scales"] = Tensor.Scalar(1.0);
        Assert.That(() => scaler.LoadStateDict(unknown), Throws.ArgumentException.With.Message.Contains("unexpected key 'scales'"));

        var badGrowth = Good();
        badGrowth["growth_factor"] = Tensor.Scalar(0.5);
        Assert.That(() => scaler.LoadStateDict(badGrowth), Throws.ArgumentException.With.Message.Contains("'growth_factor' is 0.5"));

        var badScale = Good();
        badScale["scale"] = Tensor.Scalar(double.PositiveInfinity);
        badScale["backoff_factor"] = Tensor.Scalar(1.0);
        Assert.That(
            () => scaler.LoadStateDict(badScale),
            Throws.ArgumentException.With.Message.Contains("'scale' is inf").And.Message.Contains("'backoff_factor' is 1"));

        var badTracker = Good();
        badTracker["_growth_tracker"] = Tensor.Scalar(4L);
        Assert.That(() => scaler.LoadStateDict(badTracker), Throws.ArgumentException.With.Message.Contains("'_growth_tracker' is 4, expected an integer in [0, 4)"));

        var badInterval = Good();
        badInterval["growth_interval"] = Tensor.Scalar(2.5);
        Assert.That(() => scaler.LoadStateDict(badInterval), Throws.ArgumentException.With.Message.Contains("'growth_interval' is 2.5"));

        var badShape = Good();
        badShape["scale"] = Tensor.FromArray(new[] { 1.0, 2.0 });
        Assert.That(() => scaler.LoadStateDict(badShape), Throws.ArgumentException.With.Message.Contains("'scale' must hold one number"));

        Assert.That(
            () => scaler.LoadStateDict(new Dictionary<string, Tensor>()),
            Throws.ArgumentException.With.Message.StartsWith("The source state dict is empty"));
        Assert.That((scaler.GetScale(), scaler.GrowthInterval), Is.EqualTo((256.0, 10)), "a failed load changes nothing");

        var fromPython = new Dictionary<string, Tensor>
        {
            ["scale"] = Tensor.Scalar(32768f),
            ["growth_factor"] = Tensor.Scalar(2.0),
            ["backoff_factor"] = Tensor.Scalar(0.5),
            ["growth_interval"] = Tensor.Scalar(2000),
            ["_growth_tracker"] = Tensor.Scalar(7),
        };
        scaler.LoadStateDict(fromPython);
        Assert.That((scaler.GetScale(), scaler.GrowthInterval, scaler.GrowthTracker), Is.EqualTo((32768.0, 2000, 7)), "any numeric dtype is read");
    }

    [Test]
    public void A_disabled_scaler_passes_the_loss_through_and_just_steps()
    {
        using var scope = DisposeScope.Enter();
        using var p = Tensor.Zeros([2], requiresGrad: true);
        using var optimizer = new SGD([p], lr: 1);
        using var scaler = new GradScaler(enabled: false);
        Assert.That(scaler.IsEnabled, Is.False);
        Assert.That(scaler.GetScale(), Is.EqualTo(1.0));
        var loss = (p * 3.0).Sum();
        Assert.That(scaler.Scale(loss), Is.SameAs(loss));
        scaler.Scale(loss).Backward();
        scaler.Unscale(optimizer);
        scaler.Unscale(optimizer);
        Assert.That(p.Grad!.ToArray<float>(), Is.EqualTo(new[] { 3f, 3f }), "Unscale does nothing");
        Assert.That(scaler.Step(optimizer), Is.True);
        Assert.That(p.ToArray<float>(), Is.EqualTo(new[] { -3f, -3f }), "the optimizer stepped");
        scaler.Update();
        p.Grad = Tensor.FromArray(new[] { float.PositiveInfinity, 1f });
        Assert.That(scaler.Step(optimizer), Is.True, "no inf check when disabled (as PyTorch)");
        Assert.That(p.ToArray<float>()[1], Is.EqualTo(-4f));
        Assert.That(scaler.StateDict(), Is.Empty);
        Assert.That(() => scaler.LoadStateDict(new Dictionary<string, Tensor>()), Throws.Nothing);
        Assert.That(scaler.GetScale(), Is.EqualTo(1.0));
    }

    [Test]
    public void The_stages_are_checked_with_PyTorchs_messages()
    {
        using var scope = DisposeScope.Enter();
        using var p = Tensor.Zeros([2], requiresGrad: true);
        using var q = Tensor.Zeros([2], requiresGrad: true);
        using var optimizer = new SGD([p], lr: 1);
        using var other = new SGD([q], lr: 1);
        using var scaler = new GradScaler(initScale: 4);
        Assert.That(() => scaler.Update(), Throws.InvalidOperationException.With.Message.EqualTo("No inf checks were recorded prior to update."));
        Assert.That(() => scaler.Step(optimizer), Throws.InvalidOperationException.With.Message.EqualTo("No inf checks were recorded for this optimizer."), "no parameter has a gradient");

        p.Grad = Tensor.FromArray(new[] { 8f, -4f });
        scaler.Unscale(optimizer);
        Assert.That(p.Grad!.ToArray<float>(), Is.EqualTo(new[] { 2f, -1f }));
        Assert.That(
            () => scaler.Unscale(optimizer),
            Throws.InvalidOperationException.With.Message.EqualTo("unscale_() has already been called on this optimizer since the last update()."));
        Assert.That(p.Grad!.ToArray<float>(), Is.EqualTo(new[] { 2f, -1f }), "not unscaled twice");
        Assert.That(scaler.Step(optimizer), Is.True);
        Assert.That(p.ToArray<float>(), Is.EqualTo(new[] { -2f, 1f }), "Step after Unscale does not unscale again");
        Assert.That(() => scaler.Step(optimizer), Throws.InvalidOperationException.With.Message.EqualTo("step() has already been called since the last update()."));
        Assert.That(() => scaler.Unscale(optimizer), Throws.InvalidOperationException.With.Message.EqualTo("unscale_() is being called after step()."));

        q.Grad = Tensor.FromArray(new[] { float.NaN, 4f });
        Assert.That(scaler.Step(other), Is.False, "each optimizer is checked on its own");
        scaler.Update();
        Assert.That(scaler.GetScale(), Is.EqualTo(2.0), "one optimizer's overflow backs the shared scale off");

        p.Grad = Tensor.FromArray(new[] { 2f, 2f });
        Assert.That(() => scaler.Unscale(optimizer), Throws.Nothing, "allowed again after Update");
        scaler.Update(newScale: 1024);
        Assert.That(scaler.GetScale(), Is.EqualTo(1024.0));
        Assert.That(() => scaler.Update(), Throws.InvalidOperationException, "Update(newScale) forgets the checks too");

        Assert.That(() => new GradScaler(growthFactor: 1.0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("The growth factor must be > 1.0"));
        Assert.That(() => new GradScaler(backoffFactor: 1.0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.StartsWith("The backoff factor must be < 1.0"));
        Assert.That(() => new GradScaler(growthInterval: 0), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new GradScaler(initScale: 1e39), Throws.TypeOf<ArgumentOutOfRangeException>(), "inf in float32");
        scaler.Dispose();
        Assert.That(() => scaler.Step(optimizer), Throws.TypeOf<ObjectDisposedException>());
    }

    [TestCase(ScalarType.Float16)]
    [TestCase(ScalarType.BFloat16)]
    [TestCase(ScalarType.Float64)]
    public void Reduced_and_double_precision_gradients_are_unscaled_and_checked(ScalarType dtype)
    {
        using var scope = DisposeScope.Enter();
        var p = Tensor.Zeros([3], dtype).RequiresGrad_();
        var q = Tensor.Zeros([2], requiresGrad: true); // no gradient: skipped
        using var optimizer = new SGD([p, q], lr: 1);
        using var scaler = new GradScaler(initScale: 1024);
        p.Grad = Tensor.FromArray(new[] { 1536f, -256f, 3f }).To(dtype);
        Assert.That(scaler.Step(optimizer), Is.True);
        Assert.That(p.Grad!.DType, Is.EqualTo(dtype));
        Assert.That(p.Grad!.ToDoubleArray(), Is.EqualTo(new[] { 1.5, -0.25, 0.0029296875 }));
        Assert.That(p.ToDoubleArray(), Is.EqualTo(new[] { -1.5, 0.25, -0.0029296875 }));
        Assert.That(q.Grad, Is.Null);
        scaler.Update();

        p.Grad = Tensor.FromArray(new[] { 1f, float.NaN, 2f }).To(dtype);
        Assert.That(scaler.Step(optimizer), Is.False);
        scaler.Update();
        Assert.That(scaler.GetScale(), Is.EqualTo(512.0));
    }

    [Test]
    public void The_scaled_loss_follows_PyTorchs_type_promotion()
    {
        using var scope = DisposeScope.Enter();
        using var scaler = new GradScaler();
        var halfLoss = Tensor.Scalar(2f).To(ScalarType.Float16);
        var scaled = scaler.Scale(halfLoss);
        Assert.That(scaled.DType, Is.EqualTo(ScalarType.Float32), "a 0-dim float16 loss times the float32 scale is float32 (no overflow at 65536·2)");
        Assert.That(scaled.Item<float>(), Is.EqualTo(131072f));
        var halfOutputs = Tensor.FromArray(new[] { 0.5f, 0.25f }).To(ScalarType.Float16);
        Assert.That(scaler.Scale(halfOutputs).DType, Is.EqualTo(ScalarType.Float16), "a dimensioned tensor keeps its dtype");
        Assert.That(scaler.Scale(Tensor.Scalar(1.5)).DType, Is.EqualTo(ScalarType.Float64));
    }

    [Test]
    public void Long_loops_keep_the_native_tensor_count_flat()
    {
        var (x, y, w0, b0) = Data(seed: 14);
        using var net = new Net(w0, b0);
        using var scaler = new GradScaler(initScale: 1024, growthInterval: 5);
        long before = 0;
        var skipped = 0;
        for (var step = 0; step < 120; step++)
        {
            if (step == 5)
            {
                before = LiveTensors.Settled();
            }

            using var iteration = DisposeScope.Enter();
            net.Optimizer.ZeroGrad(setToNone: step % 2 == 0);
            scaler.Scale(net.Loss(x, y)).Backward();
            if (step % 7 == 3)
            {
                SetElement(net.W.Grad!, 0, float.PositiveInfinity);
            }

            if (step % 3 == 0)
            {
                scaler.Unscale(net.Optimizer);
                GradClipping.ClipGradNorm([net.W, net.B], maxNorm: 10);
            }

            skipped += scaler.Step(net.Optimizer) ? 0 : 1;
            scaler.Update();
            if (step % 20 == 0)
            {
                _ = scaler.StateDict();
            }
        }

        Assert.That(LiveTensors.Settled(), Is.EqualTo(before), "live native tensors must not grow across steps");
        Assert.That(skipped, Is.EqualTo(Enumerable.Range(0, 120).Count(s => s % 7 == 3)));

        // An iteration left unfinished holds one found-inf tensor per device until Dispose.
        using (DisposeScope.Enter())
        {
            scaler.Scale(net.Loss(x, y)).Backward();
        }

        var beforeUnscale = LiveTensors.Settled();
        scaler.Unscale(net.Optimizer);
        Assert.That(LiveTensors.Settled(), Is.EqualTo(beforeUnscale + 1));
        scaler.Dispose();
        Assert.That(LiveTensors.Settled(), Is.EqualTo(beforeUnscale));
        x.Dispose();
        y.Dispose();
        w0.Dispose();
        b0.Dispose();
    }

    /// <summary>One iteration with a gradient of magnitude S (or an inf): Step, Update, and the new scale.</summary>
    private static double Iterate(GradScaler scaler, Optimizer optimizer, Tensor p, bool finite)
    {
        using var scope = DisposeScope.Enter();
        var s = (float)scaler.GetScale();
        var values = Enumerable.Repeat(s, (int)p.NumEl).ToArray();
        if (!finite)
        {
            values[0] = float.PositiveInfinity;
        }

        p.Grad = Tensor.FromArray(values);
        Assert.That(scaler.Step(optimizer), Is.EqualTo(finite));
        scaler.Update();
        return scaler.GetScale();
    }

    /// <summary>One training iteration (an inf in the bias gradient when <paramref name="overflow"/>); the new scale.</summary>
    private static double TrainStep(GradScaler scaler, Net net, Tensor x, Tensor y, bool overflow)
    {
        using var scope = DisposeScope.Enter();
        net.Optimizer.ZeroGrad();
        scaler.Scale(net.Loss(x, y)).Backward();
        if (overflow)
        {
            SetElement(net.B.Grad!, 0, float.PositiveInfinity);
        }

        Assert.That(scaler.Step(net.Optimizer), Is.EqualTo(!overflow));
        scaler.Update();
        return scaler.GetScale();
    }

    private static void SetElement(Tensor grad, int index, float value)
    {
        using var scope = DisposeScope.Enter();
        var values = grad.ToArray<float>();
        values[index] = value;
        grad.Copy_(Tensor.FromArray(values, grad.Shape));
    }

    private static Dictionary<string, Tensor> Section(Dictionary<string, Tensor> all, string prefix) =>
        all.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    private static (Tensor X, Tensor Y, Tensor W0, Tensor B0) Data(ulong seed)
    {
        LibTorch.ManualSeed(seed);
        return (Tensor.Randn([8, 4]), Tensor.Randn([8, 3]), Tensor.Randn([4, 3]), Tensor.Randn([3]));
    }

    /// <summary>A linear model y = xW + b with mean squared error and SGD with momentum.</summary>
    private sealed class Net : IDisposable
    {
        public Net(Tensor w0, Tensor b0)
        {
            W = w0.Clone().DetachFromScope().RequiresGrad_();
            B = b0.Clone().DetachFromScope().RequiresGrad_();
            Optimizer = new SGD([W, B], lr: 0.05, momentum: 0.9, weightDecay: 1e-3);
        }

        public Tensor W { get; }

        public Tensor B { get; }

        public SGD Optimizer { get; }

        public Tensor Loss(Tensor x, Tensor y)
        {
            var d = x.MatMul(W) + B - y;
            return (d * d).Mean();
        }

        public void Dispose()
        {
            Optimizer.Dispose();
            W.Dispose();
            B.Dispose();
        }
    }
}
