namespace Srn.Torch.Interop;

/// <summary>Reads the shim's thread-local last error.</summary>
internal static class NativeError
{
    /// <summary>Takes (and clears) the pending error of this thread as a <see cref="TorchException"/>.</summary>
    public static TorchException Take()
    {
        var text = NativeMethods.srn_last_error_take();
        var message = text == IntPtr.Zero
            ? "libtorch reported a failure without a message"
            : NativeMethods.TakeString(text);
        return new TorchException(message.Trim());
    }
}
