using System.Runtime.InteropServices;

namespace Srn.Torch.Interop;

/// <summary>Owns one native <c>srn_tensor</c> handle; releasing it frees the libtorch tensor reference.</summary>
internal sealed class TensorHandle : SafeHandle
{
    /// <summary>Creates an empty handle; the interop marshaller fills it in.</summary>
    public TensorHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    private TensorHandle(IntPtr existing, bool ownsHandle)
        : base(existing, ownsHandle)
    {
        SetHandle(existing);
    }

    /// <summary>A non-owning handle whose value is NULL: passed where the C ABI takes an optional tensor.</summary>
    public static TensorHandle Null { get; } = new(IntPtr.Zero, ownsHandle: false);

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        NativeMethods.srn_tensor_free(handle);
        return true;
    }
}

/// <summary>Owns one native <c>srn_tensor_list</c>.</summary>
internal sealed class TensorListHandle : SafeHandle
{
    /// <summary>Creates an empty handle; the interop marshaller fills it in.</summary>
    public TensorListHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        NativeMethods.srn_tensor_list_free(handle);
        return true;
    }
}

/// <summary>Owns one native grad-mode guard; must be released on the thread that created it.</summary>
internal sealed class GuardHandle : SafeHandle
{
    /// <summary>Creates an empty handle; the interop marshaller fills it in.</summary>
    public GuardHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        NativeMethods.srn_guard_free(handle);
        return true;
    }
}
