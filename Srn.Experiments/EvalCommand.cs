using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Srn.Data;
using Srn.Experiments.Results;
using Srn.Experiments.Runs;
using Srn.Metrics;
using Srn.Models;
using Srn.PartialLabels.Runs;
using Srn.Training;
using Srn.Training.Methods;

namespace Srn.Experiments;

/// <summary>
/// <c>srn eval --checkpoint C</c>: rebuilds the model of a <c>srn train</c> or sweep checkpoint and evaluates it on a test
/// split with the run's evaluation transform. Without data options it uses the run's own test data (from its record), and
/// then checks that the numbers equal the training log's last epoch. Writes <c>metrics.csv</c>, <c>per_class_ap.csv</c> and
/// <c>scores.csv</c> to <c>--out</c> when given; for KD-WSD it also reports the teacher's metrics; for SRN on data with
/// boxes, attention pointing accuracy.
/// </summary>
/// <remarks>
/// The test set's class columns must be the checkpoint's, in the same order; <c>--match-classes-by-name</c> maps columns
/// in another order by name. A recomputed mAP that differs from the log's on the run's own test data by more than
/// <see cref="LogTolerance"/> points is an error (exit 1), after the numbers are printed and written.
/// </remarks>
internal static class EvalCommand
{
    /// <summary>How far (mAP points) a recomputed mAP may differ from the training log's on the same data (CPU kernels differ in the last bits).</summary>
    public const double LogTolerance = 0.05;

    public static Command Create()
    {
        var checkpointOption = CheckpointOptions.Checkpoint();
        var dataset = new Option<string?>("--dataset") { Description = "fashion-scenes or manifests (default: the run's)." };
        var data = new Option<string?>("--data") { Description = "FashionScenes directory (default: the run's)." };
        var testManifest = new Option<string?>("--test-manifest") { Description = "Test manifest (with --dataset manifests)." };
        var imageRoot = new Option<string?>("--image-root") { Description = "Image root (with --dataset manifests)." };
        var testLimit = new Option<string?>("--test-limit") { Description = "Evaluate only the first N test images (default: the run's; 0: all)." };
        var precision = new Option<string?>("--precision") { Description = "fp32, bf16 or fp16 (default: the run's own precision and layout, so the numbers equal its log)." };
        var byName = new Option<bool>("--match-classes-by-name") { Description = "Accept a test manifest whose class columns are the checkpoint's in another order, matching them by name." };
        var device = CheckpointOptions.Device();
        var outOption = new Option<string?>("--out") { Description = "Directory for metrics.csv, per_class_ap.csv and scores.csv." };
        var command = new Command("eval", "Evaluate a checkpoint on a test split (all metrics; the teacher's metrics for KD-WSD; attention pointing for SRN and teacher CorLoc for KD-WSD on data with boxes).")
        {
            checkpointOption, dataset, data, testManifest, imageRoot, testLimit, byName, precision, device, outOption,
        };
        command.SetAction((parse, token) => Task.FromResult(CommandGuard.Run(() =>
        {
            var dev = DeviceOption.Parse(parse.GetValue(device)!);
            var path = parse.GetValue(checkpointOption)!;
            var (method, history, metadata) = CheckpointModel.LoadWithMetadata(path, dev);
            using (method)
            {
                var setup = method.Setup;
                var recorded = RunRecord.RecordedConfiguration(metadata, path);

                // The run's own test data unless told otherwise.
                var config = recorded ?? new RunConfiguration();
                config = Override(config, "dataset", parse.GetValue(dataset));
                config = Override(config, "data", parse.GetValue(data));
                config = Override(config, "test_manifest", parse.GetValue(testManifest));
                config = Override(config, "image_root", parse.GetValue(imageRoot));
                config = Override(config, "test_limit", parse.GetValue(testLimit));
                config = Override(config, "precision", parse.GetValue(precision));
                var options = new TrainerOptions
                {
                    Device = dev, ChannelsLast = config.ChannelsLast,
                    Precision = config.ResolvedPrecision switch { "bf16" => Precision.Bf16, "fp16" => Precision.Fp16, _ => Precision.Fp32 },
                };
                var (test, testFingerprint, hasBoxes) = TestSet(config);
                var matched = MatchClasses(test, setup.ClassNames, parse.GetValue(byName), config);
                hasBoxes &= ReferenceEquals(matched, test);
                test = matched;
                IMultiLabelDataset split = config.TestLimit is { } n ? DatasetViews.Take(test, n) : test;

                var transform = RunExecutor.TestTransform(setup, recorded);
                var evaluation = Evaluation.Run(method, split, transform, options, token);
                var m = EpochMetrics.From(evaluation.Metrics);
                AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"{setup.Method} ({setup.Backbone}, {setup.ImageSize}px, seed {setup.Seed}), head {method.PredictionHead}, {split.Count} images: mAP {m.Map:F2}  CF1 {m.CF1:F2}  OF1 {m.OF1:F2}  CF1@3 {m.CF1_3:F2}  OF1@3 {m.OF1_3:F2}")));

                if (method is SrnMethod srn && hasBoxes)
                {
                    var pointing = SrnAttentionPointing.Measure(srn.Network, split, transform, dev);
                    AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                        $"attention pointing: {pointing.Accuracy:F2}% of {pointing.Trials.Sum()} present labels (chance {pointing.Chance:F2}%)")));
                }

