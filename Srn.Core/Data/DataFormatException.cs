namespace Srn.Data;

/// <summary>
/// A data file is malformed: a manifest, proposals, boxes, annotation or list file. The message starts with the file and,
/// where the fault is on one line, the line (<c>path:line: what is wrong</c>), so an editor can jump to it.
/// </summary>
public sealed class DataFormatException : FormatException
{
    /// <summary>Creates the exception for a fault in <paramref name="path"/>, on <paramref name="line"/> when it is positive.</summary>
    /// <param name="path">The file at fault.</param>
    /// <param name="line">The 1-based line at fault, or 0 when the fault is not on one line.</param>
    /// <param name="detail">What is wrong.</param>
    public DataFormatException(string path, int line, string detail)
        : base(Describe(path, line, detail))
    {
        FilePath = path;
        Line = line;
        Detail = detail;
    }

    /// <summary>Creates the exception for a fault in <paramref name="path"/>, with its cause.</summary>
    /// <param name="path">The file at fault.</param>
    /// <param name="line">The 1-based line at fault, or 0 when the fault is not on one line.</param>
    /// <param name="detail">What is wrong.</param>
    /// <param name="innerException">The cause (a CSV, JSON or XML parser's error, for example).</param>
    public DataFormatException(string path, int line, string detail, Exception innerException)
        : base(Describe(path, line, detail), innerException)
    {
        FilePath = path;
        Line = line;
        Detail = detail;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public DataFormatException()
        : this("<unknown>", 0, "malformed data")
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    /// <param name="message">The message.</param>
    public DataFormatException(string message)
        : base(message)
    {
        FilePath = "<unknown>";
        Detail = message;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = "<unknown>";
        Detail = message;
    }

    /// <summary>The file at fault.</summary>
    public string FilePath { get; }

    /// <summary>The 1-based line at fault, or 0 when the fault is not on one line.</summary>
    public int Line { get; }

    /// <summary>What is wrong, without the file and line.</summary>
    public string Detail { get; }

    private static string Describe(string path, int line, string detail) =>
        line > 0 ? $"{path}:{line}: {detail}" : $"{path}: {detail}";
}
