using System.IO.Compression;
using Srn.Data;

namespace Srn.Tests.Data;

[TestFixture]
public sealed class FashionMnistTests
{
    [Test]
    public void Debians_package_holds_60000_train_and_10000_test_items_balanced_over_10_classes()
    {
        var data = DataFixtures.FashionMnist;
        Assert.That((data.Train.Count, data.Test.Count), Is.EqualTo((60_000, 10_000)));
        Assert.That(Enumerable.Range(0, 10).Select(c => data.Train.IndicesOf(c).Count), Is.All.EqualTo(6_000));
        Assert.That(Enumerable.Range(0, 10).Select(c => data.Test.IndicesOf(c).Count), Is.All.EqualTo(1_000));
        Assert.That(data.Train.Label(0), Is.EqualTo(9), "the first training item is an ankle boot");
        Assert.That(data.Test.Label(0), Is.EqualTo(9), "so is the first test item");
        Assert.That(data.Train.Image(0).Length, Is.EqualTo(784));
        Assert.That(data.Fingerprint, Has.Length.EqualTo(16));
    }

    [Test]
    public void A_missing_directory_names_the_path_and_the_package()
    {
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load("/nonexistent/fmnist"))!;
        Assert.That(e.Message, Does.Contain("/nonexistent/fmnist/train-images-idx3-ubyte.gz").And.Contain("dataset-fashion-mnist"));
    }

    [Test]
    public void A_file_that_is_not_idx_is_named()
    {
        var dir = Directory.CreateTempSubdirectory("srn-fmnist-").FullName;
        try
        {
            foreach (var name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            {
                File.Copy(Path.Combine(FashionMnist.DefaultDirectory, name + ".gz"), Path.Combine(dir, name + ".gz"));
            }

            var bad = Path.Combine(dir, "t10k-labels-idx1-ubyte.gz");
            using (var gz = new GZipStream(File.Create(bad), CompressionLevel.Fastest))
            {
                gz.Write([0, 0, 8, 1, 0, 0, 0, 3, 1, 2]);
            }

            var e = Assert.Throws<DataFormatException>(() => FashionMnist.Load(dir))!;
            Assert.That(e.Message, Is.EqualTo($"{bad}: 2 data bytes, expected 3 for dimensions 3"));

            File.WriteAllBytes(bad, [1, 2, 3]);
            e = Assert.Throws<DataFormatException>(() => FashionMnist.Load(dir))!;
            Assert.That(e.Message, Does.StartWith($"{bad}: not a valid gzip file"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
