using System.CommandLine;
using Srn.Data;
using Srn.Experiments;
using Srn.PartialLabels.Masking;

namespace Srn.Tests.PartialLabels;

/// <summary><c>srn mask</c> end to end on temporary files: the written manifest, the printed known shares, and its error messages.</summary>
[TestFixture]
public sealed class MaskCommandTests
{
    private string dir = null!;
    private string manifestPath = null!;
    private sbyte[,] labels = null!;

    [SetUp]
    public void MakeDir()
    {
        dir = Directory.CreateTempSubdirectory("srn-mask-").FullName;
        manifestPath = Path.Combine(dir, "train.csv");
        labels = MaskingTests.RandomLabels(200, 4, seed: 12, positiveRate: 0.3);
        MaskingTests.ManifestOf(labels, manifestPath);
    }

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    private static (int Code, string Output, string Error) Invoke(params string[] args)
    {
        var root = new RootCommand { MaskCommand.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        var code = root.Parse(["mask", .. args]).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private string Out => Path.Combine(dir, "out", "masked.csv");

    [Test]
    public void Hcp_writes_the_library_mask_and_prints_the_known_share_per_class()
    {
        var (code, output, error) = Invoke("--manifest", manifestPath, "--protocol", "hcp", "--proportion", "0.3", "--out", Out);
        Assert.That(code, Is.Zero, error);
        Assert.That(error, Is.Empty);
        var written = Manifest.Read(Out);
        Assert.That(written.Classes, Is.EqualTo(new[] { "class0", "class1", "class2", "class3" }));
        Assert.That(written.Rows.Select(r => r.Image), Is.EqualTo(Enumerable.Range(0, 200).Select(n => $"img/{n:D3}.jpg")));
        var expected = LabelMasking.Hcp(labels, 0.3, seed: 0);
        Assert.That(LabelMatrix.Of(written), Is.EqualTo(expected));

        Assert.That(output, Does.Contain("protocol hcp (proportion 0.3, seed 0): 200 images, 4 classes"));
        for (var c = 0; c < 4; c++)
        {
            var known = Enumerable.Range(0, 200).Count(n => expected[n, c] != 0);
            Assert.That(output, Does.Contain($"class{c}").And.Contain($"{100.0 * known / 200:F1}%"), $"class{c}: {known} known");
        }

        Assert.That(Directory.GetFiles(Path.GetDirectoryName(Out)!).Select(Path.GetFileName), Is.EqualTo(new[] { "masked.csv" }), "no temporary file left");
    }

    [Test]
    public void Protocol_and_seed_options_reach_the_library()
    {
        Assert.That(Invoke("--manifest", manifestPath, "--protocol", "per-image", "--proportion", "0.5", "--seed", "4294967295", "--out", Out).Code, Is.Zero);
        Assert.That(LabelMatrix.Of(Manifest.Read(Out)), Is.EqualTo(LabelMasking.PerImage(labels, 0.5, seed: uint.MaxValue)));

        var (code, output, _) = Invoke("--manifest", manifestPath, "--protocol", "single-positive", "--seed", "3", "--proportion", "0.2", "--out", Out);
        Assert.That(code, Is.Zero);
        Assert.That(LabelMatrix.Of(Manifest.Read(Out)), Is.EqualTo(LabelMasking.SinglePositive(labels, seed: 3)));
        Assert.That(output, Does.Contain("--proportion is not used by the single-positive protocol"));
    }

    [Test]
    public void File_protocol_checks_and_aligns_a_partial_label_file()
    {
        var partial = LabelMasking.Hcp(labels, 0.6, seed: 8);
        var partialPath = Path.Combine(dir, "partial.csv");
        var manifest = Manifest.Read(manifestPath);
        LabelMatrix.ToManifest(manifest, partial).Subset(Enumerable.Range(0, 200).Reverse()).Write(partialPath);
        var (code, output, error) = Invoke("--manifest", manifestPath, "--protocol", "file", "--file", partialPath, "--out", Out);
        Assert.That(code, Is.Zero, error);
        Assert.That(LabelMatrix.Of(Manifest.Read(Out)), Is.EqualTo(partial), "back in the manifest's order");
        Assert.That(output, Does.Contain($"protocol file (file {partialPath})"));
    }

    [TestCase(new[] { "--protocol", "random", "--proportion", "0.5" }, "Unknown masking protocol 'random'; valid protocols: hcp, per-image, single-positive, file.")]
    [TestCase(new[] { "--protocol", "hcp" }, "--proportion is required by the hcp protocol")]
    [TestCase(new[] { "--protocol", "per-image", "--proportion", "0" }, "must be in (0, 1]")]
    [TestCase(new[] { "--protocol", "hcp", "--proportion", "1.5" }, "must be in (0, 1]")]
    [TestCase(new[] { "--protocol", "hcp", "--proportion", "0.5", "--seed", "4294967296" }, "--seed must be between 0 and 4294967295")]
    [TestCase(new[] { "--protocol", "file" }, "--protocol file needs --file")]
    [TestCase(new[] { "--protocol", "hcp", "--proportion", "0.5", "--file", "x.csv" }, "--file is read by --protocol file only")]
    public void Bad_arguments_are_clear_errors(string[] args, string message)
    {
        var (code, _, error) = Invoke(["--manifest", manifestPath, "--out", Out, .. args]);
        Assert.That(code, Is.EqualTo(2), "a usage error");
        Assert.That(error, Does.StartWith("error: ").And.Contain(message).And.Not.Contain("(Parameter"));
        Assert.That(System.IO.File.Exists(Out), Is.False, "nothing written");
    }

    [Test]
    public void A_missing_or_mismatched_file_names_the_file()
    {
        var missing = Path.Combine(dir, "none.csv");
        var (code, _, error) = Invoke("--manifest", missing, "--proportion", "0.5", "--out", Out);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain(missing));

        var partialPath = Path.Combine(dir, "partial.csv");
        System.IO.File.WriteAllText(partialPath, "image,class0,class1,class2,cat\nimg/000.jpg,0,0,0,0\n");
        (code, _, error) = Invoke("--manifest", manifestPath, "--protocol", "file", "--file", partialPath, "--out", Out);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain($"{partialPath}:1:").And.Contain("class 'cat' (column 5) is not a class of the dataset"));
    }
}
