using System.Globalization;

namespace Srn.Torch.Optim;

/// <summary>
/// Dynamic loss scaling for mixed-precision training: the loss is multiplied by a scale S before the backward pass so
/// that small half-precision gradients do not flush to zero, the gradients are divided by S before the optimizer
/// uses them, and a step whose gradients hold an infinity or a NaN is skipped. S adapts: with f the growth factor,
/// b the backoff factor and n the growth interval, after each iteration
/// <c>S ← S·b</c> and tracker ← 0 when some gradient was not finite, otherwise tracker ← tracker + 1 and, when
/// tracker reaches n, <c>S ← S·f</c> (kept only when finite in float32) and tracker ← 0.
/// </summary>
/// <remarks>
/// <para>Same as <c>torch.cuda.amp.GradScaler</c> / <c>torch.amp.GradScaler</c>, with PyTorch's defaults
/// (S₀ = 65536, f = 2, b = 0.5, n = 2000) and the same per-optimizer stages and error messages:
/// <see cref="Unscale"/> at most once per optimizer between two <see cref="Update()"/>s, <see cref="Step"/> at most once,
/// and <see cref="Update()"/> only after at least one optimizer was unscaled. The iteration is</para>
/// <code>
/// using var scaler = new GradScaler();
/// scaler.Scale(loss).Backward();
/// scaler.Unscale(optimizer);                 // optional: only to clip or inspect the true gradients
/// GradClipping.ClipGradNorm(parameters, 1.0);
/// scaler.Step(optimizer);                    // skipped when a gradient is not finite
/// scaler.Update();
/// </code>
/// <para>The scale is a float32 value, as PyTorch's <c>_scale</c> tensor, and updated with the arithmetic of
/// <c>torch._amp_update_scale_</c> (the product in double, rounded to float32), so the sequence of scales matches
/// PyTorch's exactly; a non-float32 <c>initScale</c> is rounded at construction (PyTorch rounds it when it creates
/// <c>_scale</c>). The scale is kept on the host rather than on the device: <see cref="Step"/> reads whether a
/// gradient was not finite (one host synchronisation per optimizer and iteration, as PyTorch's <c>step</c>), and
/// <see cref="Update()"/> reuses that answer.</para>
/// <para>Gradients: the check is one reduction per gradient (<c>isfinite(g).all()</c>), accumulated on each
/// gradient's device without synchronising; a parameter whose gradient is null is skipped. Unscaling multiplies by
/// 1/S computed as PyTorch does (<c>_scale.double().reciprocal().float()</c>), in place, under
/// <see cref="Autograd.NoGrad"/>; float16 and bfloat16 gradients are multiplied in float32 and rounded back, as
/// PyTorch's kernel does. Unlike PyTorch's <c>unscale_</c>, float16 gradients are accepted (PyTorch refuses them with
/// "Attempting to unscale FP16 gradients." so that master weights stay in float32; it is left to the caller here),
/// and any device works (<c>torch.cuda.amp.GradScaler</c> of PyTorch 1.13 requires CUDA tensors and disables itself
/// without CUDA).</para>
/// <para>The scaler keeps one small found-inf tensor per optimizer and device between <see cref="Unscale"/> and
/// <see cref="Update()"/>; <see cref="Update()"/> and <see cref="Dispose"/> free them. Every other temporary lives in a
/// <see cref="DisposeScope"/> of its own, so the live-tensor count stays flat over a training loop.</para>
/// </remarks>
public sealed class GradScaler : IDisposable
{
    /// <summary>State-dict key of the current scale S (0-dim float64).</summary>
    public const string ScaleKey = "scale";

    /// <summary>State-dict key of the growth factor f (0-dim float64).</summary>
    public const string GrowthFactorKey = "growth_factor";

    /// <summary>State-dict key of the backoff factor b (0-dim float64).</summary>
    public const string BackoffFactorKey = "backoff_factor";

    /// <summary>State-dict key of the growth interval n (0-dim int64).</summary>
    public const string GrowthIntervalKey = "growth_interval";

    /// <summary>State-dict key of the number of consecutive finite iterations since the last change of scale (0-dim int64).</summary>
    public const string GrowthTrackerKey = "_growth_tracker";

    private static readonly string[] Keys = [ScaleKey, GrowthFactorKey, BackoffFactorKey, GrowthIntervalKey, GrowthTrackerKey];

