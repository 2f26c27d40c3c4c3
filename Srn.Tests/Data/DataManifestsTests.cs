using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Srn.Data;
using Srn.Tests.TestSupport;

namespace Srn.Tests.Data;

/// <summary>
/// The repository's data-manifests/ folder: class lists equal to what the readers write, counts equal to the README's,
/// the default FashionScenes generation's first scenes and stamp, and no dead link in its README.
/// </summary>
[TestFixture]
public sealed partial class DataManifestsTests
{
    private static readonly string Folder = Path.Combine(Repository.Root(), "data-manifests");

    private string dir = null!;

    [SetUp]
    public void MakeDir() => dir = Directory.CreateTempSubdirectory("srn-data-manifests-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    [Test]
    public void Coco_classes_are_what_the_reader_writes_from_the_80_categories()
    {
        // The fixture's annotation files list the real 80 categories, out of id order.
        var s = Coco2014Reader.Read(DataFixtures.Path("coco"));
        Assert.That(ClassList("coco2014"), Is.EqualTo(s.Train.Classes));
    }

    [Test]
    public void Voc_classes_are_the_readers()
    {
        Assert.That(ClassList("voc2007"), Is.EqualTo(Voc2007Reader.Classes));
    }

    [Test]
    public void Vg200_classes_are_the_readers_default_names_and_load_as_class_names_file()
    {
        var path = Path.Combine(Folder, "vg200", "classes.txt");
        Assert.That(ClassList("vg200"), Is.EqualTo(Vg200Reader.Read(DataFixtures.Path("vg200")).Train.Classes));
        Assert.That(Vg200Reader.Read(DataFixtures.Path("vg200"), new Vg200Options { ClassNamesFile = path }).Test.Classes, Is.EqualTo(ClassList("vg200")));
    }

    [Test]
    public void Wider_attributes_are_what_the_reader_reads_from_the_annotations_attribute_id_map()
    {
        // The fixture's annotation files carry the dataset's own attribute_id_map (with its spelling "Tshiirt").
        var root = DataFixtures.Path("wider");
        var crops = Directory.CreateTempSubdirectory("srn-wider-classes-").FullName;
        try
        {
            var splits = WiderAttributeReader.Read(root, new WiderAttributeOptions { CropDirectory = crops });
            Assert.That(ClassList("wider-attribute"), Is.EqualTo(splits.Train.Classes));
        }
        finally
        {
            Directory.Delete(crops, recursive: true);
        }
    }

    [Test]
    public void FashionScenes_classes_are_the_generators()
    {
        Assert.That(ClassList("fashion-scenes"), Is.EqualTo(FashionScenesGenerator.Classes));
    }

    [Test]
    public void Nus_wide_concepts_are_in_alphabetical_order()
    {
        // The reader takes the order from the dataset's Concepts81.txt, which is alphabetical; the copy here must be too.
        var concepts = ClassList("nus-wide");
        Assert.That(concepts, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(concepts, Does.Contain("earthquake").And.Contain("zebra"));
    }

    [Test]
    public void Class_counts_are_those_the_readme_states()
    {
        var readme = File.ReadAllText(Path.Combine(Folder, "README.md"));
        var stated = ClassCountRow().Matches(readme).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.That(stated, Is.EquivalentTo(new Dictionary<string, int>
        {
            ["coco2014"] = 80, ["voc2007"] = 20, ["nus-wide"] = 81, ["vg200"] = 200, ["wider-attribute"] = 14, ["fashion-scenes"] = 10,
        }));
        foreach (var (name, count) in stated)
        {
            Assert.That(ClassList(name), Has.Count.EqualTo(count), name);
        }
    }

    [Test]
    public void Class_files_are_one_unique_name_a_line()
    {
        foreach (var file in Directory.GetFiles(Folder, "classes.txt", SearchOption.AllDirectories))
        {
            var lines = File.ReadAllText(file).Split('\n');
            Assert.That(lines[^1], Is.Empty, $"{file}: the last line ends with LF");
            var names = lines[..^1];
            Assert.That(names, Is.Unique.And.All.Not.Empty, file);
            Assert.That(names.Where(n => n != n.Trim() || n.Contains('\r', StringComparison.Ordinal)), Is.Empty, $"{file}: spaces around a name, or CRLF");
        }
    }

    [TestCase(SceneSplit.Train)]
    [TestCase(SceneSplit.Test)]
    public void FashionScenes_head_rows_are_what_the_generator_makes_with_the_default_options(SceneSplit split)
    {
        var name = FashionScenesDataset.SplitName(split);
        var manifestHead = Path.Combine(Folder, "fashion-scenes", $"fashion_scenes.{name}.head.csv");
        var boxesHead = Path.Combine(Folder, "fashion-scenes", $"fashion_scenes.{name}.boxes.head.csv");
        var n = Manifest.Read(manifestHead).Rows.Count;
        Assert.That(n, Is.EqualTo(50));

        var generator = new FashionScenesGenerator(DataFixtures.FashionMnist, new FashionScenesOptions());
        var rows = new ManifestRow[n];
        var boxes = new ImageBoxes();
        for (var i = 0; i < n; i++)
        {
            var scene = generator.Generate(split, i);
            var image = FashionScenesDataset.ImagePath(split, i, new PngImageWriter().Extension);
            rows[i] = new ManifestRow(image, scene.Labels.AsSpan());
            foreach (var box in scene.Boxes)
            {
                boxes.Add(image, box);
            }
        }

        // Byte for byte, through the same writers as `srn data fashion-scenes`: the README's fingerprints are of bytes.
        var manifestPath = Path.Combine(dir, "head.csv");
        var boxesPath = Path.Combine(dir, "head.boxes.csv");
        new Manifest(FashionScenesGenerator.Classes, rows).Write(manifestPath);
        BoxesFile.Write(boxesPath, boxes, FashionScenesGenerator.Classes);
        Assert.That(File.ReadAllText(manifestPath), Is.EqualTo(File.ReadAllText(manifestHead)));
        Assert.That(File.ReadAllText(boxesPath), Is.EqualTo(File.ReadAllText(boxesHead)));
    }

    [Test]
    public void FashionScenes_stamp_is_the_default_generations()
    {
        var generator = new FashionScenesGenerator(DataFixtures.FashionMnist, new FashionScenesOptions());
        var committed = File.ReadAllText(Path.Combine(Folder, "fashion-scenes", FashionScenesDataset.StampFile));
        Assert.That(FashionScenesDataset.Stamp(generator, new PngImageWriter()), Is.EqualTo(committed));
    }

    [Test]
    public void Checksums_agree_with_the_stamp_and_the_readme()
    {
        var sums = File.ReadAllLines(Path.Combine(Folder, "fashion-scenes", "SHA256SUMS"))
            .Select(l => l.Split("  "))
            .ToDictionary(p => p[1], p => p[0]);
        Assert.That(sums.Keys, Is.EquivalentTo(new[]
        {
            "fashion_scenes.train.csv", "fashion_scenes.test.csv", "fashion_scenes.train.boxes.csv", "fashion_scenes.test.boxes.csv", "fashion_scenes.json",
        }));
        var stamp = File.ReadAllBytes(Path.Combine(Folder, "fashion-scenes", FashionScenesDataset.StampFile));
        Assert.That(sums["fashion_scenes.json"], Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(stamp))));
        var readme = File.ReadAllText(Path.Combine(Folder, "README.md"));
        foreach (var (file, hash) in sums)
        {
            Assert.That(readme, Does.Contain($"| `{file}` |").And.Contain($"`{hash}`"), file);
        }
    }

    [Test]
    public void Every_file_the_readme_links_exists()
    {
        var readme = File.ReadAllText(Path.Combine(Folder, "README.md"));
        var links = MarkdownLink().Matches(readme)
            .Select(m => m.Groups[1].Value)
            .Where(l => !l.Contains("://", StringComparison.Ordinal) && !l.StartsWith('#'))
            .Select(l => l.Split('#')[0])
            .ToList();
        Assert.That(links, Has.Count.GreaterThanOrEqualTo(12), "the README links the class lists and the FashionScenes files");
        var missing = links.Where(l => !File.Exists(Path.Combine(Folder, l)) && !Directory.Exists(Path.Combine(Folder, l)));
        Assert.That(missing, Is.Empty);
    }

    private static List<string> ClassList(string dataset) =>
        [.. File.ReadAllText(Path.Combine(Folder, dataset, "classes.txt")).Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    // A row of the README's summary table: "| [x/classes.txt](x/classes.txt) | 80 |".
    [GeneratedRegex(@"\| \[([a-z0-9-]+)/classes\.txt\]\(\1/classes\.txt\) \| (\d+) \|")]
    private static partial Regex ClassCountRow();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
