namespace Srn.Experiments.Sweep;

/// <summary>A <c>--parallel</c> child process ended while it trained a run.</summary>
/// <param name="exitCode">The child's exit code (130: stopped by Ctrl-C).</param>
/// <param name="errorLine">Its error line, when it wrote one.</param>
internal sealed class WorkerExitedException(int exitCode, string? errorLine)
    : Exception(errorLine ?? $"the process ended with exit code {exitCode} without a message")
{
    /// <summary>The child's exit code.</summary>
    public int ExitCode { get; } = exitCode;
}
