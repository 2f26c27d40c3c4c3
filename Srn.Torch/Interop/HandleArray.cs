using System.Runtime.InteropServices;

namespace Srn.Torch.Interop;

/// <summary>
/// Raw handles of several tensors for an export that takes <c>const srn_tensor*</c>, each kept alive
/// (DangerousAddRef) until disposed, so that no tensor can be freed while native code reads it.
/// </summary>
internal readonly ref struct HandleArray
{
    private readonly SafeHandle[] owners;
    private readonly IntPtr[] raw;

    public HandleArray(IReadOnlyList<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        owners = new SafeHandle[tensors.Count];
        raw = new IntPtr[tensors.Count];
        var added = 0;
        try
        {
            for (var i = 0; i < tensors.Count; i++)
            {
                var h = (tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"tensor {i} is null")).Handle;
                var ok = false;
                h.DangerousAddRef(ref ok);
                owners[i] = h;
                added++;
                raw[i] = h.DangerousGetHandle();
            }
        }
        catch
        {
            for (var i = 0; i < added; i++)
            {
                owners[i].DangerousRelease();
            }

            throw;
        }
    }

    /// <summary>The handles, in order.</summary>
    public ReadOnlySpan<IntPtr> Span => raw;

    /// <summary>The count.</summary>
    public int Length => raw.Length;

    public void Dispose()
    {
        foreach (var h in owners)
        {
            h?.DangerousRelease();
        }
    }
}
