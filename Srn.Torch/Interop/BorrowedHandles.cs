namespace Srn.Torch.Interop;

/// <summary>
/// Raw pointers of several tensor handles for an export that takes <c>const srn_tensor*</c>: each handle's
/// reference count is raised until <see cref="Dispose"/>, so no handle can be released while native code reads it.
/// Slots left unset stay NULL.
/// </summary>
internal sealed class BorrowedHandles : IDisposable
{
    private readonly TensorHandle?[] owners;

    /// <summary>Creates <paramref name="count"/> NULL slots.</summary>
    /// <param name="count">Number of slots.</param>
    public BorrowedHandles(int count)
    {
        owners = new TensorHandle?[count];
        Pointers = new IntPtr[count];
    }

    /// <summary>The raw handle values, in slot order.</summary>
    public IntPtr[] Pointers { get; }

    /// <summary>Borrows the handles of a list of tensors.</summary>
    /// <param name="tensors">The tensors; none may be null or disposed.</param>
    /// <param name="paramName">The caller's parameter name, for the exception.</param>
    /// <returns>The borrowed handles.</returns>
    /// <exception cref="ArgumentNullException">When the list or one of its tensors is null.</exception>
    public static BorrowedHandles Of(IReadOnlyList<Tensor> tensors, string paramName)
    {
        ArgumentNullException.ThrowIfNull(tensors, paramName);
        var borrowed = new BorrowedHandles(tensors.Count);
        try
        {
            for (var i = 0; i < tensors.Count; i++)
            {
                var t = tensors[i] ?? throw new ArgumentNullException(paramName, $"tensor {i} of the list is null");
                borrowed.Set(i, t.Handle);
            }

            return borrowed;
        }
        catch
        {
            borrowed.Dispose();
            throw;
        }
    }

    /// <summary>Borrows one handle into slot <paramref name="i"/>.</summary>
    /// <param name="i">The slot.</param>
    /// <param name="handle">The handle.</param>
    public void Set(int i, TensorHandle handle)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        owners[i] = handle;
        Pointers[i] = handle.DangerousGetHandle();
    }

    /// <summary>Releases every borrowed reference.</summary>
    public void Dispose()
    {
        for (var i = 0; i < owners.Length; i++)
        {
            owners[i]?.DangerousRelease();
            owners[i] = null;
            Pointers[i] = IntPtr.Zero;
        }
    }
}
