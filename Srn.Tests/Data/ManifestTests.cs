using Srn.Data;

namespace Srn.Tests.Data;

[TestFixture]
public sealed class ManifestTests
{
    private string dir = null!;

    [SetUp]
    public void MakeDir() => dir = Directory.CreateTempSubdirectory("srn-manifest-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static Manifest Sample() => new(
        ["cat", "dog", "traffic light"],
        [
            new ManifestRow("images/a.jpg", [1, -1, 0]),
            new ManifestRow("images/with, comma.jpg", [-1, 1, 1]),
            new ManifestRow("images/\"quoted\" name.jpg", [0, 0, 0]),
            new ManifestRow("/abs/ünïcode image.jpg", [-1, -1, -1]),
        ]);

    [Test]
    public void A_manifest_round_trips_through_its_file()
    {
        var m = Sample();
        var path = Path.Combine(dir, "sub", "x.train.csv");
        m.Write(path);
        var back = Manifest.Read(path);
        Assert.That(back.Classes, Is.EqualTo(m.Classes));
        Assert.That(back.Rows.Select(r => r.Image), Is.EqualTo(m.Rows.Select(r => r.Image)));
        Assert.That(back.ToLabelMatrix(), Is.EqualTo(m.ToLabelMatrix()));
        Assert.That(back.ToCsv(), Is.EqualTo(m.ToCsv()));
        Assert.That(back.Source, Is.EqualTo(path));
        Assert.That(Enumerable.Range(0, back.Count).Select(back.LineOf), Is.EqualTo(new[] { 2, 3, 4, 5 }));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Has.Length.EqualTo(1), "no temporary file is left behind");
    }

    [Test]
    public void The_file_is_the_documented_csv()
    {
        var m = new Manifest(["a", "b"], [new ManifestRow("x.jpg", [1, -1]), new ManifestRow("y, z.jpg", [0, 1])]);
        Assert.That(m.ToCsv(), Is.EqualTo("image,a,b\nx.jpg,1,-1\n\"y, z.jpg\",0,1\n"));
    }

    [Test]
    public void Writing_replaces_an_existing_file()
    {
        var path = WriteFile("m.csv", "old content that is longer than the new one, surely, yes it is\n");
        new Manifest(["a"], [new ManifestRow("x.jpg", [1])]).Write(path);
        Assert.That(File.ReadAllText(path), Is.EqualTo("image,a\nx.jpg,1\n"));
    }

    [Test]
    public void Reading_accepts_crlf_blank_lines_and_spaces_around_cells()
    {
        var path = WriteFile("m.csv", "image, a ,b\r\nx.jpg, 1 ,-1\r\n\r\ny.jpg,0,1\r\n\r\n");
        var m = Manifest.Read(path);
        Assert.That(m.Classes, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(m.ToLabelMatrix(), Is.EqualTo(new sbyte[] { 1, -1, 0, 1 }));
        Assert.That(m.LineOf(1), Is.EqualTo(4), "line numbers count the blank line");
    }

    [Test]
    public void A_header_only_manifest_has_no_rows()
    {
        var m = Manifest.Read(WriteFile("m.csv", "image,a,b\n"));
        Assert.That(m.Count, Is.Zero);
        Assert.That(m.ClassCount, Is.EqualTo(2));
    }

    private static readonly object[] BadFiles =
    [
        new object[] { "", 0, "empty file" },
        new object[] { "\n\n", 0, "empty file" },
        new object[] { "img,a,b\nx.jpg,1,1\n", 1, "the header must start with 'image', found 'img'" },
        new object[] { "image\nx.jpg\n", 1, "the header names no classes" },
        new object[] { "image,a,b,a\nx.jpg,1,1,1\n", 1, "duplicate class 'a' (columns 2 and 4)" },
        new object[] { "image,a,,b\nx.jpg,1,1,1\n", 1, "the class in column 3 has an empty name" },
        new object[] { "image,a,b\nx.jpg,1,1\ny.jpg,1\n", 3, "2 cells, expected 3 (image and 2 classes)" },
        new object[] { "image,a,b\nx.jpg,1,1\ny.jpg,1,1,1\n", 3, "4 cells, expected 3 (image and 2 classes)" },
        new object[] { "image,a,b\nx.jpg,1,1\n\ny.jpg,1,2\n", 4, "class 'b' (column 3) has '2'; a cell must be 1, -1 or 0" },
        new object[] { "image,a,b\nx.jpg,1.0,1\n", 2, "class 'a' (column 2) has '1.0'; a cell must be 1, -1 or 0" },
        new object[] { "image,a,b\nx.jpg,,1\n", 2, "class 'a' (column 2) has ''; a cell must be 1, -1 or 0" },
        new object[] { "image,a,b\n,1,1\n", 2, "empty image path" },
        new object[] { "image,a,b\nx.jpg,1,1\n\"y.jpg,1,1\n", 3, "malformed CSV" },
    ];

    [TestCaseSource(nameof(BadFiles))]
    public void Every_format_error_names_the_file_and_line(string text, int line, string detail)
    {
        var path = WriteFile("bad.train.csv", text);
        var e = Assert.Throws<DataFormatException>(() => Manifest.Read(path))!;
        Assert.That(e.FilePath, Is.EqualTo(path));
        Assert.That(e.Line, Is.EqualTo(line));
        Assert.That(e.Message, Does.StartWith(line > 0 ? $"{path}:{line}: " : $"{path}: "));
        Assert.That(e.Detail, Does.StartWith(detail));
    }

    [Test]
    public void Parsing_text_names_the_given_source()
    {
        var e = Assert.Throws<DataFormatException>(() => Manifest.Parse("image,a\nx.jpg,7\n", "inline.csv"))!;
        Assert.That(e.Message, Does.StartWith("inline.csv:2: class 'a' (column 2) has '7'"));
    }

    [Test]
    public void A_missing_file_is_named()
    {
        var path = Path.Combine(dir, "nope.csv");
        var e = Assert.Throws<FileNotFoundException>(() => Manifest.Read(path))!;
        Assert.That(e.Message, Does.Contain(path));
    }

    [Test]
    public void Missing_images_are_reported_all_at_once_with_their_lines()
    {
        Directory.CreateDirectory(Path.Combine(dir, "img"));
        foreach (var name in new[] { "b.jpg", "d.jpg" })
        {
            File.WriteAllBytes(Path.Combine(dir, "img", name), TinyImage()); // the check reads the headers
        }

        var path = WriteFile("m.csv", "image,a\nimg/a.jpg,1\nimg/b.jpg,1\nimg/c.jpg,-1\nimg/d.jpg,0\nimg/e.jpg,1\n");
        var e = Assert.Throws<MissingImagesException>(() => Manifest.Load(path, dir))!;
        Assert.That(e.Missing, Is.EqualTo(new[] { "img/a.jpg", "img/c.jpg", "img/e.jpg" }));
        Assert.That(e.Total, Is.EqualTo(5));
        Assert.That(e.Message, Does.StartWith($"{path}: 3 of 5 images are missing under image root '{dir}': line 2: img/a.jpg, line 4: img/c.jpg, line 6: img/e.jpg."));
        Assert.That(e.Message, Does.Contain("--missing-images drop"));

        var dropped = Manifest.Load(path, dir, MissingImagePolicy.Drop);
        Assert.That(dropped.DroppedCount, Is.EqualTo(3));
        Assert.That(dropped.Dropped, Is.EqualTo(e.Missing));
        Assert.That(dropped.Manifest.Rows.Select(r => r.Image), Is.EqualTo(new[] { "img/b.jpg", "img/d.jpg" }));
        Assert.That(dropped.Manifest.LineOf(1), Is.EqualTo(5), "kept rows keep their line numbers");

        var ignored = Manifest.Load(path, dir, MissingImagePolicy.Ignore);
        Assert.That(ignored.Manifest.Count, Is.EqualTo(5));
        Assert.That(ignored.DroppedCount, Is.Zero);
    }

    [Test]
    public void Long_lists_of_missing_images_are_cut_with_a_count()
    {
        var m = new Manifest(["a"], Enumerable.Range(0, 25).Select(i => new ManifestRow($"m{i}.jpg", [1])));
        var e = Assert.Throws<MissingImagesException>(() => m.CheckImages(dir))!;
        Assert.That(e.Message, Does.StartWith($"manifest: 25 of 25 images are missing"));
        Assert.That(e.Message, Does.Contain("m9.jpg, and 15 more."));
        Assert.That(e.Message, Does.Not.Contain("m10.jpg"));
        Assert.That(e.Missing, Has.Count.EqualTo(25));
    }

    [Test]
    public void Absolute_image_paths_ignore_the_root()
    {
        var image = Path.Combine(dir, "abs.jpg");
        File.WriteAllBytes(image, TinyImage());
        var m = new Manifest(["a"], [new ManifestRow(image, [1])]);
        Assert.That(m.CheckImages("/nonexistent-root").Manifest.Count, Is.EqualTo(1));
        Assert.That(Manifest.ResolveImage("/root", "x/y.jpg"), Is.EqualTo("/root/x/y.jpg"));
        Assert.That(Manifest.ResolveImage("/root", image), Is.EqualTo(image));
    }

    [Test]
    public void The_in_memory_constructor_checks_classes_and_rows()
    {
        Assert.That(() => new Manifest(["a", "a"], []), Throws.ArgumentException.With.Message.Contains("duplicate class 'a'"));
        Assert.That(() => new Manifest([], []), Throws.Nothing, "no rows, no classes: nothing to check");
        Assert.That(() => new Manifest(["a", "b"], [new ManifestRow("x.jpg", [1])]), Throws.ArgumentException.With.Message.Contains("has 1 labels, expected 2"));
        Assert.That(() => new Manifest(["a"], [new ManifestRow("x.jpg", [2])]), Throws.ArgumentException.With.Message.Contains("2 is not 1, -1 or 0"));
        Assert.That(() => new Manifest(["a"], [new ManifestRow(" ", [1])]), Throws.ArgumentException.With.Message.Contains("empty image path"));
    }

    [Test]
    public void Label_matrix_counts_subsets_and_class_lookup()
    {
        var m = Sample();
        Assert.That(m.ToLabelMatrix(), Is.EqualTo(new sbyte[] { 1, -1, 0, -1, 1, 1, 0, 0, 0, -1, -1, -1 }));
        Assert.That(m.CountPerClass(1), Is.EqualTo(new[] { 1, 1, 1 }));
        Assert.That(m.CountPerClass(0), Is.EqualTo(new[] { 1, 1, 2 }));
        Assert.That(m.CountPerClass(-1), Is.EqualTo(new[] { 2, 2, 1 }));
        Assert.That(m.IndexOfClass("traffic light"), Is.EqualTo(2));
        Assert.That(m.IndexOfClass("Traffic light"), Is.EqualTo(-1));
        Assert.That(m.Subset([3, 0]).Rows.Select(r => r.Image), Is.EqualTo(new[] { "/abs/ünïcode image.jpg", "images/a.jpg" }));
        Assert.That(m.Rows[1].PositiveClasses(), Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void Label_statistics_count_positives_cooccurrence_and_cardinality()
    {
        var m = new Manifest(["a", "b", "c"],
        [
            new ManifestRow("1", [1, 1, -1]),
            new ManifestRow("2", [1, -1, 1]),
            new ManifestRow("3", [1, 1, 0]),
            new ManifestRow("4", [-1, -1, -1]),
        ]);
        var s = LabelStatistics.Of(m);
        Assert.That(s.Positives, Is.EqualTo(new[] { 3, 2, 1 }));
        Assert.That(s.CoOccurrence(0, 1), Is.EqualTo(2));
        Assert.That(s.CoOccurrence(1, 2), Is.EqualTo(0));
        Assert.That(s.CoOccurrence(2, 2), Is.EqualTo(1));
        Assert.That(s.Conditional(1, 0), Is.EqualTo(1.0));
        Assert.That(s.Conditional(0, 1), Is.EqualTo(2.0 / 3));
        Assert.That(s.MeanPositivesPerImage, Is.EqualTo(1.5));
        Assert.That(Enumerable.Range(0, 4).Select(s.ImagesWithPositives), Is.EqualTo(new[] { 1, 0, 3, 0 }));
    }

    private static byte[] TinyImage()
    {
        using var pixels = Srn.Torch.Tensor.Zeros([1, 1, 1], Srn.Torch.ScalarType.UInt8);
        return Srn.Torch.IO.ImageCodec.EncodePng(pixels);
    }
}
