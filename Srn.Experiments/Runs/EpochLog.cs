using System.Globalization;
using System.Text;
using Srn.Torch.IO;
using Srn.Training;

namespace Srn.Experiments.Runs;

/// <summary>Formats finished epochs: one console line each, and <c>epochs.csv</c> (percent metrics) for a run directory.</summary>
internal static class EpochLog
{
    public const string CsvHeader = "epoch,stage,head,train_loss,map,map_noninterp,cp,cr,cf1,op,or,of1,cp3,cr3,cf1_3,op3,or3,of1_3,seconds,images_per_second";

    public static string Line(EpochResult r, int totalEpochs) => string.Create(
        CultureInfo.InvariantCulture,
        $"epoch {r.Epoch,3}/{totalEpochs} [{r.Stage}] loss {r.TrainLoss:F4}  {r.Head} mAP {Fmt(r.Metrics?.Map)}  CF1 {Fmt(r.Metrics?.CF1)}  OF1 {Fmt(r.Metrics?.OF1)}  {r.Seconds:F1} s  {r.ImagesPerSecond:F0} img/s");

    public static void WriteCsv(string path, IEnumerable<EpochResult> epochs)
    {
        var sb = new StringBuilder(CsvHeader).Append('\n');
        foreach (var r in epochs)
        {
            var m = r.Metrics;
            sb.Append(string.Create(CultureInfo.InvariantCulture, $"{r.Epoch},{r.Stage},{r.Head},{r.TrainLoss:F6},"));
            sb.Append(m is null
                ? ",,,,,,,,,,,,,,"
                : string.Join(',', new[] { m.Map, m.MapNonInterpolated, m.CP, m.CR, m.CF1, m.OP, m.OR, m.OF1, m.CP3, m.CR3, m.CF1_3, m.OP3, m.OR3, m.OF1_3 }
                    .Select(v => v.ToString("F4", CultureInfo.InvariantCulture))) + ",");
            sb.Append(string.Create(CultureInfo.InvariantCulture, $"{r.Seconds:F2},{r.ImagesPerSecond:F1}\n"));
        }

        AtomicFile.WriteAllText(path, sb.ToString());
    }

    private static string Fmt(double? v) => v is { } x ? x.ToString("F2", CultureInfo.InvariantCulture) : "-";
}
