using System.Globalization;

namespace Srn.Experiments.Runs;

/// <summary>
/// An exclusive lock on a run or sweep directory, held while a process trains into it: a second process is refused with
/// the holder's pid instead of mixing its checkpoint, logs and results with the first one's.
/// </summary>
/// <remarks>
/// The lock is <c>DIR/.srn.lock</c> opened with <see cref="FileShare.None"/>, which .NET implements on Linux with an
/// advisory <c>flock</c>: the kernel releases it when the process dies, so a killed run leaves no stale lock. The holder's
/// pid is in <c>DIR/.srn.lock.pid</c> (a locked file cannot be read by others).
/// </remarks>
internal sealed class RunLock : IDisposable
{
    private const string LockFile = ".srn.lock";
    private readonly FileStream stream;
    private readonly string pidPath;

    private RunLock(FileStream stream, string pidPath)
    {
        this.stream = stream;
        this.pidPath = pidPath;
    }

    /// <summary>Locks a directory (creating it).</summary>
    /// <param name="directory">The run or sweep directory.</param>
    /// <param name="what">What holds it, e.g. <c>srn train</c>, for the other process's message.</param>
    /// <returns>The lock; dispose it to release.</returns>
    /// <exception cref="IOException">When another process holds it (the message names its pid).</exception>
    public static RunLock Acquire(string directory, string what)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, LockFile);
        var pidPath = path + ".pid";
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            var holder = File.Exists(pidPath) ? File.ReadAllText(pidPath).Trim() : "another process";
            throw new IOException($"{Path.GetFullPath(directory)} is in use by {holder}; wait for it to finish, stop it, or choose another --out.", e);
        }

        File.WriteAllText(pidPath, string.Create(CultureInfo.InvariantCulture, $"{what} (pid {Environment.ProcessId}, since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC)"));
        return new RunLock(stream, pidPath);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            File.Delete(pidPath);
        }
        catch (IOException)
        {
            // The pid file is informative only; the lock itself is released below.
        }

        stream.Dispose();
    }
}
