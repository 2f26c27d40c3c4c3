using Srn.Metrics;

namespace Srn.Experiments.Results;

/// <summary>
/// One row of <c>results.csv</c>: one evaluation (run x epoch). Metrics are percentages as <see cref="MultiLabelMetrics"/>
/// reports them; <see cref="Map"/> is the voc12 variant. NaN means "not defined" and is written as an empty cell.
/// </summary>
internal sealed record ResultRow
{
    /// <summary>Identifies the run (one method, proportion and seed); also the folder <c>runs/&lt;run_id&gt;/</c>.</summary>
    public required string RunId { get; init; }

    /// <summary>Dataset name.</summary>
    public required string Dataset { get; init; }

    /// <summary>Method name (e.g. <c>partial-bce</c>, <c>dsrb</c>).</summary>
    public required string Method { get; init; }

    /// <summary>Backbone registry name.</summary>
    public required string Backbone { get; init; }

    /// <summary>Square input side in pixels.</summary>
    public required int ImageSize { get; init; }

    /// <summary>Known-label proportion in (0, 1]; 1 means full labels.</summary>
    public required double Proportion { get; init; }

    /// <summary>Experiment seed.</summary>
    public required int Seed { get; init; }

    /// <summary>Epoch after which the evaluation ran (1-based; 0 may mean "before training").</summary>
    public required int Epoch { get; init; }

    /// <summary>mAP, voc12 variant (percent).</summary>
    public double Map { get; init; } = double.NaN;

    /// <summary>mAP, non-interpolated (scikit-learn's) variant (percent).</summary>
    public double MapNonInterp { get; init; } = double.NaN;

    /// <summary>Per-class precision, thresholded predictions (percent).</summary>
    public double CP { get; init; } = double.NaN;

    /// <summary>Per-class recall, thresholded predictions (percent).</summary>
    public double CR { get; init; } = double.NaN;

    /// <summary>Per-class F1 (percent).</summary>
    public double CF1 { get; init; } = double.NaN;

    /// <summary>Overall precision (percent).</summary>
    public double OP { get; init; } = double.NaN;

    /// <summary>Overall recall (percent).</summary>
    public double OR { get; init; } = double.NaN;

    /// <summary>Overall F1 (percent).</summary>
    public double OF1 { get; init; } = double.NaN;

    /// <summary>CP of the top-3 predictions (column <c>cp3</c>).</summary>
    public double Top3CP { get; init; } = double.NaN;

    /// <summary>CR of the top-3 predictions (column <c>cr3</c>).</summary>
    public double Top3CR { get; init; } = double.NaN;

    /// <summary>CF1 of the top-3 predictions (column <c>cf1_3</c>).</summary>
    public double Top3CF1 { get; init; } = double.NaN;

    /// <summary>OP of the top-3 predictions (column <c>op3</c>).</summary>
    public double Top3OP { get; init; } = double.NaN;

    /// <summary>OR of the top-3 predictions (column <c>or3</c>).</summary>
    public double Top3OR { get; init; } = double.NaN;

    /// <summary>OF1 of the top-3 predictions (column <c>of1_3</c>).</summary>
    public double Top3OF1 { get; init; } = double.NaN;

    /// <summary>Mean training loss of the epoch.</summary>
    public double TrainLoss { get; init; } = double.NaN;

    /// <summary>Wall-clock seconds of the run up to this evaluation.</summary>
    public double Seconds { get; init; } = double.NaN;

    /// <summary>Device it ran on (<c>cpu</c>, <c>cuda:0</c>).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>The run's other result-affecting settings (columns <see cref="ResultsCsv.SettingColumns"/>); unknown in files written before they were recorded.</summary>
    public RunSettingCells Settings { get; init; } = RunSettingCells.Unknown;

    /// <summary>This row with every metric column taken from <paramref name="metrics"/> (which must use k = 3 for the top-k columns).</summary>
    /// <param name="metrics">The evaluation's metrics.</param>
    /// <returns>The row.</returns>
    /// <exception cref="ArgumentException">When the metrics' top-k is not 3.</exception>
    public ResultRow WithMetrics(MultiLabelMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (metrics.K != 3)
        {
            throw new ArgumentException($"results.csv holds top-3 metrics, but these metrics use k = {metrics.K}", nameof(metrics));
        }

        var t = metrics.Thresholded;
        var k = metrics.TopK;
        return this with
        {
            Map = metrics.Map, MapNonInterp = metrics.MapNonInterpolated,
            CP = t.CP, CR = t.CR, CF1 = t.CF1, OP = t.OP, OR = t.OR, OF1 = t.OF1,
            Top3CP = k.CP, Top3CR = k.CR, Top3CF1 = k.CF1, Top3OP = k.OP, Top3OR = k.OR, Top3OF1 = k.OF1,
        };
    }
}
