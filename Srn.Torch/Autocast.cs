using Srn.Torch.Interop;

namespace Srn.Torch;

/// <summary>
/// Automatic mixed precision: inside an <see cref="Enter"/> scope, libtorch runs the ops that gain from it (convolutions,
/// matrix products, linear layers) in a lower precision and keeps the ops that need range or accuracy (reductions, losses,
/// softmax, norms of the fp32 list) in float32, by its own op policy. Same as <c>torch.autocast(device_type, dtype)</c>.
/// </summary>
/// <remarks>
/// The state is libtorch's and thread-local, as in PyTorch: a scope affects the thread that entered it only, and must be
/// disposed on that thread. Scopes nest; the innermost one wins and disposing it restores the outer state. Leaving the
/// outermost scope clears the cache of low-precision copies of parameters made inside it.
/// <para>CPU autocast runs in bfloat16 (on libtorch 2.x also float16); CUDA autocast in float16 or bfloat16.</para>
/// </remarks>
/// <example><code>
/// using (Autocast.Enter(DeviceType.Cpu, ScalarType.BFloat16))
/// {
///     var logits = model.Forward(images);             // conv/linear in bf16
///     var loss = Functional.BinaryCrossEntropyWithLogits(logits.To(ScalarType.Float32), targets);
/// }
/// loss.Backward();                                     // backward outside, as in PyTorch
/// </code></example>
public static class Autocast
{
    /// <summary>Enters an autocast region for a device type.</summary>
    /// <param name="deviceType">CPU or CUDA.</param>
    /// <param name="dtype">The low precision: <see cref="ScalarType.BFloat16"/> or <see cref="ScalarType.Float16"/>.</param>
    /// <param name="enabled">False enters a region with autocast off (to run a part in full precision inside an autocast region).</param>
    /// <returns>The scope; dispose it on the same thread.</returns>
    /// <exception cref="NotSupportedException">For a dtype the device's autocast does not run in.</exception>
    public static AutocastScope Enter(DeviceType deviceType, ScalarType dtype, bool enabled = true)
    {
        if (dtype is not (ScalarType.BFloat16 or ScalarType.Float16))
        {
            throw new NotSupportedException($"autocast runs in bfloat16 or float16, not {dtype}.");
        }

        if (deviceType == DeviceType.Cpu && dtype == ScalarType.Float16 && LibTorch.Version.StartsWith("1.", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"CPU autocast in float16 needs libtorch 2.x; this is {LibTorch.Version}: use bfloat16.");
        }

        return new AutocastScope(deviceType, dtype, enabled);
    }

    /// <summary>Whether autocast is on for a device type on this thread. Same as <c>torch.is_autocast_enabled()</c> / <c>torch.is_autocast_cpu_enabled()</c>.</summary>
    /// <param name="deviceType">CPU or CUDA.</param>
    /// <returns>Whether it is.</returns>
    public static bool IsEnabled(DeviceType deviceType) => Get(deviceType).Enabled;

    /// <summary>The dtype autocast casts to for a device type on this thread. Same as <c>torch.get_autocast_cpu_dtype()</c> / <c>torch.get_autocast_gpu_dtype()</c>.</summary>
    /// <param name="deviceType">CPU or CUDA.</param>
    /// <returns>The dtype.</returns>
    public static ScalarType DType(DeviceType deviceType) => Get(deviceType).DType;

    internal static (bool Enabled, ScalarType DType) Get(DeviceType deviceType)
    {
        NativeMethods.Check(NativeMethods.srn_autocast_get(Code(deviceType), out var enabled, out var dtype));
        return (enabled != 0, (ScalarType)dtype);
    }

    internal static void Set(DeviceType deviceType, bool enabled, ScalarType dtype) =>
        NativeMethods.Check(NativeMethods.srn_autocast_set(Code(deviceType), enabled ? 1 : 0, (int)dtype));

    private static int Code(DeviceType deviceType) => deviceType switch
    {
        DeviceType.Cpu => 0,
        DeviceType.Cuda => 1,
        _ => throw new NotSupportedException($"autocast runs on CPU or CUDA, not {deviceType}."),
    };
}

/// <summary>An autocast region; disposing it restores the thread's previous autocast state. Created by <see cref="Autocast.Enter"/>.</summary>
public sealed class AutocastScope : IDisposable
{
    private readonly DeviceType deviceType;
    private readonly bool previousEnabled;
    private readonly ScalarType previousDType;
    private readonly int threadId = Environment.CurrentManagedThreadId;
    private bool disposed;

    internal AutocastScope(DeviceType deviceType, ScalarType dtype, bool enabled)
    {
        this.deviceType = deviceType;
        (previousEnabled, previousDType) = Autocast.Get(deviceType);
        Autocast.Set(deviceType, enabled, dtype);
        NativeMethods.Check(NativeMethods.srn_autocast_enter_nesting(out _));
    }

    /// <summary>Leaves the region: the previous state comes back (the cast cache is cleared when the outermost region ends).</summary>
    /// <exception cref="InvalidOperationException">When disposed on another thread than the one that entered it.</exception>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        if (Environment.CurrentManagedThreadId != threadId)
        {
            throw new InvalidOperationException("An autocast scope must be disposed on the thread that entered it (autocast state is per thread).");
        }

        disposed = true;
        NativeMethods.Check(NativeMethods.srn_autocast_exit_nesting(out _));
        Autocast.Set(deviceType, previousEnabled, previousDType);
    }
}
