using Srn.Data;
using Srn.Torch.IO;

namespace Srn.Experiments.Results;

/// <summary>
/// The result files of an output directory: <c>results.csv</c> and <c>per_class_ap.csv</c>. Adding a finished run reads
/// the existing file, drops any earlier rows of that run, appends the new rows and writes the file atomically (temporary
/// file, then rename): a reader, or a sweep killed at any moment, sees the old file or the new one, never a torn one, and a
/// run added twice has its rows once.
/// </summary>
/// <remarks>
/// <c>per_class_ap.csv</c> is written before <c>results.csv</c>, so a run is "finished" (see <see cref="FinishedRuns"/>) only
/// once both hold it; a sweep killed between the two writes redoes the run, and re-adding it replaces its per-class rows.
/// Not safe for two processes writing one directory at once: shards of a sweep write separate directories.
/// </remarks>
/// <param name="directory">The output directory (created on the first write).</param>
internal sealed class ResultsStore(string directory)
{
    /// <summary>The output directory.</summary>
    public string Directory { get; } = directory ?? throw new ArgumentNullException(nameof(directory));

    /// <summary>Full path of <c>results.csv</c>.</summary>
    public string ResultsPath => Path.Combine(Directory, ResultsCsv.FileName);

    /// <summary>Full path of <c>per_class_ap.csv</c>.</summary>
    public string PerClassApPath => Path.Combine(Directory, PerClassApCsv.FileName);

    /// <summary>Every row of <c>results.csv</c>, or none when the file does not exist yet.</summary>
    /// <returns>The rows in file order.</returns>
    /// <exception cref="DataFormatException">When the file is malformed (file, line, column).</exception>
    public IReadOnlyList<ResultRow> ReadResults() => File.Exists(ResultsPath) ? ResultsCsv.Read(ResultsPath) : [];

    /// <summary>Every row of <c>per_class_ap.csv</c>, or none when the file does not exist yet.</summary>
    /// <returns>The rows in file order.</returns>
    /// <exception cref="DataFormatException">When the file is malformed (file, line, column).</exception>
    public IReadOnlyList<PerClassApRow> ReadPerClassAp() => File.Exists(PerClassApPath) ? PerClassApCsv.Read(PerClassApPath) : [];

    /// <summary>The run ids that have rows in <c>results.csv</c>: the runs a resumed sweep skips.</summary>
    /// <returns>The ids.</returns>
    public IReadOnlySet<string> FinishedRuns() => ReadResults().Select(r => r.RunId).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Records a finished run: its evaluation rows (one per epoch evaluated) and its per-class APs. Earlier rows of the same
    /// run id, in either file, are replaced; rows of other runs keep their order and the new rows go at the end.
    /// </summary>
    /// <param name="rows">The run's rows; all with one run id, each epoch once.</param>
    /// <param name="perClassAp">The run's per-class rows (may be empty); the same run id.</param>
    /// <exception cref="ArgumentException">
    /// No rows, rows of several runs, a per-class row of another run, a repeated epoch or class, or a row that could not be
    /// read back (an empty text cell, a proportion outside [0, 1], an infinite number).
    /// </exception>
    /// <exception cref="DataFormatException">When an existing file is malformed; nothing is written then.</exception>
    public void AddRun(IReadOnlyList<ResultRow> rows, IReadOnlyList<PerClassApRow> perClassAp)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(perClassAp);
        if (rows.Count == 0)
        {
            throw new ArgumentException("a finished run has at least one result row", nameof(rows));
        }

        var runId = rows[0].RunId;
        if (string.IsNullOrEmpty(runId))
        {
            throw new ArgumentException("the run id is empty", nameof(rows));
        }

        if (rows.FirstOrDefault(r => r.RunId != runId) is { } other)
        {
            throw new ArgumentException($"rows of two runs given at once: '{runId}' and '{other.RunId}'; add one run at a time", nameof(rows));
        }

        if (perClassAp.FirstOrDefault(r => r.RunId != runId) is { } stray)
        {
            throw new ArgumentException($"a per-class row of run '{stray.RunId}' given with the rows of run '{runId}'", nameof(perClassAp));
        }

        foreach (var row in rows)
        {
            ResultsCsv.Check(row);
        }

        foreach (var row in perClassAp)
        {
            PerClassApCsv.Check(row);
        }

        var source = $"the rows of run '{runId}'";
        try
        {
            ResultsCsv.Validate(rows.Select(r => (r, 0)).ToArray(), source);
            PerClassApCsv.Validate(perClassAp.Select(r => (r, 0)).ToArray(), source);
        }
        catch (DataFormatException e)
        {
            throw new ArgumentException(e.Detail, nameof(rows), e);
        }

        // Read both before writing either, so a malformed file stops the write before anything changes.
        var results = ReadResults().Where(r => r.RunId != runId).Concat(rows).ToArray();
        var perClass = ReadPerClassAp().Where(r => r.RunId != runId).Concat(perClassAp).ToArray();
        AtomicFile.WriteAllText(PerClassApPath, PerClassApCsv.Format(perClass));
        AtomicFile.WriteAllText(ResultsPath, ResultsCsv.Format(results));
    }

    /// <summary>Replaces both files with exactly these rows (used by <see cref="ShardMerge"/>), each atomically.</summary>
    /// <param name="rows">All result rows.</param>
    /// <param name="perClassAp">All per-class rows.</param>
    public void WriteAll(IEnumerable<ResultRow> rows, IEnumerable<PerClassApRow> perClassAp)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(perClassAp);
        AtomicFile.WriteAllText(PerClassApPath, PerClassApCsv.Format(perClassAp));
        AtomicFile.WriteAllText(ResultsPath, ResultsCsv.Format(rows));
    }
}
