using System.Globalization;

namespace Srn.Experiments.Sweep;

/// <summary>
/// How many of a sweep's runs train at once (<c>--parallel</c>), each in its own process. Runs are independent and each is
/// deterministic on the CPU for a given thread count, so running them side by side changes when they finish, never what
/// they compute (each process has its own random generators; a test compares a parallel sweep's files with a serial one's).
/// </summary>
internal static class ParallelRuns
{
    /// <summary>The option's help text.</summary>
    public const string Help =
        "Runs trained at once, each in its own process: a number, or auto (the default): on the CPU, the cores divided by --threads (1 when not given), " +
        "at most the number of runs; 1 on a GPU and with --share-teachers. The results are the same as one at a time.";

    /// <summary>Resolves the option.</summary>
    /// <param name="text">The option's value: null or "auto", or a positive integer.</param>
    /// <param name="config">The sweep.</param>
    /// <param name="pending">Runs left to train.</param>
    /// <param name="cores">Cores of this machine (<see cref="Environment.ProcessorCount"/>).</param>
    /// <returns>The number of runs at once, at least 1 and at most <paramref name="pending"/> (1 when none is pending).</returns>
    /// <exception cref="ArgumentException">For a value that is neither auto nor a positive integer, or more than one with --share-teachers.</exception>
    public static int Resolve(string? text, SweepConfig config, int pending, int cores)
    {
        ArgumentNullException.ThrowIfNull(config);
        int wanted;
        if (text is null || text.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            var onCpu = config.Run.Device.Equals("cpu", StringComparison.OrdinalIgnoreCase);
            wanted = onCpu && !config.ShareTeachers ? Math.Max(1, cores / (config.Run.Threads ?? 1)) : 1;
        }
        else if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1)
        {
            if (n > 1 && config.ShareTeachers)
            {
                throw new ArgumentException($"--parallel {n}: --share-teachers trains each shared teacher once, in one process; use --parallel 1.");
            }

            wanted = n;
        }
        else
        {
            throw new ArgumentException($"--parallel '{text}': use auto or a positive whole number.");
        }

        return Math.Clamp(wanted, 1, Math.Max(1, pending));
    }
}
