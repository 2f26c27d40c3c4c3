using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Srn.Data;

namespace Srn.Experiments;

/// <summary>
/// <c>srn data</c>: converts public datasets to manifests (<c>srn data coco|voc2007|nuswide|vg200|wider-attribute|manifest --root R --out O</c>)
/// and generates FashionScenes (<c>srn data fashion-scenes --out DIR</c>). See docs/datasets.md and docs/fashion-scenes.md.
/// </summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Convert a public dataset to train/test manifests, or generate the FashionScenes dataset.");
        command.Subcommands.Add(Coco());
        command.Subcommands.Add(Voc());
        command.Subcommands.Add(NusWide());
        command.Subcommands.Add(Vg200());
        command.Subcommands.Add(WiderAttribute());
        command.Subcommands.Add(ManifestDataset());
        command.Subcommands.Add(FashionScenes());
        return command;
    }

    private sealed class ReaderOptions
    {
        public Option<string> Root { get; } = new("--root") { Description = "The dataset's root directory, in its public layout.", Required = true };

        public Option<string> Out { get; } = new("--out") { Description = "Directory the manifests <name>.train.csv and <name>.test.csv are written to.", Required = true };

        public Option<string> Missing { get; } = new Option<string>("--missing-images")
        {
            Description = "Images whose file does not exist: error (list them all), drop (and count them), ignore (do not look).",
            DefaultValueFactory = _ => "error",
        }.AcceptOnlyFromAmong("error", "drop", "ignore");

        public Option<bool> Absolute { get; } = new("--absolute-paths") { Description = "Write absolute image paths instead of paths relative to the root." };

        public void AddTo(Command command)
        {
            command.Options.Add(Root);
            command.Options.Add(Out);
            command.Options.Add(Missing);
            command.Options.Add(Absolute);
        }

        public MissingImagePolicy Policy(ParseResult parse) => parse.GetValue(Missing) switch
        {
            "drop" => MissingImagePolicy.Drop,
            "ignore" => MissingImagePolicy.Ignore,
            _ => MissingImagePolicy.Error,
        };
    }

    private static Command Coco()
    {
        var common = new ReaderOptions();
        var drop = new Option<bool>("--drop-unannotated") { Description = "Drop images without annotations (ASL, ML-GCN) instead of keeping them all-negative (HCP-MLR-PL, SRN)." };
        var command = new Command("coco", "MS-COCO 2014: annotations/instances_{train,val}2014.json; test split = val2014; 80 classes in category-id order.");
        common.AddTo(command);
        command.Options.Add(drop);
        command.SetAction(parse => Convert(parse, common, root => Coco2014Reader.Read(root, new CocoOptions
        {
            MissingImages = common.Policy(parse),
            DropUnannotated = parse.GetValue(drop),
        })));
        return command;
    }

    private static Command Voc()
    {
        var common = new ReaderOptions();
        var difficult = new Option<string>("--difficult")
        {
            Description = "Label of a class seen only in difficult objects: negative (HCP) or unknown (ML-GCN).",
            DefaultValueFactory = _ => "negative",
        }.AcceptOnlyFromAmong("negative", "unknown");
        var command = new Command("voc2007", "Pascal VOC 2007: VOCdevkit/VOC2007; trainval / test; 20 classes in alphabetical order.");
        common.AddTo(command);
        command.Options.Add(difficult);
        command.SetAction(parse => Convert(parse, common, root => Voc2007Reader.Read(root, new Voc2007Options
        {
            MissingImages = common.Policy(parse),
            Difficult = parse.GetValue(difficult) == "unknown" ? VocDifficult.Unknown : VocDifficult.Negative,
        })));
        return command;
    }

    private static Command NusWide()
    {
        var common = new ReaderOptions();
        var dropUntagged = new Option<bool>("--drop-untagged") { Description = "Drop images with none of the 81 concepts (SRN: 119,986 / 80,283 with --missing-images drop)." };
        var imageDir = new Option<string>("--image-dir") { Description = "Directory under the root holding the images.", DefaultValueFactory = _ => "Flickr" };
        var command = new Command("nuswide", "NUS-WIDE: ImageList/, Concepts81.txt, Groundtruth/TrainTestLabels/; 81 concepts.");
        common.AddTo(command);
        command.Options.Add(dropUntagged);
        command.Options.Add(imageDir);
        command.SetAction(parse => Convert(parse, common, root => NusWideReader.Read(root, new NusWideOptions
        {
            MissingImages = common.Policy(parse),
            DropUntagged = parse.GetValue(dropUntagged),
            ImageDirectory = parse.GetValue(imageDir)!,
        })));
        return command;
    }

    private static Command Vg200()
    {
        var common = new ReaderOptions();
        var names = new Option<string?>("--class-names") { Description = "Text file with the 200 class names, one per line (default: class_000..class_199)." };
        var meta = new Option<string?>("--metadata") { Description = "Directory of vg_category_200_labels_index.json and the lists (default: the root)." };
        var command = new Command("vg200", "Visual Genome 200 (HCP-MLR-PL split): label index JSON, train/test_list_500.txt, VG_100K and VG_100K_2.");
        common.AddTo(command);
        command.Options.Add(names);
        command.Options.Add(meta);
        command.SetAction(parse => Convert(parse, common, root => Vg200Reader.Read(root, new Vg200Options
        {
            MissingImages = common.Policy(parse),
            ClassNamesFile = parse.GetValue(names),
            MetadataDirectory = parse.GetValue(meta),
        })));
        return command;
    }

    private static Command WiderAttribute()
    {
        var common = new ReaderOptions();
        var crops = new Option<string?>("--crops") { Description = "Directory the person crops are written to; the manifests' image root (default: OUT/wider_attribute_crops)." };
        var unspecified = new Option<string>("--unspecified")
        {
            Description = "Label of an attribute annotated 0 (unspecified): unknown (ignored by the losses and by AP, as the dataset's mAP does) or negative.",
            DefaultValueFactory = _ => "unknown",
        }.AcceptOnlyFromAmong("unknown", "negative");
        var imageDir = new Option<string>("--image-dir") { Description = "Directory under the root that the JSON files' file_names are relative to.", DefaultValueFactory = _ => "Image" };
        var annotations = new Option<string?>("--annotations") { Description = "Directory of wider_attribute_{trainval,test}.json (default: the root, Anno/, Annotations/ or wider_attribute_annotation/)." };
        var command = new Command("wider-attribute", "WIDER-Attribute: one sample per annotated person (its box cropped to a PNG), 14 attributes; train+val / test.");
        common.AddTo(command);
        command.Options.Add(crops);
        command.Options.Add(unspecified);
        command.Options.Add(imageDir);
        command.Options.Add(annotations);
        command.SetAction(parse => Convert(parse, common, root => WiderAttributeReader.Read(root, new WiderAttributeOptions
        {
            MissingImages = common.Policy(parse),
            CropDirectory = parse.GetValue(crops) ?? Path.Combine(parse.GetValue(common.Out)!, "wider_attribute_crops"),
            Unspecified = parse.GetValue(unspecified) == "negative" ? WiderUnspecified.Negative : WiderUnspecified.Unknown,
            ImageDirectory = parse.GetValue(imageDir)!,
            AnnotationDirectory = parse.GetValue(annotations),
        })));
        return command;
    }

    private static Command ManifestDataset()
    {
        var common = new ReaderOptions();
        var name = new Option<string?>("--name") { Description = "Dataset name: the files are <name>.train.csv and <name>.test.csv (default: the only pair in the root)." };
        var imageRoot = new Option<string?>("--image-root") { Description = "Directory image paths are relative to (default: the root)." };
        var command = new Command("manifest", "A dataset already in the manifest format: checks it (classes, cells, images) and writes it normalised.");
        common.AddTo(command);
        command.Options.Add(name);
        command.Options.Add(imageRoot);
        command.SetAction(parse => Convert(parse, common, root => ManifestDatasetReader.Read(root, new ManifestDatasetOptions
        {
            MissingImages = common.Policy(parse),
            Name = parse.GetValue(name),
            ImageRoot = parse.GetValue(imageRoot),
        })));
        return command;
    }

    private static int Convert(ParseResult parse, ReaderOptions common, Func<string, DatasetSplits> read)
    {
        var root = parse.GetValue(common.Root)!;
        var outDir = parse.GetValue(common.Out)!;
        return Guard(() =>
        {
            var splits = read(root);
            var (train, test) = splits.Write(outDir, parse.GetValue(common.Absolute));
            var table = new Table().AddColumns("split", "images", "classes", "labels / image", "dropped", "manifest");
            AddSplitRow(table, "train", splits.Train, splits.Report.DroppedCount("train"), train);
            AddSplitRow(table, "test", splits.Test, splits.Report.DroppedCount("test"), test);
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(splits.Name)}[/]: image root [green]{Markup.Escape(Path.GetFullPath(splits.ImageRoot))}[/]");
            AnsiConsole.Write(table);
            foreach (var d in splits.Report.Dropped)
            {
                AnsiConsole.MarkupLine($"  {Markup.Escape(d.ToString())}");
            }

            foreach (var n in splits.Report.Notes)
            {
                AnsiConsole.MarkupLine($"  {Markup.Escape(n)}");
            }
        });
    }

    private static void AddSplitRow(Table table, string split, Manifest manifest, int dropped, string path)
    {
        var stats = LabelStatistics.Of(manifest);
        table.AddRow(
            split,
            manifest.Count.ToString("N0", CultureInfo.InvariantCulture),
            manifest.ClassCount.ToString(CultureInfo.InvariantCulture),
            stats.MeanPositivesPerImage.ToString("F2", CultureInfo.InvariantCulture),
            dropped.ToString("N0", CultureInfo.InvariantCulture),
            Markup.Escape(path));
    }

    private static Command FashionScenes()
    {
        var outOption = new Option<string>("--out") { Description = "Output directory (images/, manifests, boxes files).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Generation seed.", DefaultValueFactory = _ => 0 };
        var train = new Option<int>("--train") { Description = "Number of training scenes.", DefaultValueFactory = _ => 10_000 };
        var test = new Option<int>("--test") { Description = "Number of test scenes.", DefaultValueFactory = _ => 2_000 };
        var canvas = new Option<int>("--canvas") { Description = "Canvas side in pixels.", DefaultValueFactory = _ => 112 };
        var source = new Option<string>("--fashion-mnist")
        {
            Description = $"Directory of the Fashion-MNIST *-idx*-ubyte.gz files (Debian package {FashionMnist.DebianPackage}).",
            DefaultValueFactory = _ => FashionMnist.DefaultDirectory,
        };
        var force = new Option<bool>("--force") { Description = "Regenerate even when the output directory holds this generation or one with other parameters (overwrites it)." };
        var command = new Command("fashion-scenes", "Generate FashionScenes: multi-label outfit scenes of Fashion-MNIST items, with boxes (docs/fashion-scenes.md).")
        {
            outOption, seed, train, test, canvas, source, force,
        };
        command.SetAction(parse => Guard(() =>
        {
            var options = new FashionScenesOptions
            {
                Seed = parse.GetValue(seed),
                TrainScenes = parse.GetValue(train),
                TestScenes = parse.GetValue(test),
                CanvasSize = parse.GetValue(canvas),
            };
            options.Validate();
            var generator = new FashionScenesGenerator(FashionMnist.Load(parse.GetValue(source)), options);
            var outDir = parse.GetValue(outOption)!;
            FashionScenesResult? result = null;
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask("scenes", maxValue: options.TrainScenes + options.TestScenes);
                var progress = new Progress<int>(n => task.Value = Math.Max(task.Value, n));
                result = FashionScenesDataset.Write(outDir, generator, new PngImageWriter(), parse.GetValue(force), progress);
                task.Value = task.MaxValue;
            });
            PrintScenesSummary(result!, options);
        }));
        return command;
    }

    private static void PrintScenesSummary(FashionScenesResult result, FashionScenesOptions options)
    {
        var total = result.Train.Count + result.Test.Count;
        AnsiConsole.MarkupLine(result.Cached
            ? $"[bold]FashionScenes[/]: [green]{Markup.Escape(Path.GetFullPath(result.Directory))}[/] already holds this generation (seed {options.Seed}); nothing written"
            : $"[bold]FashionScenes[/]: {total:N0} scenes ({options.CanvasSize}x{options.CanvasSize}, seed {options.Seed}) in {result.Seconds:F1} s " +
              $"({total / Math.Max(result.Seconds, 1e-9):N0} scenes/s) to [green]{Markup.Escape(Path.GetFullPath(result.Directory))}[/]");
        var trainStats = LabelStatistics.Of(result.Train);
        var testStats = LabelStatistics.Of(result.Test);
        var table = new Table().AddColumns("class", "train scenes", "train %", "test scenes", "test %");
        for (var c = 0; c < trainStats.Classes.Count; c++)
        {
            table.AddRow(
                trainStats.Classes[c],
                trainStats.Positives[c].ToString("N0", CultureInfo.InvariantCulture),
                (100.0 * trainStats.Positives[c] / trainStats.Images).ToString("F1", CultureInfo.InvariantCulture),
                testStats.Positives[c].ToString("N0", CultureInfo.InvariantCulture),
                (100.0 * testStats.Positives[c] / testStats.Images).ToString("F1", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"labels per scene: train {trainStats.MeanPositivesPerImage:F2}, test {testStats.MeanPositivesPerImage:F2}"));
        foreach (var path in new[] { result.TrainManifestPath, result.TestManifestPath, result.TrainBoxesPath, result.TestBoxesPath })
        {
            AnsiConsole.MarkupLine($"  [green]{Markup.Escape(path)}[/]");
        }
    }

    private static int Guard(Action action) => CommandGuard.Run(action);
}
