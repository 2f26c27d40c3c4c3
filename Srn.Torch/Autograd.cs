using Srn.Torch.Interop;

namespace Srn.Torch;

/// <summary>Grad-mode switches for the current thread, as <c>torch.no_grad</c>, <c>torch.enable_grad</c> and <c>torch.inference_mode</c>.</summary>
/// <example><code>using (Autograd.NoGrad()) { var y = model(x); }</code></example>
public static class Autograd
{
    /// <summary>Whether operations on this thread are recorded for autograd. Same as <c>torch.is_grad_enabled()</c>.</summary>
    public static bool IsGradEnabled
    {
        get
        {
            NativeMethods.Check(NativeMethods.srn_grad_enabled(out var v));
            return v != 0;
        }
    }

    /// <summary>Whether inference mode is on for this thread. Same as <c>torch.is_inference_mode_enabled()</c>.</summary>
    public static bool IsInferenceMode
    {
        get
        {
            NativeMethods.Check(NativeMethods.srn_is_inference_mode(out var v));
            return v != 0;
        }
    }

    /// <summary>Disables gradient recording until disposed. Same as <c>torch.no_grad()</c>.</summary>
    /// <returns>The guard; dispose it on the same thread to restore the previous mode.</returns>
    public static GradModeGuard NoGrad() => new(0);

    /// <summary>Enables gradient recording until disposed (inside a no-grad region). Same as <c>torch.enable_grad()</c>.</summary>
    /// <returns>The guard; dispose it on the same thread to restore the previous mode.</returns>
    public static GradModeGuard EnableGrad() => new(1);

    /// <summary>Inference mode until disposed: no autograd and no version counting. Same as <c>torch.inference_mode()</c>.</summary>
    /// <returns>The guard; dispose it on the same thread to restore the previous mode.</returns>
    public static GradModeGuard InferenceMode() => new(2);
}

/// <summary>Restores the thread's previous grad mode when disposed. Created by <see cref="Autograd"/>.</summary>
public sealed class GradModeGuard : IDisposable
{
    private readonly GuardHandle handle;
    private readonly int threadId = Environment.CurrentManagedThreadId;

    internal GradModeGuard(int kind)
    {
        handle = NativeMethods.srn_guard_new(kind);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw NativeError.Take();
        }
    }

    /// <summary>Restores the previous mode.</summary>
    /// <exception cref="InvalidOperationException">When disposed on another thread than the one that created it.</exception>
    public void Dispose()
    {
        if (handle.IsClosed)
        {
            return;
        }

        if (threadId != Environment.CurrentManagedThreadId)
        {
            throw new InvalidOperationException("A grad-mode guard must be disposed on the thread that created it.");
        }

        handle.Dispose();
    }
}
