using System.Runtime.InteropServices;

namespace Srn.Torch.Interop;

/// <summary>A handle the shim allocated: NULL is invalid, and releasing calls the matching free export.</summary>
internal abstract class NativeHandle : SafeHandle
{
    /// <summary>Creates an empty owning handle; the interop marshaller fills it in.</summary>
    protected NativeHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    /// <summary>Wraps an existing value.</summary>
    /// <param name="existing">The native pointer.</param>
    /// <param name="ownsHandle">Whether releasing frees it.</param>
    protected NativeHandle(IntPtr existing, bool ownsHandle)
        : base(IntPtr.Zero, ownsHandle) => SetHandle(existing);

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;
}

/// <summary>Owns one native <c>srn_tensor</c> handle; releasing it frees the libtorch tensor reference.</summary>
internal sealed class TensorHandle : NativeHandle
{
    /// <summary>Creates an empty handle; the interop marshaller fills it in.</summary>
    public TensorHandle()
    {
    }

    private TensorHandle(IntPtr existing, bool ownsHandle)
        : base(existing, ownsHandle)
    {
    }

    /// <summary>A non-owning handle whose value is NULL: passed where the C ABI takes an optional tensor.</summary>
    public static TensorHandle Null { get; } = new(IntPtr.Zero, ownsHandle: false);

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        NativeMethods.srn_tensor_free(handle);
        return true;
    }
}

/// <summary>Owns one native <c>srn_tensor_list</c>.</summary>
internal sealed class TensorListHandle : NativeHandle
{
    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        NativeMethods.srn_tensor_list_free(handle);
        return true;
    }
}

/// <summary>Owns one native grad-mode guard; must be released on the thread that created it.</summary>
internal sealed class GuardHandle : NativeHandle
{
    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        NativeMethods.srn_guard_free(handle);
        return true;
    }
}
