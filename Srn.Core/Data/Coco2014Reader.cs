using System.Globalization;

namespace Srn.Data;

/// <summary>
/// Reads MS-COCO 2014 into manifests: <c>annotations/instances_{train,val}2014.json</c> under the root, images in
/// <c>train2014/</c> and <c>val2014/</c>. The test split is val2014. Image-level labels are the set of the image's annotation
/// categories; the 80 classes are in ascending category-id order (ids 1..90 with gaps), named by <c>categories[].name</c>.
/// Rows follow the order of <c>images[]</c>. Images without annotations are kept as all-negative unless
/// <see cref="CocoOptions.DropUnannotated"/>.
/// </summary>
/// <remarks>The PyTorch equivalent is ML-GCN's and HCP-MLR-PL's <c>COCO2014</c> dataset classes, which derive the same labels via pycocotools.</remarks>
public static class Coco2014Reader
{
    /// <summary>The dataset name used for manifest file names.</summary>
    public const string Name = "coco2014";

    /// <summary>The reason dropped unannotated images are reported under.</summary>
    public const string UnannotatedReason = "no annotations";

    /// <summary>Reads both splits.</summary>
    /// <param name="root">The COCO root (holding <c>annotations/</c>, <c>train2014/</c>, <c>val2014/</c>).</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <returns>The manifests and what was dropped.</returns>
    /// <exception cref="DataFormatException">An annotation file is malformed or inconsistent.</exception>
    /// <exception cref="MissingImagesException">Images are missing and <see cref="DatasetReaderOptions.MissingImages"/> is Error.</exception>
    public static DatasetSplits Read(string root, CocoOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        options ??= new CocoOptions();
        var trainPath = Path.Combine(root, "annotations", "instances_train2014.json");
        var valPath = Path.Combine(root, "annotations", "instances_val2014.json");
        var train = DataJsonContext.Load(trainPath, "COCO annotations", DataJsonContext.Default.CocoInstances);
        var val = DataJsonContext.Load(valPath, "COCO annotations", DataJsonContext.Default.CocoInstances);
        var categories = Categories(train, trainPath);
        var valCategories = Categories(val, valPath);
        if (!categories.Select(c => (c.Id, c.Name)).SequenceEqual(valCategories.Select(c => (c.Id, c.Name))))
        {
            throw new DataFormatException(valPath, 0, $"the categories differ from those of {trainPath}");
        }

        var report = new ReadReport();
        var trainManifest = Build(train, trainPath, "train2014", "train", categories, options, report);
        var testManifest = Build(val, valPath, "val2014", "test", categories, options, report);
        trainManifest = ReaderSupport.CheckImages(trainManifest, "train", root, options.MissingImages, report);
        testManifest = ReaderSupport.CheckImages(testManifest, "test", root, options.MissingImages, report);
        return new DatasetSplits(Name, trainManifest, testManifest, root, report);
    }

    private static List<(int Id, string Name)> Categories(CocoInstances file, string path)
    {
        if (file.Categories is not { Count: > 0 } categories)
        {
            throw new DataFormatException(path, 0, "no categories[]");
        }

        var sorted = categories.Select(c => (c.Id, Name: c.Name?.Trim() ?? "")).OrderBy(c => c.Id).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Id == sorted[i - 1].Id)
            {
                throw new DataFormatException(path, 0, string.Create(CultureInfo.InvariantCulture, $"category id {sorted[i].Id} appears twice in categories[]"));
            }
        }

        var error = Manifest.CheckClasses([.. sorted.Select(c => c.Name)], columnOffset: 1);
        if (error is not null)
        {
            throw new DataFormatException(path, 0, $"categories[]: {error}");
        }

        return sorted;
    }

    private static Manifest Build(
        CocoInstances file, string path, string imageDir, string split, List<(int Id, string Name)> categories, CocoOptions options, ReadReport report)
    {
        if (file.Images is not { } images)
        {
            throw new DataFormatException(path, 0, "no images[]");
        }

        var classOf = categories.Select((c, i) => (c.Id, i)).ToDictionary(p => p.Id, p => p.i);
        var rowOf = new Dictionary<long, int>(images.Count);
        var labels = new sbyte[images.Count][];
        for (var i = 0; i < images.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(images[i].FileName))
            {
                throw new DataFormatException(path, 0, string.Create(CultureInfo.InvariantCulture, $"image {images[i].Id} has no file_name"));
            }

            if (!rowOf.TryAdd(images[i].Id, i))
            {
                throw new DataFormatException(path, 0, string.Create(CultureInfo.InvariantCulture, $"image id {images[i].Id} appears twice in images[]"));
            }

            labels[i] = new sbyte[categories.Count];
            Array.Fill(labels[i], (sbyte)-1);
        }

        var annotated = new bool[images.Count];
        foreach (var a in file.Annotations ?? [])
        {
            if (!rowOf.TryGetValue(a.ImageId, out var row))
            {
                throw new DataFormatException(path, 0, string.Create(CultureInfo.InvariantCulture, $"annotation {a.Id} refers to image {a.ImageId}, which is not in images[]"));
            }

            if (!classOf.TryGetValue(a.CategoryId, out var cls))
            {
                throw new DataFormatException(path, 0, string.Create(CultureInfo.InvariantCulture, $"annotation {a.Id} has category {a.CategoryId}, which is not in categories[]"));
            }

            labels[row][cls] = 1;
            annotated[row] = true;
        }

        var rows = new List<ManifestRow>(images.Count);
        var unannotated = new List<string>();
        for (var i = 0; i < images.Count; i++)
        {
            var image = $"{imageDir}/{images[i].FileName!.Trim()}";
            if (!annotated[i] && options.DropUnannotated)
            {
                unannotated.Add(image);
                continue;
            }

            rows.Add(new ManifestRow(image, labels[i]));
        }

        var without = annotated.Count(a => !a);
        if (options.DropUnannotated)
        {
            report.AddDropped(split, UnannotatedReason, unannotated);
        }
        else if (without > 0)
        {
            report.AddNote(string.Create(CultureInfo.InvariantCulture, $"{split}: kept {without} images without annotations as all-negative"));
        }

        return new Manifest(categories.Select(c => c.Name), rows, path, lines: null);
    }
}
