using System.Diagnostics;
using System.Globalization;

namespace Srn.Experiments.Sweep;

/// <summary>
/// A child <c>srn</c> process that trains sweep runs for <c>--parallel</c>, one after the other: the parent's own command
/// line plus <c>--run-worker</c>. The parent writes a run id per line to its stdin; the child trains that run into its
/// directory (checkpoint, log, epochs.csv and the run's result rows), reports progress as
/// <c>@progress EPOCH TOTAL_EPOCHS BATCH BATCHES</c> lines and the end as <c>@done RUN_ID</c> on stdout, and exits when stdin
/// closes. A failure ends the child with one <c>error:</c> line on stderr, which <see cref="ErrorLine"/> keeps. One
/// process serves many runs, so start-up (runtime, JIT, libtorch, the dataset's manifests) is paid once per slot.
/// </summary>
internal sealed class RunWorkerProcess : IDisposable
{
    /// <summary>The prefix of a progress line.</summary>
    public const string ProgressPrefix = "@progress ";

    /// <summary>The prefix of the line that ends a run.</summary>
    public const string DonePrefix = "@done ";

    private readonly Process process;
    private readonly Lock gate = new();
    private readonly Task<int> exited;
    private TaskCompletionSource<string>? current;
    private Action<int, int, int, int>? onProgress;
    private string? errorLine;
    private string? lastLine;

    private RunWorkerProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => Stdout(e.Data);
        process.ErrorDataReceived += (_, e) => Stderr(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // WaitForExitAsync also waits for both streams' end, so the error line is complete when the code is known.
        exited = process.WaitForExitAsync().ContinueWith(_ => Exit(), TaskScheduler.Default);
    }

    /// <summary>The child's <c>error:</c> line (without the prefix), else its last stderr line, else null.</summary>
    public string? ErrorLine
    {
        get
        {
            lock (gate)
            {
                return errorLine ?? lastLine;
            }
        }
    }

    /// <summary>Starts a child.</summary>
    /// <param name="sweepArguments">The sweep's command line (from <c>sweep</c> on), which the child re-parses.</param>
    /// <param name="threads">libtorch and BLAS threads of the child (its OPENBLAS_NUM_THREADS and OMP_NUM_THREADS).</param>
    /// <returns>The idle child.</returns>
    /// <exception cref="System.ComponentModel.Win32Exception">When the process cannot start.</exception>
    public static RunWorkerProcess Start(IReadOnlyList<string> sweepArguments, int threads)
    {
        ArgumentNullException.ThrowIfNull(sweepArguments);
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };

        // dotnet srn.dll: the same build as this process, wherever it was started from (the srn script, a test).
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var a in sweepArguments)
        {
            start.ArgumentList.Add(a);
        }

        start.ArgumentList.Add("--run-worker");
        var count = threads.ToString(CultureInfo.InvariantCulture);
        start.Environment["OPENBLAS_NUM_THREADS"] = count;
        start.Environment["OMP_NUM_THREADS"] = count;
        start.Environment["NO_COLOR"] = "1";
        return new RunWorkerProcess(new Process { StartInfo = start });
    }

    /// <summary>Hands the idle child a run.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="progress">Called with (epoch, total epochs, batch, batches) from a reader thread.</param>
    /// <returns>Completes with the run id when the child has written the run's rows; faults when the child ends first.</returns>
    /// <exception cref="InvalidOperationException">When the child is busy or has ended.</exception>
    public Task<string> Train(string runId, Action<int, int, int, int> progress)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(progress);
        TaskCompletionSource<string> done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            if (current is not null || exited.IsCompleted)
            {
                throw new InvalidOperationException($"the worker process for run {runId} is busy or has ended");
            }

            current = done;
            onProgress = progress;
        }

        process.StandardInput.WriteLine(runId);
        process.StandardInput.Flush();
        return done.Task;
    }

    /// <summary>Tells the idle child to exit (closes its stdin) and waits for it.</summary>
    /// <returns>Its exit code.</returns>
    public int Finish()
    {
        process.StandardInput.Close();
        return exited.GetAwaiter().GetResult();
    }

    /// <summary>Parses a progress line.</summary>
    /// <param name="line">A line of the child's stdout.</param>
    /// <returns>The numbers, or null for any other line.</returns>
    public static (int Epoch, int TotalEpochs, int Batch, int Batches)? ParseProgress(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (!line.StartsWith(ProgressPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = line[ProgressPrefix.Length..].Split(' ');
        var values = new int[4];
        return parts.Length == 4 && parts.Select((p, i) => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out values[i])).All(ok => ok)
            ? (values[0], values[1], values[2], values[3])
            : null;
    }

    /// <summary>The line a child writes for its progress.</summary>
    /// <param name="epoch">Epoch (1-based).</param>
    /// <param name="totalEpochs">Epochs in all.</param>
    /// <param name="batch">Batch in the epoch.</param>
    /// <param name="batches">Batches per epoch.</param>
    /// <returns>The line.</returns>
    public static string FormatProgress(int epoch, int totalEpochs, int batch, int batches) =>
        string.Create(CultureInfo.InvariantCulture, $"{ProgressPrefix}{epoch} {totalEpochs} {batch} {batches}");

    /// <summary>Stops the child and everything it started (its checkpoint of the last finished epoch stays).</summary>
    public void Kill()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It ended in between.
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Kill();
        process.Dispose();
    }

    // The dotnet host that runs this process, else the one on PATH.
    private static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    private void Stdout(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (ParseProgress(line) is { } p)
        {
            Action<int, int, int, int>? report;
            lock (gate)
            {
                report = onProgress;
            }

            report?.Invoke(p.Epoch, p.TotalEpochs, p.Batch, p.Batches);
        }
        else if (line.StartsWith(DonePrefix, StringComparison.Ordinal))
        {
            TaskCompletionSource<string>? done;
            lock (gate)
            {
                done = current;
                current = null;
                onProgress = null;
            }

            done?.TrySetResult(line[DonePrefix.Length..]);
        }
    }

    private void Stderr(string? line)
    {
        if (line is null || line.Trim().Length == 0)
        {
            return;
        }

        lock (gate)
        {
            lastLine = line.Trim();
            if (errorLine is null && line.StartsWith("error: ", StringComparison.Ordinal))
            {
                errorLine = line["error: ".Length..].Trim();
            }
        }
    }

    // The child ended: a run it was training failed (or was stopped) with it.
    private int Exit()
    {
        var code = process.ExitCode;
        TaskCompletionSource<string>? done;
        lock (gate)
        {
            done = current;
            current = null;
        }

        done?.TrySetException(new WorkerExitedException(code, ErrorLine));
        return code;
    }
}
