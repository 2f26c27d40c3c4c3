using Srn.Torch.Interop;

namespace Srn.Torch;

/// <summary>
/// A multi-dimensional array held by libtorch: the .NET face of <c>torch.Tensor</c>.
/// Operations follow PyTorch semantics (broadcasting, type promotion, autograd); each method names
/// its PyTorch counterpart in its remarks.
/// </summary>
/// <remarks>
/// A tensor owns one native reference. Dispose it, or create it inside a <see cref="DisposeScope"/>;
/// a forgotten tensor is freed by the finalizer eventually, but native memory is not visible to the GC.
/// Using a disposed tensor throws <see cref="ObjectDisposedException"/>. A tensor is not thread-safe
/// for concurrent mutation, like PyTorch's.
/// <para>
/// Arithmetic operators broadcast like PyTorch's. A <see cref="long"/> scalar keeps integer tensors integral
/// (<c>t + 1</c>), a <see cref="double"/> promotes them to float32 (<c>t + 1.5</c>). Comparison operators
/// return bool tensors; <c>==</c> and <c>!=</c> are deliberately not overloaded (they keep reference
/// equality, which collections and null checks rely on): use <see cref="Eq(Tensor)"/> and <see cref="Ne(Tensor)"/>.
/// </para>
/// </remarks>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorHandle handle;

    internal Tensor(TensorHandle handle)
    {
        this.handle = handle;
        DisposeScope.RegisterInCurrent(this);
    }

    /// <summary>The number of native tensor handles alive in the process; a loop that does not leak keeps it flat.</summary>
    public static long LiveCount => NativeMethods.srn_live_tensors();

    /// <summary>Whether <see cref="Dispose"/> has been called.</summary>
    public bool IsDisposed => handle.IsClosed;

    /// <summary>The scope that will dispose this tensor, if any.</summary>
    internal DisposeScope? Scope { get; set; }

    /// <summary>The native handle, checked for use after dispose.</summary>
    internal TensorHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(handle.IsClosed, this);
            return handle;
        }
    }

    /// <summary>Frees the native reference now. Safe to call twice.</summary>
    public void Dispose()
    {
        Scope = null;
        handle.Dispose();
    }

    /// <summary>Moves this tensor out of its scope into the enclosing one (or to the caller, if none).</summary>
    /// <returns>This tensor.</returns>
    public Tensor MoveToOuterScope()
    {
        var outer = Scope?.Outer;
        Scope = null;
        outer?.Add(this);
        return this;
    }

    /// <summary>Removes this tensor from any scope: the caller owns it and must dispose it.</summary>
    /// <returns>This tensor.</returns>
    public Tensor DetachFromScope()
    {
        Scope = null;
        return this;
    }

    /// <summary>Wraps a handle returned by the shim, throwing its error if the call failed.</summary>
    internal static Tensor Wrap(TensorHandle h) => new(NativeMethods.Check(h));

    /// <summary>Reads all tensors of a native list into managed tensors and frees the list.</summary>
    internal static Tensor[] WrapList(TensorListHandle list)
    {
        using var l = NativeMethods.Check(list);
        NativeMethods.Check(NativeMethods.srn_tensor_list_size(l, out var n));
        var result = new Tensor[n];
        for (long i = 0; i < n; i++)
        {
            result[i] = Wrap(NativeMethods.srn_tensor_list_get(l, i));
        }

        return result;
    }

    /// <summary>Turns optional tensors into the NULL handle the C ABI expects for "None".</summary>
    internal static TensorHandle HandleOrNull(Tensor? t) => t is null ? TensorHandle.Null : t.Handle;
}
