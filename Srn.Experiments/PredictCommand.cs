using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Srn.Data;
using Srn.Experiments.Results;
using Srn.Experiments.Runs;
using Srn.Models;
using Srn.PartialLabels.Runs;
using Srn.Training;
using Srn.Vision;

namespace Srn.Experiments;

/// <summary>
/// <c>srn predict --checkpoint C --images FILES|DIR --out scores.csv [--top K] [--device cpu]</c>: runs a trained
/// checkpoint on images and writes each image's class probabilities (the sigmoid of the logits of the method's prediction
/// head, as <c>srn eval</c> scores them: same transform, same <see cref="Evaluation.Run"/>) and its K most probable
/// classes, atomically (<see cref="ScoresCsv"/>). Prints the first images' top labels.
/// </summary>
internal static class PredictCommand
{
    /// <summary>Images shown in the printed table.</summary>
    private const int Shown = 10;

    public static Command Create()
    {
        var checkpointOption = CheckpointOptions.Checkpoint();
        var imagesOption = ImageInputs.CreateOption();
        var outOption = new Option<string>("--out") { Description = "The CSV to write: image,<class 1>,...,<class C>,top_labels (probabilities).", Required = true };
        var topOption = new Option<int>("--top") { Description = "How many labels top_labels lists per image (at least 1; at most the class count).", DefaultValueFactory = _ => 3 };
        var device = CheckpointOptions.Device();
        var command = new Command("predict", "Score images with a trained checkpoint: per-class probabilities and top labels as CSV.")
        {
            checkpointOption, imagesOption, outOption, topOption, device,
        };
        command.SetAction((parse, token) => Task.FromResult(CommandGuard.Run(() =>
        {
            var top = parse.GetValue(topOption);
            if (top < 1)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--top must be at least 1 (labels listed per image); got {top}."));
            }

            var outPath = parse.GetValue(outOption)!;
            if (Directory.Exists(outPath))
            {
                throw new ArgumentException($"--out {outPath} is a directory; name the CSV file to write, e.g. {Path.Combine(outPath, "scores.csv")}.");
            }

            var dev = DeviceOption.Parse(parse.GetValue(device)!);
            var images = ImageInputs.List(parse.GetValue(imagesOption)!);
            var checkpoint = parse.GetValue(checkpointOption)!;
            var (method, _, metadata) = CheckpointModel.LoadWithMetadata(checkpoint, dev);
            using (method)
            {
                var probabilities = Predict(method, images, dev, RunRecord.RecordedConfiguration(metadata, checkpoint), token);
                var classes = method.Setup.ClassNames;
                ScoresCsv.Write(outPath, images, classes, probabilities, top);
                Print(images, classes, probabilities, Math.Min(top, classes.Count), method);
                AnsiConsole.MarkupLine($"wrote {images.Count} image(s) x {classes.Count} classes to [green]{Markup.Escape(Path.GetFullPath(outPath))}[/]");
            }
        })));
        return command;
    }

    /// <summary>
    /// The probabilities of <paramref name="images"/> (N x C, image order): <see cref="Evaluation.Run"/> with the
    /// checkpoint's test transform, the path <c>srn eval</c> takes, then the sigmoid of its logits.
    /// </summary>
    /// <param name="method">The checkpoint's method.</param>
    /// <param name="images">Image paths.</param>
    /// <param name="device">Where to run.</param>
    /// <param name="recorded">The checkpoint's recorded run configuration (its test resize), or null for the method's own.</param>
    /// <param name="token">Stops early.</param>
    /// <exception cref="DataFormatException">An image does not decode (the message names it).</exception>
    public static double[,] Predict(TrainingMethod method, IReadOnlyList<string> images, Srn.Torch.Device device, RunConfiguration? recorded = null, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        var setup = method.Setup;
        var transform = RunExecutor.TestTransform(setup, recorded);
        var evaluation = Evaluation.Run(method, new UnlabelledImages(images, setup.ClassNames), transform, new TrainerOptions { Device = device }, token);
        return ScoresCsv.Sigmoid(evaluation.Scores);
    }

    private static void Print(List<string> images, IReadOnlyList<string> classes, double[,] probabilities, int top, TrainingMethod method)
    {
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"srn predict: {method.Setup.Method} ({method.Setup.Backbone}, {method.Setup.ImageSize}px), head {method.PredictionHead}, {images.Count} image(s)")));
        var table = new Table().AddColumns("image", $"top {top} (probability)");
        for (var i = 0; i < Math.Min(Shown, images.Count); i++)
        {
            var labels = ScoresCsv.TopClasses(probabilities, i, top)
                .Select(j => string.Create(CultureInfo.InvariantCulture, $"{classes[j]} {probabilities[i, j]:F3}"));
            table.AddRow(Markup.Escape(images[i]), Markup.Escape(string.Join(", ", labels)));
        }

        AnsiConsole.Write(table);
        if (images.Count > Shown)
        {
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"... and {images.Count - Shown} more in the CSV"));
        }
    }

    /// <summary>
    /// Image files decoded as <see cref="ManifestImageDataset"/> decodes them. Their labels are placeholders (every class
    /// present): <see cref="Evaluation.Run"/> also computes metrics, which need a known positive; predictions do not read
    /// labels, and those metrics are discarded.
    /// </summary>
    private sealed class UnlabelledImages(IReadOnlyList<string> paths, IReadOnlyList<string> classes) : IMultiLabelDataset
    {
        public int Count => paths.Count;

        public IReadOnlyList<string> Classes => classes;

        public MultiLabelItem Load(int index)
        {
            var labels = new sbyte[classes.Count];
            Array.Fill(labels, (sbyte)1);
            return new(new ImageSample(ImageInputs.Decode(paths[index])), labels, paths[index]);
        }
    }
}
