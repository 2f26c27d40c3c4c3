using Srn.Data;

namespace Srn.Experiments;

/// <summary>Runs a command body and turns expected failures (bad options, bad files, cancellation) into a message and an exit code.</summary>
internal static class CommandGuard
{
    public static int Run(Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("stopped (the last checkpoint is intact; rerun with --resume to continue).");
            return 130;
        }
        catch (Exception e) when (e is DataFormatException or InvalidDataException or IOException or ArgumentException or InvalidOperationException or KeyNotFoundException or NotSupportedException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
