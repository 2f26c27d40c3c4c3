using System.Text;
using Srn.Data;
using Srn.PartialLabels.Masking;

namespace Srn.Tests.PartialLabels;

/// <summary>The <c>file</c> protocol: a user's partial label manifest, matched by image and class, and every way it can fail to match.</summary>
[TestFixture]
public sealed class PartialLabelFileTests
{
    private string dir = null!;
    private Manifest dataset = null!;

    [SetUp]
    public void MakeDir()
    {
        dir = Directory.CreateTempSubdirectory("srn-partial-").FullName;
        dataset = MaskingTests.ManifestOf(MaskingTests.RandomLabels(5, 3, seed: 1, positiveRate: 0.5), Path.Combine(dir, "train.csv"));
    }

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    /// <summary>Writes the dataset's labels with some hidden, rows reversed and columns in the given order, plus extra lines.</summary>
    private string Write(int[] columns, Func<int, int, sbyte, sbyte>? cell = null, IEnumerable<string>? extraRows = null, bool dropLastImage = false)
    {
        var text = new StringBuilder("image," + string.Join(",", columns.Select(c => dataset.Classes[c]))).Append('\n');
        var rows = Enumerable.Range(0, dataset.Count).Reverse().Skip(dropLastImage ? 1 : 0);
        foreach (var n in rows)
        {
            text.Append(dataset.Rows[n].Image);
            foreach (var c in columns)
            {
                var truth = dataset.Rows[n].Labels[c];
                var value = cell?.Invoke(n, c, truth) ?? ((n + c) % 2 == 0 ? (sbyte)0 : truth);
                text.Append(',').Append(value);
            }

            text.Append('\n');
        }

        foreach (var extra in extraRows ?? [])
        {
            text.Append(extra).Append('\n');
        }

        var path = Path.Combine(dir, "partial.csv");
        System.IO.File.WriteAllText(path, text.ToString());
        return path;
    }

    [Test]
    public void Rows_and_columns_are_matched_by_name()
    {
        var path = Write([2, 0, 1]);
        var labels = PartialLabelFile.Read(path, dataset);
        for (var n = 0; n < dataset.Count; n++)
        {
            for (var c = 0; c < 3; c++)
            {
                Assert.That(labels[n, c], Is.EqualTo((n + c) % 2 == 0 ? 0 : dataset.Rows[n].Labels[c]), $"({n}, {c})");
            }
        }

        var masked = LabelMasking.Apply(dataset, MaskingProtocol.File, proportion: double.NaN, file: path);
        Assert.That(LabelMatrix.Of(masked), Is.EqualTo(labels), "the proportion is not used by the file protocol");
    }

    [Test]
    public void A_class_not_in_the_dataset_is_named_with_the_file()
    {
        var path = Write([0, 1, 2]);
        System.IO.File.WriteAllText(path, System.IO.File.ReadAllText(path).Replace("class1", "dog", StringComparison.Ordinal));
        var e = Assert.Throws<DataFormatException>(() => PartialLabelFile.Read(path, dataset))!;
        Assert.That(e.Message, Does.StartWith($"{path}:1:").And.Contain("class 'dog' (column 3) is not a class of the dataset"));
    }

    [Test]
    public void A_missing_class_is_named()
    {
        var path = Write([0, 2]);
        var e = Assert.Throws<DataFormatException>(() => PartialLabelFile.Read(path, dataset))!;
        Assert.That(e.Message, Does.StartWith(path).And.Contain("class 'class1' is missing"));
    }

    [Test]
    public void An_image_not_in_the_dataset_is_named_with_its_line()
    {
        var path = Write([0, 1, 2], extraRows: ["img/999.jpg,0,0,0"]);
        var e = Assert.Throws<DataFormatException>(() => PartialLabelFile.Read(path, dataset))!;
        Assert.That(e.Message, Does.StartWith($"{path}:7:").And.Contain("image 'img/999.jpg' is not in the dataset"));
    }

    [Test]
    public void A_missing_image_is_named()
    {
        var path = Write([0, 1, 2], dropLastImage: true);
        var e = Assert.Throws<DataFormatException>(() => PartialLabelFile.Read(path, dataset))!;
        Assert.That(e.Message, Does.StartWith(path).And.Contain("1 of the dataset's 5 images are missing").And.Contain("'img/004.jpg'"));
    }

    [Test]
    public void A_repeated_image_is_named_with_both_lines()
    {
        var path = Write([0, 1, 2], extraRows: ["img/002.jpg,0,0,0"]);
        var e = Assert.Throws<DataFormatException>(() => PartialLabelFile.Read(path, dataset))!;
        Assert.That(e.Message, Does.StartWith($"{path}:7:").And.Contain("image 'img/002.jpg' is listed twice (first on line 4)"));
    }

    [Test]
    public void A_changed_label_is_named_with_its_line_and_class()
    {
        var path = Write([0, 1, 2], cell: (n, c, truth) => n == 3 && c == 2 ? (sbyte)-truth : truth);
        var e = Assert.Throws<DataFormatException>(() => PartialLabelFile.Read(path, dataset))!;
        var truth = dataset.Rows[3].Labels[2];
        Assert.That(e.Message, Does.StartWith($"{path}:3:").And.Contain($"image 'img/003.jpg', class 'class2': the file says {-truth} but the dataset says {truth}"));
    }

    [Test]
    public void A_malformed_file_reports_the_manifest_reader_error()
    {
        var path = Write([0, 1, 2], extraRows: ["img/x.jpg,1,2,0"]);
        var e = Assert.Throws<DataFormatException>(() => PartialLabelFile.Read(path, dataset))!;
        Assert.That(e.Message, Does.StartWith($"{path}:7:").And.Contain("a cell must be 1, -1 or 0"));
        Assert.Throws<FileNotFoundException>(() => PartialLabelFile.Read(Path.Combine(dir, "none.csv"), dataset));
    }
}
