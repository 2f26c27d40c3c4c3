using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Srn.Data;
using Srn.Experiments.Results;
using Srn.Experiments.Runs;
using Srn.Models;
using Srn.Torch;
using Srn.Torch.IO;
using Srn.Training;
using Srn.Training.Methods;
using Srn.Vision;

namespace Srn.Experiments;

/// <summary>
/// <c>srn attention --checkpoint C --images PATH... --out DIR</c>: SRN's per-label attention maps A, upsampled to each
/// image and blended over it as a heat map (the paper's figures): <c>DIR/&lt;image&gt;_&lt;class&gt;.png</c> for every image
/// and label, and <c>DIR/overview.png</c>, a grid with one row per image (the image, then one tile per label, in class
/// order) whose rows and columns <c>DIR/overview.csv</c> names, with each label's score and the heat map's file.
/// Image stems and class names pass through <see cref="SafeFileNames.Component"/> (no separators, no <c>..</c>, bounded
/// length) and are made unique within the run (<c>x</c>, <c>x-2</c>, ...), so no file is written outside DIR or twice.
/// </summary>
internal static class AttentionCommand
{
    public static Command Create()
    {
        var checkpointOption = CheckpointOptions.Checkpoint("An SRN checkpoint (srn train --method srn).");
        var imagesOption = ImageInputs.CreateOption();
        var outOption = new Option<string>("--out") { Description = "Output directory.", Required = true };
        var limit = new Option<int>("--limit") { Description = "At most this many images (at least 1; directories in name order).", DefaultValueFactory = _ => 16 };
        var device = CheckpointOptions.Device();
        var command = new Command("attention", "Write SRN attention heat maps over images as PNG, and a grid overview.")
        {
            checkpointOption, imagesOption, outOption, limit, device,
        };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var dev = DeviceOption.Parse(parse.GetValue(device)!);
            var images = ImageInputs.List(parse.GetValue(imagesOption)!, parse.GetValue(limit));
            var (method, _) = CheckpointModel.Load(parse.GetValue(checkpointOption)!, dev);
            using (method)
            {
                if (method is not SrnMethod srn)
                {
                    throw new ArgumentException($"{parse.GetValue(checkpointOption)} is a '{method.Name}' checkpoint; attention maps need an SRN checkpoint.");
                }

                var written = Write(srn, images, parse.GetValue(outOption)!, dev);
                AnsiConsole.MarkupLine($"wrote {written} heat maps ({images.Count} images x {srn.Setup.NumClasses} labels), overview.png and overview.csv to [green]{Markup.Escape(Path.GetFullPath(parse.GetValue(outOption)!))}[/]");
            }
        }));
        return command;
    }

    /// <summary>Renders every image's maps; returns how many heat map files were written (each to its own name).</summary>
    public static int Write(SrnMethod method, IReadOnlyList<string> images, string outDir, Device device)
    {
        Directory.CreateDirectory(outDir);
        var setup = method.Setup;
        var size = setup.ImageSize;
        var transform = ImageRecipes.Test(size, ModelRegistry.Config(setup.Backbone));
        var net = method.Network;
        net.Eval();
        var rows = new List<Tensor>();
        var index = new List<string[]>();
        var names = new SafeFileNames();
        names.Claim("overview");
        var classParts = new SafeFileNames();
        var classNames = setup.ClassNames.Select(c => classParts.Claim(SafeFileNames.Component(c))).ToArray();
        var imageParts = new SafeFileNames();
        var written = new HashSet<string>(StringComparer.Ordinal);
        using var scope = DisposeScope.Enter();
        using var noGrad = Autograd.NoGrad();
        for (var r = 0; r < images.Count; r++)
        {
            var original = ImageInputs.Decode(images[r]);
            var input = transform.Apply(new ImageSample(original.Clone()), new Random(0)).Image.Unsqueeze(0).To(device);
            using var output = net.Forward(input, SrnHeads.All);
            var maps = output.Attention!.Cpu();
            var scores = output.Fused!.Cpu().Sigmoid().ToArray<float>();
            var tile = Functional.InterpolateAntialias(original.To(ScalarType.Float32).Unsqueeze(0), (size, size)).Squeeze(0).Round().Clamp(0, 255).To(ScalarType.UInt8);
            var tiles = new List<Tensor> { tile };
            var row = r.ToString(CultureInfo.InvariantCulture);
            index.Add([row, images[r], "0", "(image)", string.Empty, string.Empty]);
            var stem = imageParts.Claim(SafeFileNames.Component(Path.GetFileNameWithoutExtension(images[r])));
            for (var c = 0; c < setup.NumClasses; c++)
            {
                var map = maps[0, c];
                var file = names.Claim($"{stem}_{classNames[c]}") + ".png";
                var path = SafeFileNames.Inside(outDir, file);
                ImageCodec.SavePng(path, HeatMap.Blend(original, map));
                written.Add(path);
                tiles.Add(HeatMap.Blend(tile, map));
                index.Add([row, images[r], (c + 1).ToString(CultureInfo.InvariantCulture), setup.ClassNames[c], scores[c].ToString("F4", CultureInfo.InvariantCulture), file]);
            }

            rows.Add(Tensor.Cat(tiles, 2));
        }

        ImageCodec.SavePng(SafeFileNames.Inside(outDir, "overview.png"), Tensor.Cat(rows, 1));
        CsvCells.Write(SafeFileNames.Inside(outDir, "overview.csv"), ["row", "image", "column", "class", "score", "file"], index);
        return written.Count;
    }
}
