using System.Globalization;
using Srn.Data;

namespace Srn.Experiments.Results;

/// <summary>What <see cref="ShardMerge.Merge"/> did.</summary>
/// <param name="Runs">Distinct runs in the merged <c>results.csv</c>.</param>
/// <param name="Rows">Rows of the merged <c>results.csv</c>.</param>
/// <param name="DuplicateRuns">Runs found, with the same results, in more than one source (kept once).</param>
/// <param name="CopiedFiles">Files copied into <c>runs/</c>.</param>
/// <param name="KeptFiles">Files under <c>runs/</c> not copied because the output already had them (the first source's copy is kept).</param>
/// <param name="Baseline">The baseline the summary compares with, or null.</param>
/// <param name="Notes">Things worth telling the user (a shard without results, a baseline without runs, runs without per-class rows).</param>
/// <param name="Summary">The rewritten summary.</param>
internal sealed record MergeReport(int Runs, int Rows, int DuplicateRuns, int CopiedFiles, int KeptFiles, string? Baseline,
    IReadOnlyList<string> Notes, IReadOnlyList<SummaryRow> Summary);

/// <summary>
/// <c>srn merge</c>: combines the output directories of sweep shards (<c>--shard i/N</c>) into one. Sources are the output
/// directory itself (when it already holds results, so merging can be repeated as shards finish) and then each shard, in the
/// order given. Rows of a run id found in several sources must agree: same epochs and the same cells in every column but
/// <c>seconds</c> (wall-clock time is not a result; the first source's row is kept); otherwise the merge stops with an error
/// naming the run, both files and lines, and the column, and writes nothing. Per-class rows likewise. Then
/// <c>runs/&lt;run_id&gt;/</c> folders are copied (a file the output already has is kept, not overwritten), and
/// <c>results.csv</c>, <c>per_class_ap.csv</c>, <c>summary.csv</c> and the plots are written atomically.
/// </summary>
internal static class ShardMerge
{
    /// <summary>Merges shard directories into <paramref name="outDir"/>.</summary>
    /// <param name="outDir">The merged output directory (created if needed; may hold earlier merged results).</param>
    /// <param name="shardDirs">The shard directories; one without <c>results.csv</c> contributes nothing and is noted.</param>
    /// <param name="baseline">The baseline method; null takes the one named in the sources' <c>summary.csv</c>, if any.</param>
    /// <returns>The report.</returns>
    /// <exception cref="DirectoryNotFoundException">When a shard directory does not exist.</exception>
    /// <exception cref="InvalidDataException">Conflicting rows of one run, or sources naming different baselines.</exception>
    /// <exception cref="DataFormatException">A malformed source file.</exception>
    public static MergeReport Merge(string outDir, IReadOnlyList<string> shardDirs, string? baseline = null)
    {
        ArgumentNullException.ThrowIfNull(outDir);
        ArgumentNullException.ThrowIfNull(shardDirs);
        var outFull = Path.GetFullPath(outDir);
        var notes = new List<string>();
        var sources = new List<string> { outFull };
        foreach (var shard in shardDirs)
        {
            var full = Path.GetFullPath(shard);
            if (!Directory.Exists(full))
            {
                throw new DirectoryNotFoundException($"shard directory not found: {shard}");
            }

            if (!sources.Contains(full, StringComparer.Ordinal))
            {
                sources.Add(full);
            }
        }

        var results = new List<ResultRow>();
        var perClass = new List<PerClassApRow>();
        var runSource = new Dictionary<string, (string Path, Dictionary<int, (ResultRow Row, int Line)> Rows)>(StringComparer.Ordinal);
        var classSource = new Dictionary<(string, int, string), (string Path, PerClassApRow Row, int Line)>();
        var duplicates = new HashSet<string>(StringComparer.Ordinal);
        var baselines = new List<(string Baseline, string Path)>();
        foreach (var source in sources)
        {
            var store = new ResultsStore(source);
            if (!File.Exists(store.ResultsPath))
            {
                if (source != outFull)
                {
                    notes.Add($"{source}: no {ResultsCsv.FileName}, nothing to merge from it");
                }

                continue;
            }

            foreach (var run in ResultsCsv.ReadWithLines(store.ResultsPath).GroupBy(r => r.Row.RunId, StringComparer.Ordinal))
            {
                var rows = run.ToDictionary(r => r.Row.Epoch);
                if (runSource.TryGetValue(run.Key, out var earlier))
                {
                    CheckSame(run.Key, earlier.Path, earlier.Rows, store.ResultsPath, rows);
                    duplicates.Add(run.Key);
                    continue;
                }

                runSource[run.Key] = (store.ResultsPath, rows);
                results.AddRange(run.Select(r => r.Row));
            }

            if (File.Exists(store.PerClassApPath))
            {
                foreach (var (row, line) in PerClassApCsv.ReadWithLines(store.PerClassApPath))
                {
                    var key = (row.RunId, row.Epoch, row.Class);
                    if (classSource.TryGetValue(key, out var earlier))
                    {
                        if (PerClassApCsv.Cells(earlier.Row)[3] != PerClassApCsv.Cells(row)[3])
                        {
                            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                                $"conflicting per-class AP for run '{row.RunId}' epoch {row.Epoch} class '{row.Class}': {earlier.Path} line {earlier.Line} has "
                                + $"'{PerClassApCsv.Cells(earlier.Row)[3]}', {store.PerClassApPath} line {line} has '{PerClassApCsv.Cells(row)[3]}'"));
                        }

                        continue;
                    }

                    classSource[key] = (store.PerClassApPath, row, line);
                    perClass.Add(row);
                }
            }

