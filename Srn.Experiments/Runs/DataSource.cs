using Srn.Data;

namespace Srn.Experiments.Runs;

/// <summary>
/// A dataset the commands can train and evaluate on: FashionScenes (generated on first use into its directory, from the
/// Fashion-MNIST files of the Debian package), or any pair of manifests with an image root (specs/datasets.md).
/// </summary>
/// <param name="Name">Dataset name for results, e.g. <c>fashion-scenes</c>.</param>
/// <param name="Train">The training split (full labels; masks are applied per run).</param>
/// <param name="Test">The test split.</param>
/// <param name="TestBoxes">The test split's boxes when the dataset has them (attention pointing, CorLoc).</param>
/// <param name="Description">Where it came from, for logs.</param>
internal sealed record DataSource(string Name, ManifestImageDataset Train, ManifestImageDataset Test, ImageBoxes? TestBoxes, string Description)
{
    /// <summary>The default FashionScenes directory, relative to the working directory.</summary>
    public const string DefaultFashionScenesDirectory = "data/fashion-scenes";

    /// <summary>FashionScenes in <paramref name="directory"/>, generated there with the default options when missing.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="log">Receives a line when generation starts.</param>
    /// <returns>The data.</returns>
    public static DataSource FashionScenes(string directory, Action<string>? log = null)
    {
        var options = new FashionScenesOptions();
        if (!File.Exists(Path.Combine(directory, FashionScenesDataset.StampFile)))
        {
            log?.Invoke($"generating FashionScenes into {Path.GetFullPath(directory)} (once; about a minute)");
        }

        var generator = new FashionScenesGenerator(FashionMnist.Load(), options);
        var written = FashionScenesDataset.Write(directory, generator, new PngImageWriter());
        var boxes = BoxesFile.Read(written.TestBoxesPath, written.Test.Classes);
        return new DataSource(
            "fashion-scenes", new ManifestImageDataset(written.Train, directory), new ManifestImageDataset(written.Test, directory, boxes), boxes,
            $"FashionScenes ({written.Train.Count} train, {written.Test.Count} test) in {directory}");
    }

    /// <summary>Two manifests over one image root.</summary>
    /// <param name="trainManifest">Training manifest.</param>
    /// <param name="testManifest">Test manifest (same classes).</param>
    /// <param name="imageRoot">Directory image paths are relative to.</param>
    /// <returns>The data.</returns>
    /// <exception cref="ArgumentException">When the class lists differ.</exception>
    public static DataSource Manifests(string trainManifest, string testManifest, string imageRoot)
    {
        // Every image is checked now, so a missing one fails before training, naming the files (not an epoch later).
        var train = Manifest.Read(trainManifest).CheckImages(imageRoot).Manifest;
        var test = Manifest.Read(testManifest).CheckImages(imageRoot).Manifest;
        if (!train.Classes.SequenceEqual(test.Classes, StringComparer.Ordinal))
        {
            throw new ArgumentException($"{testManifest}: classes ({string.Join(", ", test.Classes)}) differ from {trainManifest}'s ({string.Join(", ", train.Classes)}).");
        }

        return new DataSource(
            Path.GetFileNameWithoutExtension(trainManifest), new ManifestImageDataset(train, imageRoot), new ManifestImageDataset(test, imageRoot), null,
            $"{trainManifest} ({train.Count}) / {testManifest} ({test.Count}), images under {imageRoot}");
    }
}
