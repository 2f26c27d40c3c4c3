namespace Srn.Data;

/// <summary>
/// Reads a user dataset already in the manifest format: <c>&lt;name&gt;.train.csv</c> and <c>&lt;name&gt;.test.csv</c> in the
/// root, with the same classes in the same order. Images are checked under <see cref="ManifestDatasetOptions.ImageRoot"/>
/// (the root by default).
/// </summary>
public static class ManifestDatasetReader
{
    /// <summary>Reads both splits.</summary>
    /// <param name="root">The directory holding the two manifests.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <returns>The manifests and what was dropped.</returns>
    /// <exception cref="FileNotFoundException">The pair of manifests is not there, or the name is ambiguous.</exception>
    /// <exception cref="DataFormatException">A manifest is malformed, or the two have different classes.</exception>
    /// <exception cref="MissingImagesException">Images are missing and <see cref="DatasetReaderOptions.MissingImages"/> is Error.</exception>
    public static DatasetSplits Read(string root, ManifestDatasetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        options ??= new ManifestDatasetOptions();
        var name = options.Name ?? DiscoverName(root);
        var trainPath = Path.Combine(root, $"{name}.train.csv");
        var testPath = Path.Combine(root, $"{name}.test.csv");
        var train = Manifest.Read(trainPath);
        var test = Manifest.Read(testPath);
        if (!train.Classes.SequenceEqual(test.Classes, StringComparer.Ordinal))
        {
            throw new DataFormatException(testPath, 1,
                $"the classes differ from those of {trainPath}: [{string.Join(", ", test.Classes)}] against [{string.Join(", ", train.Classes)}]");
        }

        var imageRoot = options.ImageRoot ?? root;
        var report = new ReadReport();
        train = ReaderSupport.CheckImages(train, "train", imageRoot, options.MissingImages, report);
        test = ReaderSupport.CheckImages(test, "test", imageRoot, options.MissingImages, report);
        return new DatasetSplits(name, train, test, imageRoot, report);
    }

    private static string DiscoverName(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Manifest directory not found: {root}");
        }

        var names = Directory.GetFiles(root, "*.train.csv").Select(p => Path.GetFileName(p)[..^".train.csv".Length]).Order(StringComparer.Ordinal).ToArray();
        return names.Length switch
        {
            1 => names[0],
            0 => throw new FileNotFoundException($"No <name>.train.csv manifest in {Path.GetFullPath(root)}."),
            _ => throw new FileNotFoundException($"Several manifests in {Path.GetFullPath(root)} ({string.Join(", ", names)}); give the name."),
        };
    }
}
