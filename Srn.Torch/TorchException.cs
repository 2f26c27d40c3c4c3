namespace Srn.Torch;

/// <summary>
/// An error raised by libtorch (or the native shim) during a tensor operation: wrong shapes, dtypes,
/// devices, out-of-range indices and the like. The message is libtorch's, without its C++ backtrace.
/// </summary>
public class TorchException : Exception
{
    /// <summary>Creates an exception with no message.</summary>
    public TorchException()
    {
    }

    /// <summary>Creates an exception carrying libtorch's message.</summary>
    /// <param name="message">The message reported by libtorch.</param>
    public TorchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception carrying a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TorchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
