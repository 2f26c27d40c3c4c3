using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Srn.Torch.IO;

namespace Srn.Data;

/// <summary>
/// Writes a FashionScenes generation to a directory: the scene images (through an <see cref="IImageWriter"/>), the train and
/// test manifests, the boxes files and a stamp that makes the generation cached:
/// <code>
/// DIR/images/train/000000.ppm ...       DIR/images/test/000000.ppm ...
/// DIR/fashion_scenes.train.csv          DIR/fashion_scenes.test.csv          (manifests; image paths relative to DIR)
/// DIR/fashion_scenes.train.boxes.csv    DIR/fashion_scenes.test.boxes.csv    (image,class,x1,y1,x2,y2)
/// DIR/fashion_scenes.json                                                    (the stamp, written last)
/// </code>
/// A second call with the same options, data, writer format and <see cref="GeneratorVersion"/> finds the stamp and writes
/// nothing.
/// </summary>
public static partial class FashionScenesDataset
{
    /// <summary>The dataset name used for file names.</summary>
    public const string Name = "fashion_scenes";

    /// <summary>The version of the generator's algorithm and parameters; bumped whenever the bytes for a seed change.</summary>
    public const int GeneratorVersion = 1;

    /// <summary>The stamp file name.</summary>
    public const string StampFile = Name + ".json";

    private static readonly string[] FileSuffixes = ["train.csv", "test.csv", "train.boxes.csv", "test.boxes.csv"];
    private static readonly SceneSplit[] Splits = [SceneSplit.Train, SceneSplit.Test];

    /// <summary>The path of a scene's image relative to the output directory.</summary>
    /// <param name="split">The split.</param>
    /// <param name="index">The scene index.</param>
    /// <param name="extension">The image writer's extension.</param>
    /// <returns>For example <c>images/train/000042.ppm</c>.</returns>
    public static string ImagePath(SceneSplit split, int index, string extension) =>
        string.Create(CultureInfo.InvariantCulture, $"images/{SplitName(split)}/{index:D6}{extension}");

    /// <summary>"train" or "test".</summary>
    /// <param name="split">The split.</param>
    /// <returns>The name.</returns>
    public static string SplitName(SceneSplit split) => split == SceneSplit.Train ? "train" : "test";

    /// <summary>Generates and writes both splits, or finds them already written.</summary>
    /// <param name="directory">The output directory; created if needed.</param>
    /// <param name="generator">The generator (its options say the seed and sizes).</param>
    /// <param name="writer">Writes the images; its extension names them.</param>
    /// <param name="force">Regenerate even when the directory holds this generation, or another one.</param>
    /// <param name="progress">Receives the number of scenes done so far (from several threads).</param>
    /// <returns>The files and manifests.</returns>
    public static FashionScenesResult Write(string directory, FashionScenesGenerator generator, IImageWriter writer, bool force = false, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(writer);
        var clock = Stopwatch.StartNew();
        var stamp = Stamp(generator, writer);
        var stampPath = Path.Combine(directory, StampFile);
        string[] files = [.. FileSuffixes.Select(f => Path.Combine(directory, $"{Name}.{f}"))];
        if (!force && File.Exists(stampPath) && File.ReadAllText(stampPath) == stamp && files.All(File.Exists))
        {
            return new FashionScenesResult(directory, files[0], files[1], files[2], files[3], Manifest.Read(files[0]), Manifest.Read(files[1]), Cached: true, clock.Elapsed.TotalSeconds);
        }

        if (!force && File.Exists(stampPath) && File.ReadAllText(stampPath) is var existing && existing != stamp)
        {
            throw new IOException(
                $"{Path.GetFullPath(directory)} holds a FashionScenes generation with other parameters ({StampDifferences(existing, stamp)}); regenerating would overwrite it: choose another directory, or force it (srn data fashion-scenes --force).");
        }

        Directory.CreateDirectory(directory);
        File.Delete(stampPath);
        var done = 0;
        var manifests = new Manifest[2];
        foreach (var split in Splits)
        {
            var count = generator.Options.ScenesOf(split);
            var imageDir = Path.Combine(directory, "images", SplitName(split));
            Directory.CreateDirectory(imageDir);
            RemoveStale(imageDir, count, writer.Extension);
            var rows = new ManifestRow[count];
            var items = new IReadOnlyList<SceneItem>[count];
            Parallel.For(0, count, i =>
            {
                var scene = generator.Generate(split, i);
                var image = ImagePath(split, i, writer.Extension);
                writer.Write(Path.Combine(directory, image), scene.Pixels.Span, scene.Width, scene.Height);
                rows[i] = new ManifestRow(image, scene.Labels.AsSpan());
                items[i] = scene.Items;
                progress?.Report(Interlocked.Increment(ref done));
            });

            var manifest = new Manifest(FashionScenesGenerator.Classes, rows);
            var boxes = new ImageBoxes();
            for (var i = 0; i < count; i++)
            {
                foreach (var item in items[i])
                {
                    boxes.Add(rows[i].Image, item.Box);
                }
            }

            var k = (int)split;
            manifest.Write(files[k]);
            BoxesFile.Write(files[2 + k], boxes, FashionScenesGenerator.Classes);
            manifests[k] = manifest;
        }

        AtomicFile.WriteAllText(stampPath, stamp);
        return new FashionScenesResult(directory, files[0], files[1], files[2], files[3], manifests[0], manifests[1], Cached: false, clock.Elapsed.TotalSeconds);
    }

    // "seed 7 (asked: 0), train_scenes 48 (asked: 10000)": the keys whose values differ between two stamps.
    private static string StampDifferences(string existing, string asked)
    {
        try
        {
            using var a = JsonDocument.Parse(existing);
            using var b = JsonDocument.Parse(asked);
            var differences = b.RootElement.EnumerateObject()
                .Where(p => !a.RootElement.TryGetProperty(p.Name, out var v) || v.ToString() != p.Value.ToString())
                .Select(p => $"{p.Name} {(a.RootElement.TryGetProperty(p.Name, out var v) ? v.ToString() : "missing")} (asked: {p.Value})");
            return string.Join(", ", differences);
        }
        catch (JsonException)
        {
            return "its stamp file is not readable";
        }
    }

    /// <summary>The stamp of a generation: everything its bytes depend on.</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="writer">The image writer.</param>
    /// <returns>JSON text.</returns>
    public static string Stamp(FashionScenesGenerator generator, IImageWriter writer)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(writer);
        var o = generator.Options;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("generator", "FashionScenes");
            json.WriteNumber("version", GeneratorVersion);
            json.WriteNumber("seed", o.Seed);
            json.WriteNumber("train_scenes", o.TrainScenes);
            json.WriteNumber("test_scenes", o.TestScenes);
            json.WriteNumber("canvas_size", o.CanvasSize);
            json.WriteNumber("scattered_fraction", o.ScatteredFraction);
            json.WriteNumber("background_noise", o.BackgroundNoise);
            json.WriteString("image_format", writer.Extension);
            json.WriteString("fashion_mnist_sha256", generator.Source.Fingerprint);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Removes scene images a previous, larger or other-format generation left that this one will not overwrite.</summary>
    private static void RemoveStale(string imageDir, int count, string extension)
    {
        foreach (var path in Directory.EnumerateFiles(imageDir))
        {
            var match = SceneFileName().Match(Path.GetFileName(path));
            if (match.Success && (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) >= count || match.Groups[2].Value != extension))
            {
                File.Delete(path);
            }
        }
    }

    [GeneratedRegex(@"^(\d{6})(\.[A-Za-z0-9]+)$")]
    private static partial Regex SceneFileName();
}
