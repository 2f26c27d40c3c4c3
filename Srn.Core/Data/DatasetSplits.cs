namespace Srn.Data;

/// <summary>What a dataset reader returns: the train and test manifests, where their images are, and what was dropped.</summary>
/// <param name="Name">The dataset's short name, used for file names (<c>&lt;name&gt;.train.csv</c>).</param>
/// <param name="Train">The training split.</param>
/// <param name="Test">The test split.</param>
/// <param name="ImageRoot">The directory the manifests' relative image paths are relative to.</param>
/// <param name="Report">What was dropped and why.</param>
public sealed record DatasetSplits(string Name, Manifest Train, Manifest Test, string ImageRoot, ReadReport Report)
{
    /// <summary>The manifest file names: <c>&lt;name&gt;.train.csv</c> and <c>&lt;name&gt;.test.csv</c>.</summary>
    /// <param name="directory">The directory they go in.</param>
    /// <returns>The two paths.</returns>
    public (string Train, string Test) ManifestPaths(string directory) =>
        (Path.Combine(directory, $"{Name}.train.csv"), Path.Combine(directory, $"{Name}.test.csv"));

    /// <summary>Writes both manifests (atomically) into <paramref name="directory"/>.</summary>
    /// <param name="directory">The output directory; created if needed.</param>
    /// <param name="absolutePaths">Whether to write absolute image paths (resolved against <see cref="ImageRoot"/>) instead of relative ones.</param>
    /// <returns>The two paths written.</returns>
    public (string Train, string Test) Write(string directory, bool absolutePaths = false)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var paths = ManifestPaths(directory);
        var root = Path.GetFullPath(ImageRoot);
        Func<string, string> map = absolutePaths ? image => Manifest.ResolveImage(root, image) : image => image;
        Train.MapImages(map).Write(paths.Train);
        Test.MapImages(map).Write(paths.Test);
        return paths;
    }
}
