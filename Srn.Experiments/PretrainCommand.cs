using System.CommandLine;
using System.Globalization;
using Srn.Data;
using Srn.Experiments.Runs;
using Srn.Models;
using Srn.PartialLabels.Runs;
using Srn.Torch;
using Srn.Torch.IO;
using Srn.Training;

namespace Srn.Experiments;

/// <summary>
/// <c>srn pretrain</c>: the FashionScenes analogue of ImageNet pre-training. Trains a backbone on single Fashion-MNIST
/// items of the training split (<see cref="FashionItemsDataset"/>; never a test item) as a 10-class problem with one
/// positive per picture, and writes its weights for <c>--backbone-weights</c> (docs/methods.md, "Pre-trained backbones").
/// </summary>
internal static class PretrainCommand
{
    /// <summary>The defaults: the resnet method (global pool + fc, BCE) for 8 epochs at batch 64.</summary>
    private static readonly RunConfiguration Defaults = new() { Method = "resnet", Epochs = 8, BatchSize = 64 };

    public static Command Create()
    {
        // The run settings that mean something here, with srn train's parsing and range checks.
        var run = new RunOptions(
            Defaults, "dataset", "data", "train_manifest", "test_manifest", "image_root", "method", "proportion", "protocol", "mask_seed",
            "train_limit", "test_limit", "augment", "backbone_weights");
        var items = new Option<int>("--items") { Description = "Training pictures (item i has class i mod 10).", DefaultValueFactory = _ => 20_000 };
        var heldOut = new Option<int>("--held-out") { Description = "Held-out pictures (other placements of training-split items) for the epoch metrics.", DefaultValueFactory = _ => 2_000 };
        var fashionMnist = new Option<string?>("--fashion-mnist") { Description = $"Directory of Fashion-MNIST's four idx files (default {FashionMnist.DefaultDirectory})." };
        var outOption = new Option<string>("--out") { Description = "Weights file to write (.safetensors; torchvision key names, for --backbone-weights).", Required = true };
        var command = new Command("pretrain", "Pre-train a backbone on single Fashion-MNIST training items (the ImageNet analogue); writes weights for --backbone-weights.");
        run.AddTo(command);
        foreach (var option in new Option[] { items, heldOut, fashionMnist, outOption })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, token) => Task.FromResult(CommandGuard.Run(() =>
        {
            var outPath = parse.GetValue(outOption)!;
            if (!outPath.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"--out {outPath}: the weights are written as safetensors; name the file *.safetensors.");
            }

            // The run settings' own parsing and range checks, so the values mean what they mean for srn train.
            var config = run.Configuration(parse, Defaults);
            var count = parse.GetValue(items);
            var held = parse.GetValue(heldOut);
            if (count < 10 || held < 10)
            {
                throw new ArgumentException($"--items {count} / --held-out {held}: at least 10 each (one per class).");
            }

            ModelRegistry.Config(config.Backbone);
            RunExecutor.CheckMethod(config);
            var source = FashionMnist.Load(parse.GetValue(fashionMnist));
            var size = config.ResolvedImageSize;
            var generator = new FashionScenesGenerator(source, new FashionScenesOptions { Seed = config.Seed, CanvasSize = size });
            var train = new FashionItemsDataset(generator, 0, count);
            var test = new FashionItemsDataset(generator, count, held);
            var model = ModelRegistry.Config(config.Backbone);
            var setup = new MethodSetup
            {
                Method = config.Method, Backbone = config.Backbone, ClassNames = train.Classes, ImageSize = size, Epochs = config.Epochs,
                Seed = config.Seed, Options = config.Options, TrainLabels = DatasetViews.Labels(train),
            };
            var data = new TrainingData(train, ImageRecipes.HcpTrain(size, model), test, ImageRecipes.Test(size, model));
            using var method = RunExecutor.Build(setup);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"srn pretrain: {config.Backbone} at {size}px on {count} single-item pictures of Fashion-MNIST's training split ({held} held out), {config.Epochs} epochs, batch {config.BatchSize}, seed {config.Seed}, {config.ResolvedPrecision}, libtorch {LibTorch.Version}"));
            var options = RunExecutor.Options(config, checkpoint: null, resume: false, record: null, progress: null, epochFinished: r => Console.Out.WriteLine(EpochLog.Line(r, config.Epochs)));
            var history = Trainer.Fit(method, data, options, token);
            var evaluation = Evaluation.Run(method, test, data.TestTransform, options, token);
            var top1 = Top1(evaluation);
            var metadata = new Dictionary<string, string>
            {
                ["srn_pretrain"] = "fashion-mnist training items, one per picture (srn pretrain)",
                ["backbone"] = config.Backbone,
                ["image_size"] = size.ToString(CultureInfo.InvariantCulture),
                ["seed"] = config.Seed.ToString(CultureInfo.InvariantCulture),
                ["epochs"] = config.Epochs.ToString(CultureInfo.InvariantCulture),
                ["items"] = count.ToString(CultureInfo.InvariantCulture),
                ["options"] = string.Join(",", config.Options.Select(kv => $"{kv.Key}={kv.Value}")),
                ["precision"] = config.ResolvedPrecision,
                ["fashion_mnist"] = source.Fingerprint,
                ["held_out_map"] = evaluation.Metrics.Map.ToString("F2", CultureInfo.InvariantCulture),
                ["held_out_top1"] = top1.ToString("F2", CultureInfo.InvariantCulture),
                ["commit"] = BuildInfo.Commit,
                ["libtorch"] = LibTorch.Version,
            };
            var directory = Path.GetDirectoryName(Path.GetFullPath(outPath))!;
            Directory.CreateDirectory(directory);
            using (var scope = DisposeScope.Enter())
            {
                SafeTensors.Save(outPath, method.Model.StateDict(), metadata);
            }

            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"held-out top-1 {top1:F2}%, mAP {evaluation.Metrics.Map:F2} after {history.Count} epochs; weights {Path.GetFullPath(outPath)} (use with --backbone-weights)"));
        })));
        return command;
    }

    // Share of held-out pictures whose highest score is their item's class, in percent.
    private static double Top1(Evaluation evaluation)
    {
        var (n, c) = (evaluation.Scores.GetLength(0), evaluation.Scores.GetLength(1));
        var right = 0;
        for (var i = 0; i < n; i++)
        {
            var best = 0;
            for (var j = 1; j < c; j++)
            {
                best = evaluation.Scores[i, j] > evaluation.Scores[i, best] ? j : best;
            }

            right += evaluation.Targets[i, best] > 0 ? 1 : 0;
        }

        return 100.0 * right / n;
    }
}
