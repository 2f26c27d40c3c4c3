using System.Security.Cryptography;
using System.Text.Json;
using Srn.Data;
using Srn.PartialLabels.Runs;

namespace Srn.Experiments.Runs;

/// <summary>
/// A dataset the commands train and evaluate on: FashionScenes (generated on first use into its directory, from the
/// Fashion-MNIST files of the Debian package), or a pair of manifests with an image root (docs/datasets.md).
/// </summary>
/// <param name="Name">Dataset name for results and run ids, e.g. <c>fashion-scenes</c>.</param>
/// <param name="Train">The training split (full labels; masks are applied per run).</param>
/// <param name="Test">The test split.</param>
/// <param name="TestBoxes">The test split's boxes when the dataset has them (attention pointing, CorLoc).</param>
/// <param name="Description">Where it came from, for logs.</param>
/// <param name="Fingerprint">SHA-256 (16 hex digits) of the train and test manifests' bytes: what the run's identity records.</param>
/// <param name="Generation">FashionScenes' generation parameters (its stamp, one line of JSON); empty for manifests.</param>
/// <param name="TestFingerprint">SHA-256 (16 hex digits) of the test manifest alone: eval compares it with the run's.</param>
internal sealed record DataSource(
    string Name, ManifestImageDataset Train, ManifestImageDataset Test, ImageBoxes? TestBoxes, string Description, string Fingerprint, string Generation,
    string TestFingerprint)
{
    private static readonly string[] RequiredFiles = ["train.csv", "test.csv", "test.boxes.csv"];

    /// <summary>The data of a run configuration.</summary>
    /// <param name="config">The configuration (dataset, data, manifests).</param>
    /// <param name="log">Receives a line when FashionScenes is generated.</param>
    /// <returns>The data.</returns>
    public static DataSource Open(RunConfiguration config, Action<string>? log) => config.Dataset switch
    {
        "manifests" => Manifests(
            config.TrainManifest ?? throw new RunConfigurationException("dataset 'manifests' needs --train-manifest."),
            config.TestManifest ?? throw new RunConfigurationException("dataset 'manifests' needs --test-manifest."),
            config.ImageRoot ?? throw new RunConfigurationException("dataset 'manifests' needs --image-root.")),
        _ => FashionScenes(config.Data, log),
    };

    /// <summary>
    /// FashionScenes in <paramref name="directory"/>: used as it is when it holds a complete generation (whatever its
    /// parameters, which the description and the run's record then show); generated there with the default options when
    /// the directory is missing, empty or holds an interrupted generation. Never overwrites anything else.
    /// </summary>
    /// <param name="directory">The directory.</param>
    /// <param name="log">Receives a line when generation starts.</param>
    /// <returns>The data.</returns>
    /// <exception cref="IOException">When the directory holds files that are not a FashionScenes generation.</exception>
    public static DataSource FashionScenes(string directory, Action<string>? log = null)
    {
        if (System.IO.File.Exists(directory))
        {
            throw new IOException($"{Path.GetFullPath(directory)} is a file; --data names the FashionScenes directory.");
        }

        var stampPath = Path.Combine(directory, FashionScenesDataset.StampFile);
        string File(string suffix) => Path.Combine(directory, $"{FashionScenesDataset.Name}.{suffix}");
        var complete = System.IO.File.Exists(stampPath) && RequiredFiles.All(s => System.IO.File.Exists(File(s)));
        Manifest train, test;
        if (complete)
        {
            // Headers only: a damaged image fails now, naming it, not in the middle of epoch 1.
            (train, test) = (Manifest.Read(File("train.csv")).CheckImages(directory).Manifest, Manifest.Read(File("test.csv")).CheckImages(directory).Manifest);
        }
        else
        {
            RefuseForeignFiles(directory);
            log?.Invoke($"generating FashionScenes into {Path.GetFullPath(directory)} (once; about a minute)");
            var written = FashionScenesDataset.Write(directory, new FashionScenesGenerator(FashionMnist.Load(), new FashionScenesOptions()), new PngImageWriter());
            (train, test) = (written.Train, written.Test);
        }

        var stamp = System.IO.File.ReadAllText(stampPath);
        var generation = JsonSerializer.Serialize(JsonSerializer.Deserialize<JsonElement>(stamp));
        var boxes = BoxesFile.Read(File("test.boxes.csv"), test.Classes);
        return new DataSource(
            "fashion-scenes", new ManifestImageDataset(train, directory), new ManifestImageDataset(test, directory, boxes), boxes,
            $"FashionScenes ({train.Count} train, {test.Count} test{Parameters(stamp)}) in {directory}",
            FilesFingerprint(File("train.csv"), File("test.csv")), generation, FilesFingerprint(File("test.csv")));
    }

    /// <summary>Two manifests over one image root; every image's header is checked now, not an epoch later.</summary>
    /// <param name="trainManifest">Training manifest.</param>
    /// <param name="testManifest">Test manifest (same classes).</param>
    /// <param name="imageRoot">Directory image paths are relative to.</param>
    /// <returns>The data.</returns>
    /// <exception cref="ArgumentException">When the class lists differ.</exception>
    public static DataSource Manifests(string trainManifest, string testManifest, string imageRoot)
    {
        var train = Manifest.Read(trainManifest).CheckImages(imageRoot).Manifest;
        var test = Manifest.Read(testManifest).CheckImages(imageRoot).Manifest;
        if (!train.Classes.SequenceEqual(test.Classes, StringComparer.Ordinal))
        {
            throw new ArgumentException($"{testManifest}: classes ({string.Join(", ", test.Classes)}) differ from {trainManifest}'s ({string.Join(", ", train.Classes)}).");
        }

        return new DataSource(
            RunIdentity.SafeName(Path.GetFileNameWithoutExtension(trainManifest)), new ManifestImageDataset(train, imageRoot), new ManifestImageDataset(test, imageRoot), null,
            $"{trainManifest} ({train.Count}) / {testManifest} ({test.Count}), images under {imageRoot}", FilesFingerprint(trainManifest, testManifest), "", FilesFingerprint(testManifest));
    }

    /// <summary>SHA-256 (16 hex digits) of files' bytes, in order.</summary>
    /// <param name="paths">The files.</param>
    /// <returns>The fingerprint.</returns>
    public static string FilesFingerprint(params string[] paths)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in paths)
        {
            sha.AppendData(System.IO.File.ReadAllBytes(path));
            sha.AppendData("\0"u8);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }

    // Generation writes images/ and the fashion_scenes.* files; anything else there is someone else's and stays untouched.
    private static void RefuseForeignFiles(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        var foreign = Directory.EnumerateFileSystemEntries(directory)
            .Select(Path.GetFileName)
            .Where(n => n != "images" && !n!.StartsWith(FashionScenesDataset.Name + ".", StringComparison.Ordinal))
            .Take(3)
            .ToArray();
        if (foreign.Length > 0)
        {
            throw new IOException(
                $"{Path.GetFullPath(directory)} holds files that are not a FashionScenes generation ({string.Join(", ", foreign)}); FashionScenes is generated only into an empty directory: choose another --data.");
        }
    }

    private static string Parameters(string stamp)
    {
        using var json = JsonDocument.Parse(stamp);
        var root = json.RootElement;
        var seed = root.TryGetProperty("seed", out var s) ? s.GetInt32() : 0;
        var canvas = root.TryGetProperty("canvas_size", out var c) ? c.GetInt32() : 112;
        var defaults = new FashionScenesOptions();
        return seed == defaults.Seed && canvas == defaults.CanvasSize ? "" : $", seed {seed}, {canvas} px";
    }
}
