using System.CommandLine;
using System.Globalization;
using Srn.Experiments.Runs;

namespace Srn.Experiments.Sweep;

/// <summary>
/// <c>srn sweep</c>, the main job: every (method, proportion, seed) of a sweep, with results, summary, plot and
/// per-run checkpoints in <c>--out</c> (specs/experiments.md). With no options it runs the default sweep on FashionScenes
/// (docs/experiments.md gives its budget and timing).
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "YAML sweep configuration (snake_case keys, as the config.yaml a sweep writes)." };
        var preset = new Option<string?>("--preset") { Description = "'paper': the published recipes (ResNet-101 at 448, 20 epochs, Adam 1e-5, batch 8) for a GPU." };
        var dataset = new Option<string?>("--dataset") { Description = "fashion-scenes (default) or manifests (with --train-manifest, --test-manifest, --image-root)." };
        var data = new Option<string?>("--data") { Description = "FashionScenes directory (default data/fashion-scenes; generated on first use)." };
        var trainManifest = new Option<string?>("--train-manifest") { Description = "Training manifest." };
        var testManifest = new Option<string?>("--test-manifest") { Description = "Test manifest." };
        var imageRoot = new Option<string?>("--image-root") { Description = "Image root of the manifests." };
        var methods = new Option<string?>("--methods") { Description = "Comma-separated methods (default partial-bce,dsrb)." };
        var proportions = new Option<string?>("--proportions") { Description = "0.1:0.9:0.1 (start:stop:step) or a list 0.1,0.5,0.9." };
        var seeds = new Option<string?>("--seeds") { Description = "Comma-separated seeds (default 0)." };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs per run." };
        var backbone = new Option<string?>("--backbone") { Description = "Backbone (default resnet-small)." };
        var imageSize = new Option<int?>("--image-size") { Description = "Input side in pixels." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Training batch size." };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Use the first N training images (0: all)." };
        var testLimit = new Option<int?>("--test-limit") { Description = "Use the first N test images (0: all)." };
        var device = new Option<string?>("--device") { Description = "cpu, cuda or cuda:N." };
        var workers = new Option<int?>("--workers") { Description = "Image loading threads." };
        var threads = new Option<int?>("--threads") { Description = "libtorch threads." };
        var baseline = new Option<string?>("--baseline") { Description = "Method the summary compares against (paired t-test over seeds)." };
        var methodOptions = new Option<string[]>("--option") { Description = "Option for every method, name=value (repeatable)." };
        var outOption = new Option<string>("--out") { Description = "Output directory.", DefaultValueFactory = _ => "runs/sweep" };
        var resume = new Option<bool>("--resume") { Description = "Continue a sweep in --out: skip finished runs, resume the interrupted one." };
        var backboneWeights = new Option<string?>("--backbone-weights") { Description = "torchvision .pth (or safetensors) of the backbone, e.g. resnet101-63fe2227.pth: the papers start from ImageNet weights." };
        var shareTeachers = new Option<bool>("--share-teachers") { Description = "KD-WSD runs with the same training labels share one teacher (trained once, with seed 0)." };
        var shard = new Option<string?>("--shard") { Description = "i/N: run every N-th job from i, into OUT/shard-i-of-N (combine with srn merge)." };
        var command = new Command("sweep", "Sweep methods x known-label proportions x seeds; write results.csv, per_class_ap.csv, summary.csv, a plot and checkpoints.")
        {
            config, preset, dataset, data, trainManifest, testManifest, imageRoot, methods, proportions, seeds, epochs, backbone, imageSize,
            batchSize, trainLimit, testLimit, device, workers, threads, baseline, methodOptions, outOption, resume, shard, shareTeachers, backboneWeights,
        };
        command.SetAction((parse, token) => Task.FromResult(CommandGuard.Run(() =>
        {
            var c = parse.GetValue(config) is { } path ? SweepConfig.Load(path)
                : parse.GetValue(preset) switch
                {
                    null => new SweepConfig(),
                    "paper" => SweepConfig.Paper(),
                    var other => throw new ArgumentException($"--preset '{other}': the only preset is 'paper'."),
                };
            c.Dataset = parse.GetValue(dataset) ?? c.Dataset;
            c.Data = parse.GetValue(data) ?? c.Data;
            c.TrainManifest = parse.GetValue(trainManifest) ?? c.TrainManifest;
            c.TestManifest = parse.GetValue(testManifest) ?? c.TestManifest;
            c.ImageRoot = parse.GetValue(imageRoot) ?? c.ImageRoot;
            if (parse.GetValue(methods) is { } m)
            {
                c.Methods = [.. m.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
            }

            if (parse.GetValue(proportions) is { } p)
            {
                c.Proportions = SweepConfig.ParseProportions(p);
            }

            if (parse.GetValue(seeds) is { } s)
            {
                c.Seeds = [.. s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(x =>
                    int.TryParse(x, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"--seeds: '{x}' is not an integer."))];
            }

            c.Epochs = parse.GetValue(epochs) ?? c.Epochs;
            c.Backbone = parse.GetValue(backbone) ?? c.Backbone;
            c.ImageSize = parse.GetValue(imageSize) ?? c.ImageSize;
            c.BatchSize = parse.GetValue(batchSize) ?? c.BatchSize;
            if (parse.GetValue(trainLimit) is { } tl)
            {
                c.TrainLimit = tl == 0 ? null : tl;
            }

            if (parse.GetValue(testLimit) is { } sl)
            {
                c.TestLimit = sl == 0 ? null : sl;
            }

            c.Device = parse.GetValue(device) ?? c.Device;
            c.Workers = parse.GetValue(workers) ?? c.Workers;
            c.Threads = parse.GetValue(threads) ?? c.Threads;
            c.Baseline = parse.GetValue(baseline) ?? c.Baseline;
            c.ShareTeachers |= parse.GetValue(shareTeachers);
            c.BackboneWeights = parse.GetValue(backboneWeights) ?? c.BackboneWeights;
            if (c.BackboneWeights is { } weights && !File.Exists(weights))
            {
                throw new ArgumentException($"--backbone-weights: {Path.GetFullPath(weights)} does not exist.");
            }
            foreach (var (k, v) in RunOptions.ParseOptions(parse.GetValue(methodOptions) ?? []))
            {
                c.Options[k] = v;
            }

            c.Validate();
            DeviceOption.Parse(c.Device);
            var outDir = parse.GetValue(outOption)!;
            (int, int)? sh = parse.GetValue(shard) is { } text ? SweepJob.ParseShard(text) : null;
            if (sh is { } x)
            {
                outDir = Path.Combine(outDir, $"shard-{x.Item1}-of-{x.Item2}");
            }

            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(token);
            new SweepRunner(c, outDir, parse.GetValue(resume), sh).Run(cancel.Token);
        })));
        return command;
    }
}