    private readonly Dictionary<Optimizer, OptimizerRecord> records = new(ReferenceEqualityComparer.Instance);
    private readonly bool enabled;
    private float scale;
    private int growthTracker;
    private double growthFactor;
    private double backoffFactor;
    private int growthInterval;
    private bool disposed;

    /// <summary>Creates the scaler.</summary>
    /// <param name="initScale">The initial scale S₀ (rounded to float32).</param>
    /// <param name="growthFactor">f: the scale is multiplied by it after <paramref name="growthInterval"/> consecutive iterations without a non-finite gradient.</param>
    /// <param name="backoffFactor">b: the scale is multiplied by it after an iteration with a non-finite gradient.</param>
    /// <param name="growthInterval">n: the number of consecutive finite iterations between two growths.</param>
    /// <param name="enabled">When false, <see cref="Scale"/> returns the loss as is, <see cref="Step"/> just steps, and the other methods do nothing.</param>
    /// <exception cref="ArgumentOutOfRangeException">When S₀ is not finite and positive in float32, f ≤ 1 (PyTorch: "The growth factor must be &gt; 1.0."),
    /// b is not in (0, 1) (PyTorch: "The backoff factor must be &lt; 1.0."), or n &lt; 1.</exception>
    public GradScaler(double initScale = 65536.0, double growthFactor = 2.0, double backoffFactor = 0.5, int growthInterval = 2000, bool enabled = true)
    {
        CheckScale(initScale, nameof(initScale));
        GrowthFactor = growthFactor;
        BackoffFactor = backoffFactor;
        GrowthInterval = growthInterval;
        this.enabled = enabled;
        scale = (float)initScale;
    }

    /// <summary>Whether the scaler is enabled. Same as <c>scaler.is_enabled()</c>.</summary>
    public bool IsEnabled => enabled;

