using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Srn.Experiments.Runs;
using Srn.PartialLabels.Runs;
using Srn.PartialLabels.Methods;
using Srn.Training;
using Srn.Training.Methods;

namespace Srn.Experiments.Sweep;

/// <summary>
/// <c>--share-teachers</c>: KD-WSD runs of a sweep that share their training labels (same dataset, proportion, mask,
/// data limits) and teacher settings share one WSDDN teacher. The first such run trains it on its own — seed 0 for the
/// initialisation and the batch order, whatever the run's seed, so the teacher does not depend on which run (or shard)
/// trains it — and stores it under <c>OUT/teachers/&lt;key&gt;.safetensors</c>; every sharing run then loads it
/// (option <c>teacher</c>) and trains only the two distillation stages. Seeds then vary the student only.
/// </summary>
internal static class TeacherSharing
{
    /// <summary>The teacher seed (initialisation and batch order).</summary>
    public const int TeacherSeed = 0;

    // Options that shape only the student or the distillation: they do not change the teacher.
    private static readonly HashSet<string> StudentOnly = ["stage_epochs", "teacher", "kd_loss", "kd_temperature", "teacher_temperature", "scale_init", "distill"];

    /// <summary>The setup a run trains: unchanged for anything but a distilling KD-WSD run without its own teacher, otherwise with the shared teacher (trained first when missing).</summary>
    public static MethodSetup Apply(MethodSetup setup, TrainingData data, RunConfiguration spec, string datasetName, string sweepDir, IProgress<TrainingProgress> progress, Action<string> log, CancellationToken token)
    {
        if (setup.Method != "kd-wsd" || setup.Options.ContainsKey("teacher") || !setup.Flag("distill", true))
        {
            return setup;
        }

        var epochs = KdWsdMethod.StageEpochs(setup, distill: true);
        var path = Path.GetFullPath(Path.Combine(sweepDir, "teachers", Key(setup, data, spec, datasetName, epochs[0]) + ".safetensors"));
        if (File.Exists(path))
        {
            log($"teacher: shared {path}");
        }
        else
        {
            var teacherSetup = setup with
            {
                Seed = TeacherSeed, Epochs = epochs[0],
                Options = new Dictionary<string, string>(setup.Options) { ["stage_epochs"] = string.Create(CultureInfo.InvariantCulture, $"{epochs[0]},0,0") },
            };
            using var method = (KdWsdMethod)MethodCatalog.Create(teacherSetup);
            method.Model.To(DeviceOption.Parse(spec.Device));
            var options = RunExecutor.Options(spec with { Seed = TeacherSeed }, checkpoint: null, resume: false, record: null, progress, epochFinished: null) with { EvaluateEveryEpoch = false };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Trainer.Fit(method, data, options, token);
            method.SaveTeacher(path);
            log(string.Create(CultureInfo.InvariantCulture, $"teacher: trained {epochs[0]} epochs (seed {TeacherSeed}) in {clock.Elapsed.TotalSeconds:F0} s into {path}"));
        }

        return setup with
        {
            Epochs = epochs[1] + epochs[2],
            Options = new Dictionary<string, string>(setup.Options)
            {
                ["teacher"] = path, ["stage_epochs"] = string.Create(CultureInfo.InvariantCulture, $"0,{epochs[1]},{epochs[2]}"),
            },
        };
    }

    // Everything the teacher's training depends on, hashed.
    private static string Key(MethodSetup setup, TrainingData data, RunConfiguration spec, string datasetName, int teacherEpochs)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{datasetName}|{setup.Backbone}|{setup.ImageSize}|{string.Join(",", setup.ClassNames)}|{data.Train.Count}|{data.Test.Count}|");
        text.Append(CultureInfo.InvariantCulture, $"{teacherEpochs}|{spec.BatchSize}|{spec.ResolvedAugment}|{setup.BackboneWeights}|");
        if (setup.ProposalsFile is { } proposals)
        {
            text.Append(CultureInfo.InvariantCulture, $"proposals={proposals}|");
        }

        foreach (var (k, v) in setup.Options.Where(o => !StudentOnly.Contains(o.Key)).OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{k}={v};");
        }

        var labels = setup.TrainLabels ?? throw new InvalidOperationException("A sweep run's setup carries its training labels.");
        var bytes = new byte[labels.Length];
        Buffer.BlockCopy(labels, 0, bytes, 0, bytes.Length);
        var hash = SHA256.HashData([.. Encoding.UTF8.GetBytes(text.ToString()), .. bytes]);
        return Convert.ToHexStringLower(hash)[..16];
    }
}
