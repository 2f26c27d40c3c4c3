using Srn.Data;
using Srn.PartialLabels.Runs;
using Srn.Torch;

namespace Srn.Experiments;

/// <summary>
/// The one place where the CLI turns exceptions into what a person reads: one <c>error:</c> line and an exit code, never a
/// stack trace (<c>--verbose</c> adds it). Exit codes: 0 done, 1 a failure (a bad or missing file, a run that cannot go on),
/// 2 a usage error (a bad option or setting), 130 stopped by Ctrl-C.
/// </summary>
internal static class CommandGuard
{
    /// <summary>Exit code of a usage error.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code of a failure.</summary>
    public const int Failure = 1;

    /// <summary>Print stack traces too (<c>--verbose</c>).</summary>
    public static bool Verbose { get; set; }

    /// <summary>Runs a command body.</summary>
    /// <param name="action">The body.</param>
    /// <returns>The exit code.</returns>
    public static int Run(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            action();
            return 0;
        }
        catch (Exception e)
        {
            return Report(e, Console.Error);
        }
    }

    /// <summary>Writes the one-line message of an exception and returns its exit code.</summary>
    /// <param name="e">The exception.</param>
    /// <param name="error">Where to write.</param>
    /// <returns>The exit code.</returns>
    public static int Report(Exception e, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(error);
        if (e is OperationCanceledException)
        {
            error.WriteLine("stopped (the last checkpoint is intact; rerun with --resume to continue).");
            return 130;
        }

        var (code, text) = e switch
        {
            ArgumentException a => (UsageError, WithoutParameterTail(a)),
            DataFormatException or InvalidDataException or IOException or UnauthorizedAccessException or KeyNotFoundException
                or NotSupportedException or InvalidOperationException or FormatException or TorchException => (Failure, e.Message),
            OutOfMemoryException => (Failure, "out of memory: " + e.Message + " Use a smaller --batch-size or --image-size."),
            _ => (Failure, $"unexpected {e.GetType().Name}: {e.Message} (please report it; --verbose shows where)"),
        };
        error.WriteLine($"error: {OneLine(text)}");
        if (Verbose)
        {
            error.WriteLine(e.ToString());
        }

        return code;
    }

    // .NET appends " (Parameter 'x')" to argument exceptions: a detail of the code, not of what the person typed.
    private static string WithoutParameterTail(ArgumentException e)
    {
        var tail = e.ParamName is { } p ? e.Message.IndexOf($" (Parameter '{p}')", StringComparison.Ordinal) : -1;
        return tail >= 0 ? e.Message[..tail] : e.Message;
    }

    /// <summary>The text on one line: line breaks become "; ".</summary>
    /// <param name="text">Any text.</param>
    /// <returns>One line.</returns>
    public static string OneLine(string text) =>
        string.Join("; ", (text ?? "").Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