    /// <summary>f, the factor applied to the scale at each growth. Same as <c>get_growth_factor</c>/<c>set_growth_factor</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">On write, when not finite or not &gt; 1.</exception>
    public double GrowthFactor
    {
        get => growthFactor;
        set
        {
            if (!(value > 1.0) || !double.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(GrowthFactor), value, $"The growth factor must be > 1.0 (and finite), got {Optimizer.Format(value)}.");
            }

            growthFactor = value;
        }
    }

    /// <summary>b, the factor applied to the scale after an iteration with a non-finite gradient. Same as
    /// <c>get_backoff_factor</c>/<c>set_backoff_factor</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">On write, when not in (0, 1).</exception>
    public double BackoffFactor
    {
        get => backoffFactor;
        set
        {
            if (!(value < 1.0 && value > 0.0))
            {
                throw new ArgumentOutOfRangeException(nameof(BackoffFactor), value, $"The backoff factor must be < 1.0 (and > 0), got {Optimizer.Format(value)}.");
            }

            backoffFactor = value;
        }
    }

    /// <summary>n, the number of consecutive finite iterations between two growths. Same as
    /// <c>get_growth_interval</c>/<c>set_growth_interval</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">On write, when &lt; 1.</exception>
    public int GrowthInterval
    {
        get => growthInterval;
        set
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(GrowthInterval), value, $"The growth interval must be >= 1, got {value}.");
            }

            growthInterval = value;
        }
    }

    /// <summary>The number of consecutive finite iterations since the scale last changed (0 when disabled).
    /// Same as PyTorch's <c>_get_growth_tracker()</c>.</summary>
    public int GrowthTracker => enabled ? growthTracker : 0;

    /// <summary>The current scale S (a float32 value), or 1 when disabled. Same as <c>scaler.get_scale()</c>.</summary>
    /// <returns>S.</returns>
    public double GetScale() => enabled ? scale : 1.0;

    /// <summary>
    /// The scaled loss <c>loss · S</c>, to call <see cref="Tensor.Backward"/> on. S multiplies as a 0-dim float32 tensor,
    /// so the result's dtype follows PyTorch's promotion (a 0-dim float16 loss gives a float32 result). Same as
    /// <c>scaler.scale(outputs)</c>.
    /// </summary>
    /// <param name="loss">The loss (any device).</param>
    /// <returns>A new tensor owned by the caller or the current <see cref="DisposeScope"/>; when disabled,
    /// <paramref name="loss"/> itself (do not dispose it twice).</returns>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
    public Tensor Scale(Tensor loss)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(loss);
        if (!enabled)
        {
            return loss;
        }

        using var scope = DisposeScope.Enter();

        // A CPU 0-dim tensor acts as a scalar for a tensor on any device, with tensor (not Python number) promotion.
        return (loss * Tensor.Scalar(scale)).MoveToOuterScope();
    }

    /// <summary>
    /// Divides every gradient of <paramref name="optimizer"/>'s parameters by S in place (g ← g · (1/S) with 1/S rounded
    /// to float32) and records whether any value was infinite or NaN (checked before the division). Gradients that are
    /// null are skipped. Same as <c>scaler.unscale_(optimizer)</c>; call it to clip or inspect the true gradients before
    /// <see cref="Step"/>, which otherwise unscales by itself. Does nothing when disabled.
    /// </summary>
    /// <param name="optimizer">The optimizer whose gradients to unscale.</param>
    /// <exception cref="InvalidOperationException">When called twice for the same optimizer, or after <see cref="Step"/>,
    /// without an <see cref="Update()"/> in between (PyTorch's messages).</exception>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>, or when a parameter was disposed.</exception>
    public void Unscale(Optimizer optimizer)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!enabled)
        {
            return;
        }

        var record = RecordOf(optimizer);
        switch (record.Stage)
        {
            case Stage.Unscaled:
                throw new InvalidOperationException("unscale_() has already been called on this optimizer since the last update().");
            case Stage.Stepped:
                throw new InvalidOperationException("unscale_() is being called after step().");
        }

        // PyTorch: inv_scale = self._scale.double().reciprocal().float()
        var invScale = (float)(1.0 / scale);
        using (Autograd.NoGrad())
        {
            foreach (var p in optimizer.ParamGroups.SelectMany(g => g.Parameters))
            {
                using var scope = DisposeScope.Enter();
                var grad = p.Grad;
                if (grad is null)
                {
                    continue;
                }

                var device = grad.Device;
                if (!record.FoundInfPerDevice.TryGetValue(device, out var found))
                {
                    found = Tensor.Zeros([], ScalarType.Float32, device).DetachFromScope();
                    record.FoundInfPerDevice[device] = found;
                }

                // One reduction per gradient, no synchronisation: found += !all(isfinite(g)).
                found.Add_(grad.IsFinite().All().LogicalNot());
                if (grad.DType is ScalarType.Float16 or ScalarType.BFloat16)
                {
                    // PyTorch's kernel multiplies in float32 (opmath) and rounds back to the gradient's type.
                    grad.Copy_(grad.To(ScalarType.Float32).Mul_(invScale));
                }
                else
                {
                    grad.Mul_(invScale);
                }
            }
        }

        record.Stage = Stage.Unscaled;
    }

    /// <summary>
    /// Unscales the gradients (unless <see cref="Unscale"/> already did in this iteration), then runs
    /// <paramref name="optimizer"/>'s <see cref="Optimizer.Step"/> unless a gradient was infinite or NaN. Same as
    /// <c>scaler.step(optimizer)</c>. When disabled, just steps.
    /// </summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <returns>True when the optimizer stepped, false when the step was skipped.</returns>
    /// <exception cref="InvalidOperationException">When called twice for the same optimizer without an
    /// <see cref="Update()"/> in between ("step() has already been called since the last update()."), or when no parameter
    /// of the optimizer has a gradient ("No inf checks were recorded for this optimizer."; the optimizer is then back to
    /// its state at the start of the iteration, where PyTorch would keep it marked as unscaled).</exception>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
    public bool Step(Optimizer optimizer)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!enabled)
        {
            optimizer.Step();
            return true;
        }

        var record = RecordOf(optimizer);
        if (record.Stage == Stage.Stepped)
        {
            throw new InvalidOperationException("step() has already been called since the last update().");
        }

        if (record.Stage == Stage.Ready)
        {
            Unscale(optimizer);
        }

        if (record.FoundInfPerDevice.Count == 0)
        {
            // PyTorch leaves the optimizer marked as unscaled here; forgetting it lets the iteration be retried.
            records.Remove(optimizer);
            throw new InvalidOperationException("No inf checks were recorded for this optimizer.");
        }

        var stepped = !FoundInf(record);
        if (stepped)
        {
            optimizer.Step();
        }

        record.Stage = Stage.Stepped;
        return stepped;
    }

    /// <summary>
    /// Updates the scale from this iteration's checks, then forgets them: S ← S·b and tracker ← 0 if any optimizer
    /// unscaled a non-finite gradient; otherwise tracker ← tracker + 1 and, when tracker = n, S ← S·f (unless that is
    /// infinite in float32) and tracker ← 0. Same as <c>scaler.update()</c> (<c>torch._amp_update_scale_</c>).
    /// Does nothing when disabled.
    /// </summary>
    /// <exception cref="InvalidOperationException">When no optimizer was unscaled or stepped since the last update
    /// ("No inf checks were recorded prior to update.").</exception>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
    public void Update()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!enabled)
        {
            return;
        }

        var checkedRecords = records.Values.Where(r => r.FoundInfPerDevice.Count > 0).ToList();
        if (checkedRecords.Count == 0)
        {
            throw new InvalidOperationException("No inf checks were recorded prior to update.");
        }

        var foundInf = false;
        foreach (var r in checkedRecords)
        {
            foundInf |= FoundInf(r);
        }

        if (foundInf)
        {
            scale = (float)(scale * backoffFactor);
            growthTracker = 0;
        }
        else
        {
            var successful = growthTracker + 1;
            if (successful == growthInterval)
            {
                var grown = (float)(scale * growthFactor);
                if (float.IsFinite(grown))
                {
                    scale = grown;
                }

                growthTracker = 0;
            }
            else
            {
                growthTracker = successful;
            }
        }

        ClearRecords();
    }

    /// <summary>
    /// Sets the scale to <paramref name="newScale"/> (rounded to float32) and forgets this iteration's checks; the growth
    /// tracker is left as it is. Same as <c>scaler.update(new_scale)</c>. Does nothing when disabled.
    /// </summary>
    /// <param name="newScale">The new scale.</param>
    /// <exception cref="ArgumentOutOfRangeException">When it is not finite and positive in float32.</exception>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
    public void Update(double newScale)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!enabled)
        {
            return;
        }

        CheckScale(newScale, nameof(newScale));
        scale = (float)newScale;
        ClearRecords();
    }

    /// <summary>
    /// The scaler's state with PyTorch's keys: <c>scale</c>, <c>growth_factor</c>, <c>backoff_factor</c> (0-dim float64)
    /// and <c>growth_interval</c>, <c>_growth_tracker</c> (0-dim int64); empty when disabled. Same content as
    /// <c>scaler.state_dict()</c>, whose values are Python numbers: here they are tensors so that they fit a
    /// <see cref="IO.SafeTensors"/> checkpoint (float64 holds the float32 scale exactly).
    /// </summary>
    /// <returns>New CPU tensors, owned by the caller or the current <see cref="DisposeScope"/>.</returns>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
    public Dictionary<string, Tensor> StateDict()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (!enabled)
        {
            return result;
        }

        result[ScaleKey] = Tensor.Scalar((double)scale);
        result[GrowthFactorKey] = Tensor.Scalar(growthFactor);
        result[BackoffFactorKey] = Tensor.Scalar(backoffFactor);
        result[GrowthIntervalKey] = Tensor.Scalar((long)growthInterval);
        result[GrowthTrackerKey] = Tensor.Scalar((long)growthTracker);
        return result;
    }

    /// <summary>
    /// Restores a state saved by <see cref="StateDict"/> (or written by hand from PyTorch's <c>state_dict()</c>): scale,
    /// factors, interval and tracker, after checking every entry; nothing changes when a check fails. Each value is a
    /// one-element tensor of any numeric dtype. Same as <c>scaler.load_state_dict</c>, which also does nothing when the
    /// scaler is disabled.
    /// </summary>
    /// <param name="stateDict">The saved state (not modified; the caller keeps ownership).</param>
    /// <exception cref="ArgumentException">When the state is empty (saved from a disabled scaler), a key is missing or
    /// unknown, or a value is not one number in range (scale finite and &gt; 0 in float32, growth factor &gt; 1, backoff
    /// factor in (0, 1), growth interval an integer ≥ 1, growth tracker an integer in [0, interval)); the message names
    /// every entry at fault.</exception>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(stateDict);
        if (!enabled)
        {
            return;
        }

        if (stateDict.Count == 0)
        {
            throw new ArgumentException("The source state dict is empty, possibly because it was saved from a disabled instance of GradScaler.", nameof(stateDict));
        }

        var problems = new List<string>();
        foreach (var key in stateDict.Keys.Where(k => !Keys.Contains(k, StringComparer.Ordinal)).Order(StringComparer.Ordinal))
        {
            problems.Add($"unexpected key '{key}'");
        }

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var key in Keys)
        {
            if (!stateDict.TryGetValue(key, out var t) || t is null)
            {
                problems.Add($"missing key '{key}'");
                continue;
            }

            if (t.NumEl != 1)
            {
                problems.Add($"'{key}' must hold one number, it has shape [{string.Join(", ", t.Shape)}]");
                continue;
            }

            values[key] = t.ToDoubleArray()[0];
        }

        void Check(string key, Func<double, bool> ok, string expected)
        {
            if (values.TryGetValue(key, out var v) && !ok(v))
            {
                problems.Add($"'{key}' is {Optimizer.Format(v)}, expected {expected}");
            }
        }

        Check(ScaleKey, v => double.IsFinite(v) && v > 0 && float.IsFinite((float)v) && (float)v > 0, "a finite positive float32 value");
        Check(GrowthFactorKey, v => double.IsFinite(v) && v > 1.0, "a finite value > 1");
        Check(BackoffFactorKey, v => v > 0.0 && v < 1.0, "a value in (0, 1)");
        Check(GrowthIntervalKey, v => v == Math.Floor(v) && v >= 1 && v <= int.MaxValue, "an integer >= 1");
        if (values.TryGetValue(GrowthIntervalKey, out var interval) && interval == Math.Floor(interval) && interval >= 1 && interval <= int.MaxValue)
        {
            Check(GrowthTrackerKey, v => v == Math.Floor(v) && v >= 0 && v < interval, string.Create(CultureInfo.InvariantCulture, $"an integer in [0, {interval}) (the growth interval)"));
        }
        else
        {
            Check(GrowthTrackerKey, v => v == Math.Floor(v) && v >= 0 && v < int.MaxValue, "an integer >= 0");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Error(s) in loading state_dict for GradScaler: {string.Join("; ", problems)}.", nameof(stateDict));
        }

        scale = (float)values[ScaleKey];
        growthFactor = values[GrowthFactorKey];
        backoffFactor = values[BackoffFactorKey];
        growthInterval = (int)values[GrowthIntervalKey];
        growthTracker = (int)values[GrowthTrackerKey];
    }

    /// <summary>Frees the found-inf tensors of an iteration left unfinished (no <see cref="Update()"/>). Safe to call twice.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        ClearRecords();
        disposed = true;
    }

    private static void CheckScale(double value, string name)
    {
        if (!(double.IsFinite(value) && value > 0 && float.IsFinite((float)value) && (float)value > 0))
        {
            throw new ArgumentOutOfRangeException(name, value, $"The scale must be finite and positive in float32, got {Optimizer.Format(value)}.");
        }
    }

    /// <summary>Whether the record's checks found a non-finite value: one host read per device, cached.</summary>
    private static bool FoundInf(OptimizerRecord record)
    {
        record.FoundInf ??= record.FoundInfPerDevice.Values.Any(t => t.Item<float>() > 0);
        return record.FoundInf.Value;
    }

    private OptimizerRecord RecordOf(Optimizer optimizer)
    {
        if (!records.TryGetValue(optimizer, out var record))
        {
            record = new OptimizerRecord();
            records[optimizer] = record;
        }

        return record;
    }

    private void ClearRecords()
    {
        foreach (var r in records.Values)
        {
            foreach (var t in r.FoundInfPerDevice.Values)
            {
                t.Dispose();
            }
        }

        records.Clear();
    }

    private enum Stage
    {
        Ready,
        Unscaled,
        Stepped,
    }

    /// <summary>Per-optimizer state of the current iteration (PyTorch's <c>_per_optimizer_states</c>).</summary>
    private sealed class OptimizerRecord
    {
        public Stage Stage { get; set; }

        public Dictionary<Device, Tensor> FoundInfPerDevice { get; } = [];

        public bool? FoundInf { get; set; }
    }
}