                if (method.EvaluateTeacher(split, transform, options, token) is { } teacher)
                {
                    var t = EpochMetrics.From(teacher.Metrics);
                    AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                        $"teacher (its image scores phi), {split.Count} images: mAP {t.Map:F2}  CF1 {t.CF1:F2}  OF1 {t.OF1:F2}  CF1@3 {t.CF1_3:F2}  OF1@3 {t.OF1_3:F2}")));
                }

                if (method is KdWsdMethod { Distill: true, TrainingBoxes: { } proposals } && hasBoxes && test.Manifest.Rows.Any(r => proposals[r.Image].Count == 0))
                {
                    AnsiConsole.MarkupLine("teacher CorLoc: not measured (the run's proposals file has no proposals for the test images)");
                }
                else if (method is KdWsdMethod kd && kd.Distill && hasBoxes)
                {
                    var (corLoc, bound) = kd.TeacherLocalization(split, transform, options, token);
                    AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                        $"teacher CorLoc (top box of each present class, IoU >= 0.5): {100 * corLoc:F2}% (the proposals allow at most {100 * bound:F2}%)")));
                }

                if (parse.GetValue(outOption) is { } dir)
                {
                    Directory.CreateDirectory(dir);
                    MetricsCsv.Write(dir, evaluation.Metrics);
                    ScoresCsv.Write(Path.Combine(dir, ScoresCsv.FileName), evaluation.Names, setup.ClassNames, ScoresCsv.Sigmoid(evaluation.Scores));
                    AnsiConsole.MarkupLine(Markup.Escape($"wrote {Path.GetFullPath(dir)} (metrics.csv, per_class_ap.csv, scores.csv)"));
                }

                CompareWithLog(history, m, recorded, metadata, testFingerprint, config, parse.GetValue(byName));
            }
        })));
        return command;
    }

    private static RunConfiguration Override(RunConfiguration config, string setting, string? value) =>
        value is null ? config : RunOptions.ForOption(RunSettings.Find(setting).OptionName, () => RunSettings.Set(config, setting, value));

    private static (ManifestImageDataset Test, string Fingerprint, bool HasBoxes) TestSet(RunConfiguration config)
    {
        if (config.Dataset == "manifests")
        {
            var manifest = config.TestManifest ?? throw new RunConfigurationException("--dataset manifests needs --test-manifest.");
            var root = config.ImageRoot ?? throw new RunConfigurationException("--dataset manifests needs --image-root.");
            return (new ManifestImageDataset(Manifest.Read(manifest).CheckImages(root).Manifest, root), DataSource.FilesFingerprint(manifest), false);
        }

        var source = DataSource.FashionScenes(config.Data, Console.Out.WriteLine);
        return (source.Test, source.TestFingerprint, true);
    }

    // A test set whose class columns differ from the checkpoint's would be scored column against wrong column.
    private static ManifestImageDataset MatchClasses(ManifestImageDataset test, IReadOnlyList<string> expected, bool byName, RunConfiguration config)
    {
        if (test.Classes.SequenceEqual(expected, StringComparer.Ordinal))
        {
            return test;
        }

        var where = config.Dataset == "manifests" ? config.TestManifest : config.Data;
        var missing = expected.Except(test.Classes, StringComparer.Ordinal).ToArray();
        var extra = test.Classes.Except(expected, StringComparer.Ordinal).ToArray();
        if (missing.Length > 0 || extra.Length > 0 || test.Classes.Count != expected.Count)
        {
            throw new InvalidDataException(
                $"{where}: the test classes differ from the checkpoint's (missing: {(missing.Length == 0 ? "none" : string.Join(", ", missing))}; not in the checkpoint: {(extra.Length == 0 ? "none" : string.Join(", ", extra))}).");
        }

        if (!byName)
        {
            var first = Enumerable.Range(0, expected.Count).First(i => test.Classes[i] != expected[i]);
            throw new InvalidDataException(
                $"{where}: the test class columns are the checkpoint's in another order (column {first + 1} is '{test.Classes[first]}', the checkpoint's is '{expected[first]}'); add --match-classes-by-name to map them by name.");
        }

        var manifest = test.Manifest;
        var order = expected.Select(c => manifest.Classes.ToList().IndexOf(c)).ToArray();
        var rows = manifest.Rows.Select(r => new ManifestRow(r.Image, order.Select(j => r.Labels[j]).ToArray())).ToArray();
        // Boxes name classes by position in the old order: the remapped set goes without them.
        return new ManifestImageDataset(new Manifest([.. expected], rows), test.ImageRoot);
    }

    private static void CompareWithLog(
        IReadOnlyList<EpochResult> history, EpochMetrics m, RunConfiguration? recorded, IReadOnlyDictionary<string, string> metadata, string testFingerprint, RunConfiguration config, bool remapped)
    {
        if (history.Count == 0 || history[^1].Metrics is not { } logged)
        {
            return;
        }

        var line = string.Create(CultureInfo.InvariantCulture, $"training log, epoch {history[^1].Epoch}: mAP {logged.Map:F2}  CF1 {logged.CF1:F2}  OF1 {logged.OF1:F2}");
        var sameData = recorded is not null && !remapped && metadata.GetValueOrDefault(RunRecord.TestFingerprintKey) == testFingerprint && recorded.TestLimit == config.TestLimit
            && recorded.ResolvedPrecision == config.ResolvedPrecision;
        if (!sameData)
        {
            AnsiConsole.MarkupLine(Markup.Escape(line + (recorded is null
                ? " (the checkpoint records no run configuration: not compared)"
                : " (other test data or precision than the run's: not compared)")));
            return;
        }

        AnsiConsole.MarkupLine(Markup.Escape(line));
        if (Math.Abs(logged.Map - m.Map) > LogTolerance)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"the recomputed mAP {m.Map:F4} differs from the training log's {logged.Map:F4} on the run's own test data by more than {LogTolerance} points: the checkpoint, the images or the code differ from the run's."));
        }
    }
}
