using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Srn.Experiments.Runs;
using Srn.Metrics;
using Srn.Models;
using Srn.Training;
using Srn.Training.Methods;

namespace Srn.Experiments;

/// <summary>
/// <c>srn eval --checkpoint C</c>: rebuilds the model of a <c>srn train</c> checkpoint and evaluates it on the test split
/// with the training run's evaluation transform, so the numbers equal the training log's last epoch. Writes
/// <c>metrics.csv</c>, <c>per_class_ap.csv</c> and <c>scores.csv</c> to <c>--out</c> when given; for SRN on a dataset with
/// boxes it also reports attention pointing accuracy.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var checkpointOption = new Option<string>("--checkpoint") { Description = "A checkpoint written by srn train or srn sweep.", Required = true };
        var dataset = new Option<string>("--dataset") { Description = "fashion-scenes or manifests.", DefaultValueFactory = _ => "fashion-scenes" };
        var data = new Option<string>("--data") { Description = "FashionScenes directory.", DefaultValueFactory = _ => DataSource.DefaultFashionScenesDirectory };
        var testManifest = new Option<string?>("--test-manifest") { Description = "Test manifest (with --dataset manifests)." };
        var imageRoot = new Option<string?>("--image-root") { Description = "Image root (with --dataset manifests)." };
        var testLimit = new Option<int?>("--test-limit") { Description = "Evaluate only the first N test images." };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var outOption = new Option<string?>("--out") { Description = "Directory for metrics.csv, per_class_ap.csv and scores.csv." };
        var command = new Command("eval", "Evaluate a checkpoint on a test split (all metrics; attention pointing for SRN and teacher CorLoc for KD-WSD on data with boxes).")
        {
            checkpointOption, dataset, data, testManifest, imageRoot, testLimit, device, outOption,
        };
        command.SetAction((parse, token) => Task.FromResult(CommandGuard.Run(() =>
        {
            var dev = DeviceOption.Parse(parse.GetValue(device)!);
            var (method, history) = CheckpointModel.Load(parse.GetValue(checkpointOption)!, dev);
            using (method)
            {
                var setup = method.Setup;
                var hasBoxes = parse.GetValue(dataset) == "fashion-scenes";
                var test = parse.GetValue(dataset) switch
                {
                    "fashion-scenes" => DataSource.FashionScenes(parse.GetValue(data)!).Test,
                    "manifests" => new Srn.Data.ManifestImageDataset(
                        Srn.Data.Manifest.Read(parse.GetValue(testManifest) ?? throw new ArgumentException("--dataset manifests needs --test-manifest.")),
                        parse.GetValue(imageRoot) ?? throw new ArgumentException("--dataset manifests needs --image-root.")),
                    var other => throw new ArgumentException($"Unknown dataset '{other}'."),
                };
                Srn.Data.IMultiLabelDataset split = parse.GetValue(testLimit) is { } n ? Srn.Data.DatasetViews.Take(test, n) : test;
                var transform = ImageRecipes.Test(setup.ImageSize, ModelRegistry.Config(setup.Backbone));
                var evaluation = Evaluation.Run(method, split, transform, new TrainerOptions { Device = dev }, token);
                var m = EpochMetrics.From(evaluation.Metrics);
                AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"{setup.Method} ({setup.Backbone}, {setup.ImageSize}px, seed {setup.Seed}), head {method.PredictionHead}, {split.Count} images: mAP {m.Map:F2}  CF1 {m.CF1:F2}  OF1 {m.OF1:F2}  CF1@3 {m.CF1_3:F2}  OF1@3 {m.OF1_3:F2}")));
                if (history.Count > 0 && history[^1].Metrics is { } logged)
                {
                    AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"training log, epoch {history[^1].Epoch}: mAP {logged.Map:F2}  CF1 {logged.CF1:F2}  OF1 {logged.OF1:F2}")));
                }

                if (method is SrnMethod srn && hasBoxes)
                {
                    var pointing = SrnAttentionPointing.Measure(srn.Network, split, transform, dev);
                    AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                        $"attention pointing: {pointing.Accuracy:F2}% of {pointing.Trials.Sum()} present labels (chance {pointing.Chance:F2}%)")));
                }

                if (method is KdWsdMethod kd && kd.Distill && hasBoxes)
                {
                    var (corLoc, bound) = kd.TeacherLocalization(split, transform, new TrainerOptions { Device = dev }, token);
                    AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                        $"teacher CorLoc (top box of each present class, IoU >= 0.5): {100 * corLoc:F2}% (the proposals allow at most {100 * bound:F2}%)")));
                }

                if (parse.GetValue(outOption) is { } dir)
                {
                    Directory.CreateDirectory(dir);
                    MetricsCsv.Write(dir, evaluation.Metrics);
                    AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(Path.GetFullPath(dir))}[/]");
                }
            }
        })));
        return command;
    }
}
