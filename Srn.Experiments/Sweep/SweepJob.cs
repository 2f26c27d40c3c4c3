namespace Srn.Experiments.Sweep;

/// <summary>One run of a sweep, in the sweep's job order (method, then proportion, then seed).</summary>
/// <param name="Index">Position in the full job list (shards take every N-th).</param>
/// <param name="Method">Method name.</param>
/// <param name="Proportion">Known-label proportion.</param>
/// <param name="Seed">Seed.</param>
internal sealed record SweepJob(int Index, string Method, double Proportion, int Seed)
{
    public static IReadOnlyList<SweepJob> All(SweepConfig config)
    {
        var jobs = new List<SweepJob>();
        foreach (var m in config.Methods)
        {
            foreach (var p in config.Proportions)
            {
                foreach (var s in config.Seeds)
                {
                    jobs.Add(new SweepJob(jobs.Count, m, p, s));
                }
            }
        }

        return jobs;
    }

    /// <summary>Parses <c>i/N</c> (0 &lt;= i &lt; N).</summary>
    public static (int Index, int Count) ParseShard(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out var i) && int.TryParse(parts[1], out var n) && n >= 1 && i >= 0 && i < n)
        {
            return (i, n);
        }

        throw new ArgumentException($"--shard '{text}': expected i/N with 0 <= i < N, e.g. 0/4.");
    }
}
