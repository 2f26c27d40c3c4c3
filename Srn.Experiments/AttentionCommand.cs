using System.CommandLine;
using System.Globalization;
using System.Text;
using Spectre.Console;
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
/// order) whose rows and columns <c>DIR/overview.csv</c> names, with each label's score.
/// </summary>
internal static class AttentionCommand
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg"];

    public static Command Create()
    {
        var checkpointOption = new Option<string>("--checkpoint") { Description = "An SRN checkpoint (srn train --method srn).", Required = true };
        var imagesOption = new Option<string[]>("--images") { Description = "Image files or directories (PNG, JPEG).", Required = true, AllowMultipleArgumentsPerToken = true };
        var outOption = new Option<string>("--out") { Description = "Output directory.", Required = true };
        var limit = new Option<int>("--limit") { Description = "At most this many images (from directories, in name order).", DefaultValueFactory = _ => 16 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var command = new Command("attention", "Write SRN attention heat maps over images as PNG, and a grid overview.")
        {
            checkpointOption, imagesOption, outOption, limit, device,
        };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var dev = DeviceOption.Parse(parse.GetValue(device)!);
            var images = ListImages(parse.GetValue(imagesOption)!, parse.GetValue(limit));
            var (method, _) = CheckpointModel.Load(parse.GetValue(checkpointOption)!, dev);
            using (method)
            {
                if (method is not SrnMethod srn)
                {
                    throw new ArgumentException($"{parse.GetValue(checkpointOption)} is a '{method.Name}' checkpoint; attention maps need an SRN checkpoint.");
                }

                var written = Write(srn, images, parse.GetValue(outOption)!, dev);
                AnsiConsole.MarkupLine($"wrote {written} heat maps and overview.png to [green]{Markup.Escape(Path.GetFullPath(parse.GetValue(outOption)!))}[/]");
            }
        }));
        return command;
    }

    /// <summary>Renders every image's maps; returns how many heat maps were written.</summary>
    public static int Write(SrnMethod method, IReadOnlyList<string> images, string outDir, Device device)
    {
        Directory.CreateDirectory(outDir);
        var setup = method.Setup;
        var size = setup.ImageSize;
        var transform = ImageRecipes.Test(size, ModelRegistry.Config(setup.Backbone));
        var net = method.Network;
        net.Eval();
        var rows = new List<Tensor>();
        var index = new StringBuilder("row,image,column,class,score\n");
        var count = 0;
        using var scope = DisposeScope.Enter();
        using var noGrad = Autograd.NoGrad();
        for (var r = 0; r < images.Count; r++)
        {
            var original = ImageCodec.Decode(images[r]);
            var input = transform.Apply(new ImageSample(original.Clone()), new Random(0)).Image.Unsqueeze(0).To(device);
            using var output = net.Forward(input, SrnHeads.All);
            var maps = output.Attention!.Cpu();
            var scores = output.Fused!.Cpu().Sigmoid().ToArray<float>();
            var tile = Functional.InterpolateAntialias(original.To(ScalarType.Float32).Unsqueeze(0), (size, size)).Squeeze(0).Round().Clamp(0, 255).To(ScalarType.UInt8);
            var tiles = new List<Tensor> { tile };
            index.Append(CultureInfo.InvariantCulture, $"{r},{Csv(images[r])},0,(image),\n");
            var stem = Path.GetFileNameWithoutExtension(images[r]);
            for (var c = 0; c < setup.NumClasses; c++)
            {
                var map = maps[0, c];
                ImageCodec.SavePng(Path.Combine(outDir, $"{stem}_{setup.ClassNames[c]}.png"), HeatMap.Blend(original, map));
                tiles.Add(HeatMap.Blend(tile, map));
                index.Append(CultureInfo.InvariantCulture, $"{r},{Csv(images[r])},{c + 1},{setup.ClassNames[c]},{scores[c]:F4}\n");
                count++;
            }

            rows.Add(Tensor.Cat(tiles, 2));
        }

        ImageCodec.SavePng(Path.Combine(outDir, "overview.png"), Tensor.Cat(rows, 1));
        AtomicFile.WriteAllText(Path.Combine(outDir, "overview.csv"), index.ToString());
        return count;
    }

    private static List<string> ListImages(IEnumerable<string> paths, int limit)
    {
        var result = new List<string>();
        foreach (var p in paths)
        {
            if (Directory.Exists(p))
            {
                result.AddRange(Directory.EnumerateFiles(p).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(p))
            {
                result.Add(p);
            }
            else
            {
                throw new FileNotFoundException($"No such image or directory: {p}", p);
            }
        }

        if (result.Count == 0)
        {
            throw new ArgumentException("--images found no PNG or JPEG file.");
        }

        return [.. result.Take(Math.Max(1, limit))];
    }

    private static string Csv(string s) => s.Contains(',', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal) ? $"\"{s.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : s;
}