            var summaryPath = Path.Combine(source, SummaryCsv.FileName);
            if (baseline is null && File.Exists(summaryPath) && SummaryCsv.ReadBaseline(summaryPath) is { } named)
            {
                baselines.Add((named, summaryPath));
            }
        }

        if (baseline is null && baselines.Count > 0)
        {
            var distinct = baselines.Select(b => b.Baseline).Distinct(StringComparer.Ordinal).ToArray();
            if (distinct.Length > 1)
            {
                throw new InvalidDataException("the shards' summaries name different baselines ("
                    + string.Join(", ", baselines.Select(b => $"'{b.Baseline}' in {b.Path}")) + "); choose one with --baseline");
            }

            baseline = distinct[0];
        }

        if (baseline is not null && !results.Any(r => r.Method == baseline))
        {
            notes.Add($"the baseline '{baseline}' has no runs; the comparison columns stay empty");
        }

        if (results.Count > 0 && perClass.Count == 0)
        {
            notes.Add($"the sources have no per-class AP rows: {PerClassApCsv.FileName} is written with its header only");
        }
        else if (results.Count > 0)
        {
            var withClasses = perClass.Select(r => r.RunId).ToHashSet(StringComparer.Ordinal);
            var without = runSource.Keys.Where(r => !withClasses.Contains(r)).Order(StringComparer.Ordinal).ToArray();
            if (without.Length > 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{without.Length} run(s) have no per-class AP rows in {PerClassApCsv.FileName}: {string.Join(", ", without.Take(5).Select(r => $"'{r}'"))}{(without.Length > 5 ? ", ..." : string.Empty)}"));
            }
        }

        // Check the summary can be computed before anything is written.
        _ = Summary.Compute(results, baseline);
        var (copied, kept) = CopyRuns(sources, outFull);
        new ResultsStore(outFull).WriteAll(results, perClass);
        var summary = ResultsReport.Write(outFull, baseline);
        return new MergeReport(runSource.Count, results.Count, duplicates.Count, copied, kept, baseline, notes, summary);
    }

    /// <summary>Two sources' rows of one run must have the same epochs and the same cells in every column but seconds.</summary>
    private static void CheckSame(string runId, string pathA, Dictionary<int, (ResultRow Row, int Line)> a, string pathB, Dictionary<int, (ResultRow Row, int Line)> b)
    {
        var epochsA = a.Keys.Order().ToArray();
        var epochsB = b.Keys.Order().ToArray();
        if (!epochsA.SequenceEqual(epochsB))
        {
            throw new InvalidDataException($"conflicting rows for run '{runId}': {pathA} has epochs {string.Join(' ', epochsA)}, {pathB} has epochs {string.Join(' ', epochsB)}");
        }

        var seconds = ResultsCsv.Columns.ToList().IndexOf("seconds");
        foreach (var epoch in epochsA)
        {
            var (rowA, lineA) = a[epoch];
            var (rowB, lineB) = b[epoch];
            var cellsA = ResultsCsv.Cells(rowA);
            var cellsB = ResultsCsv.Cells(rowB);
            for (var i = 0; i < cellsA.Length; i++)
            {
                if (i != seconds && cellsA[i] != cellsB[i])
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"conflicting rows for run '{runId}' epoch {epoch}: column '{ResultsCsv.Columns[i]}' is '{cellsA[i]}' in {pathA} line {lineA} "
                        + $"but '{cellsB[i]}' in {pathB} line {lineB}; a run id must name one run (remove one of them, or merge into separate directories)"));
                }
            }
        }
    }

    /// <summary>Copies every source's <c>runs/*</c> into the output's <c>runs/</c>, never overwriting a file already there.</summary>
    private static (int Copied, int Kept) CopyRuns(IReadOnlyList<string> sources, string outDir)
    {
        var (copied, kept) = (0, 0);
        var target = Path.Combine(outDir, "runs");
        foreach (var source in sources.Where(s => s != outDir))
        {
            var runs = Path.Combine(source, "runs");
            if (!Directory.Exists(runs))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(runs, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var destination = Path.Combine(target, Path.GetRelativePath(runs, file));
                if (File.Exists(destination))
                {
                    kept++;
                    continue;
                }

                // Copy beside, then rename: an interrupted merge leaves no half-copied checkpoint under its real name.
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                var temp = Path.Combine(Path.GetDirectoryName(destination)!, $".{Path.GetFileName(destination)}.{Environment.ProcessId}.tmp");
                File.Copy(file, temp, overwrite: true);
                File.Move(temp, destination);
                copied++;
            }
        }

        return (copied, kept);
    }
}
