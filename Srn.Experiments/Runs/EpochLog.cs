using System.Globalization;
using Srn.Experiments.Results;
using Srn.Training;

namespace Srn.Experiments.Runs;

/// <summary>
/// Formats finished epochs: one console line each, and <c>epochs.csv</c> (percent metrics) for a run directory, written
/// atomically in the dialect of the result files (<see cref="CsvCells"/>). Overall recall's column is <c>or_</c>
/// (<c>or</c> is a Python keyword); <c>teacher_map</c>, last, is the teacher's mAP for KD-WSD and empty otherwise.
/// </summary>
internal static class EpochLog
{
    /// <summary>The columns of <c>epochs.csv</c>.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "epoch", "stage", "head", "train_loss", "map", "map_noninterp", "cp", "cr", "cf1", "op", "or_", "of1",
        "cp3", "cr3", "cf1_3", "op3", "or3", "of1_3", "seconds", "images_per_second", "train_seconds", "loader_wait_seconds",
        "teacher_map",
    ];

    /// <summary>The header line.</summary>
    public static string CsvHeader => string.Join(',', Columns);

    public static string Line(EpochResult r, int totalEpochs) => string.Create(
        CultureInfo.InvariantCulture,
        $"epoch {r.Epoch,3}/{totalEpochs} [{r.Stage}] loss {r.TrainLoss:F4}  {r.Head} mAP {Fmt(r.Metrics?.Map)}  CF1 {Fmt(r.Metrics?.CF1)}  OF1 {Fmt(r.Metrics?.OF1)}  {r.Seconds:F1} s  {r.ImagesPerSecond:F0} img/s  (loader wait {r.LoaderWaitSeconds:F1} of {r.TrainSeconds:F1} s){(r.TeacherMap is { } t ? $"  teacher mAP {t:F2}" : string.Empty)}");

    public static void WriteCsv(string path, IEnumerable<EpochResult> epochs)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        CsvCells.Write(path, Columns, epochs.Select(Cells));
    }

    /// <summary>The cells of one epoch: the loss with 6 decimals, metrics with 4 (empty when the epoch was not evaluated or the metric is not defined), seconds with 2, images/s with 1; the training pass's seconds and how many of them the model waited for the loader; the teacher's mAP with 4 decimals (empty without one).</summary>
    internal static string[] Cells(EpochResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var m = r.Metrics;
        var metrics = m is null
            ? Enumerable.Repeat(string.Empty, 14)
            : new[] { m.Map, m.MapNonInterpolated, m.CP, m.CR, m.CF1, m.OP, m.OR, m.OF1, m.CP3, m.CR3, m.CF1_3, m.OP3, m.OR3, m.OF1_3 }
                .Select(v => double.IsNaN(v) ? string.Empty : v.ToString("F4", CultureInfo.InvariantCulture));
        return
        [
            r.Epoch.ToString(CultureInfo.InvariantCulture), r.Stage, r.Head, r.TrainLoss.ToString("F6", CultureInfo.InvariantCulture),
            .. metrics,
            r.Seconds.ToString("F2", CultureInfo.InvariantCulture), r.ImagesPerSecond.ToString("F1", CultureInfo.InvariantCulture),
            r.TrainSeconds.ToString("F2", CultureInfo.InvariantCulture), r.LoaderWaitSeconds.ToString("F2", CultureInfo.InvariantCulture),
            r.TeacherMap is { } t && !double.IsNaN(t) ? t.ToString("F4", CultureInfo.InvariantCulture) : string.Empty,
        ];
    }

    private static string Fmt(double? v) => v is { } x ? x.ToString("F2", CultureInfo.InvariantCulture) : "-";
}
