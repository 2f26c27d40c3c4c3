using Srn.Data;
using Srn.PartialLabels.Masking;
using Srn.Tests.Fixtures;

namespace Srn.Tests.PartialLabels;

/// <summary>
/// The masking protocols against numpy's legacy RandomState (Fixtures/PartialLabels/make_mask_fixtures.py), exactly, and
/// the properties docs/partial-labels.md promises: nested hcp masks, images without a known label, per-image drop counts, one
/// positive per image, determinism; then the partial label file and the argument checks.
/// </summary>
[TestFixture]
public sealed class MaskingTests
{
    private const string File = "PartialLabels/masks.safetensors";

    private static IEnumerable<string> MaskCases() => ParityFixture.CaseNames(File);

    private static string[] Keys(string prefix)
    {
        using var f = new ParityFixture(File);
        var (tensors, _) = Srn.Torch.IO.SafeTensors.Read(f.Path);
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }

        return tensors.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
    }

    private static string[] RandomSampleKeys() => Keys("random_sample/");

    private static string[] PermutationKeys() => Keys("permutation/");

    private static string[] RandIntKeys() => Keys("randint/");

    private static uint SeedOf(string key) => uint.Parse(key.Split("seed")[1].Split('_')[0], System.Globalization.CultureInfo.InvariantCulture);

    internal static sbyte[,] Matrix(Srn.Torch.Tensor t)
    {
        var shape = t.Shape;
        var values = t.ToArray<sbyte>();
        var result = new sbyte[shape[0], shape[1]];
        Buffer.BlockCopy(values, 0, result, 0, values.Length);
        return result;
    }

    /// <summary>Full labels: -1 mostly, 1 with probability <paramref name="positiveRate"/>.</summary>
    internal static sbyte[,] RandomLabels(int n, int c, int seed, double positiveRate = 0.2)
    {
        var random = new Random(seed);
        var labels = new sbyte[n, c];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < c; j++)
            {
                labels[i, j] = random.NextDouble() < positiveRate ? (sbyte)1 : (sbyte)-1;
            }
        }

        return labels;
    }

    private static int KnownInRow(sbyte[,] m, int row) => Enumerable.Range(0, m.GetLength(1)).Count(c => m[row, c] != 0);

    [TestCaseSource(nameof(RandomSampleKeys))]
    public void RandomSample_is_numpy_bit_for_bit(string key)
    {
        using var f = new ParityFixture(File);
        var expected = f[key].ToArray<double>();
        var random = new NumpyRandomState(SeedOf(key));
        var actual = new double[expected.Length];
        random.RandomSample(actual);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.That(BitConverter.DoubleToInt64Bits(actual[i]), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected[i])), $"{key}[{i}]: {actual[i]:R} vs numpy {expected[i]:R}");
        }
    }

    [TestCaseSource(nameof(PermutationKeys))]
    public void Permutation_is_numpy(string key)
    {
        using var f = new ParityFixture(File);
        var t = f[key];
        var (k, n) = ((int)t.Shape[0], (int)t.Shape[1]);
        var expected = t.ToArray<long>();
        var random = new NumpyRandomState(SeedOf(key));
        for (var r = 0; r < k; r++)
        {
            Assert.That(random.Permutation(n).Select(v => (long)v), Is.EqualTo(expected.Skip(r * n).Take(n)), $"{key}, permutation {r}");
        }
    }

    [TestCaseSource(nameof(RandIntKeys))]
    public void RandInt_is_numpy(string key)
    {
        using var f = new ParityFixture(File);
        var t = f[key].ToArray<long>();
        var count = t.Length / 2;
        var random = new NumpyRandomState(SeedOf(key));
        for (var i = 0; i < count; i++)
        {
            Assert.That(random.RandInt((int)t[i]), Is.EqualTo(t[count + i]), $"{key}, draw {i} (high {t[i]})");
        }
    }

    [TestCaseSource(nameof(MaskCases))]
    public void Mask_is_numpy_exactly(string name)
    {
        using var f = new ParityFixture(File);
        var labels = Matrix(f[$"{name}/labels"]);
        var expected = Matrix(f[$"{name}/mask"]);
        var parameters = f[$"{name}/params"].ToArray<double>();
        var (proportion, seed) = (parameters[0], (uint)parameters[1]);
        var protocol = MaskingProtocols.Parse(name.Split('/')[0]);
        var before = (sbyte[,])labels.Clone();
        var actual = LabelMasking.Apply(labels, protocol, proportion, seed);
        Assert.That(actual, Is.EqualTo(expected), name);
        Assert.That(labels, Is.EqualTo(before), "the input is not changed");
    }

    [Test]
    public void Fixture_covers_every_generated_protocol()
    {
        var protocols = MaskCases().Select(n => n.Split('/')[0]).Distinct();
        Assert.That(protocols, Is.EquivalentTo(new[] { "hcp", "per-image", "single-positive" }));
    }

    [Test]
    public void Hcp_masks_are_nested_across_proportions()
    {
        var labels = RandomLabels(500, 40, seed: 1);
        var proportions = new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0 };
        var masks = proportions.Select(p => LabelMasking.Hcp(labels, p, seed: 0)).ToArray();
        for (var k = 1; k < masks.Length; k++)
        {
            for (var n = 0; n < 500; n++)
            {
                for (var c = 0; c < 40; c++)
                {
                    if (masks[k - 1][n, c] != 0)
                    {
                        Assert.That(masks[k][n, c], Is.EqualTo(labels[n, c]), $"({n}, {c}) known at {proportions[k - 1]} but not at {proportions[k]}");
                    }
                }
            }

            var share = masks[k].Cast<sbyte>().Count(v => v != 0) / 20000.0;
            Assert.That(share, Is.EqualTo(proportions[k]).Within(0.015), $"about {proportions[k]:P0} of the labels are known");
        }

        Assert.That(masks[^1], Is.EqualTo(labels), "p = 1 keeps every label");
    }

    [Test]
    public void Hcp_hides_positives_and_negatives_and_can_leave_an_image_with_no_known_label()
    {
        var labels = RandomLabels(1000, 20, seed: 2);
        var masked = LabelMasking.Hcp(labels, 0.1);
        var empty = Enumerable.Range(0, 1000).Count(n => KnownInRow(masked, n) == 0);
        Assert.That(empty, Is.InRange(60, 200), "about 0.9^20 = 12% of the images keep no label");
        var positives = labels.Cast<sbyte>().Count(v => v == 1);
        var knownPositives = masked.Cast<sbyte>().Count(v => v == 1);
        var knownNegatives = masked.Cast<sbyte>().Count(v => v == -1);
        Assert.That((double)knownPositives / positives, Is.EqualTo(0.1).Within(0.03), "positives are hidden like negatives");
        Assert.That((double)knownNegatives / (20000 - positives), Is.EqualTo(0.1).Within(0.015));
    }

    [TestCase(20, 0.3)]
    [TestCase(20, 0.1)]
    [TestCase(80, 0.5)]
    [TestCase(5, 0.5)] // 2.5 rounds to 2
    [TestCase(7, 0.5)] // 3.5 rounds to 4
    [TestCase(3, 1.0)]
    public void PerImage_hides_exactly_round_of_the_rest_per_image(int classes, double p)
    {
        var labels = RandomLabels(200, classes, seed: 3);
        var masked = LabelMasking.PerImage(labels, p, seed: 7);
        var drop = LabelMasking.PerImageDropCount(classes, p);
        Assert.That(drop, Is.EqualTo((int)Math.Round((1 - p) * classes, MidpointRounding.ToEven)));
        for (var n = 0; n < 200; n++)
        {
            Assert.That(KnownInRow(masked, n), Is.EqualTo(classes - drop), $"image {n}");
            for (var c = 0; c < classes; c++)
            {
                Assert.That(masked[n, c], Is.EqualTo(labels[n, c]).Or.EqualTo((sbyte)0), "a kept label keeps its value");
            }
        }
    }

    [Test]
    public void PerImage_drop_count_rounds_half_to_even()
    {
        Assert.That(LabelMasking.PerImageDropCount(5, 0.5), Is.EqualTo(2));
        Assert.That(LabelMasking.PerImageDropCount(7, 0.5), Is.EqualTo(4));
        Assert.That(LabelMasking.PerImageDropCount(80, 0.1), Is.EqualTo(72));
        Assert.That(LabelMasking.PerImageDropCount(80, 1.0), Is.Zero);
    }

    [Test]
    public void SinglePositive_keeps_exactly_one_positive_where_one_exists()
    {
        var labels = RandomLabels(300, 15, seed: 4, positiveRate: 0.1);
        var masked = LabelMasking.SinglePositive(labels, seed: 11);
        var withoutPositive = 0;
        var keptIndex = new HashSet<int>();
        for (var n = 0; n < 300; n++)
        {
            var positives = Enumerable.Range(0, 15).Where(c => labels[n, c] == 1).ToArray();
            var known = Enumerable.Range(0, 15).Where(c => masked[n, c] != 0).ToArray();
            if (positives.Length == 0)
            {
                withoutPositive++;
                Assert.That(known, Is.Empty, $"image {n} has no positive: nothing known");
                continue;
            }

            Assert.That(known, Has.Length.EqualTo(1), $"image {n}");
            Assert.That(masked[n, known[0]], Is.EqualTo((sbyte)1));
            Assert.That(positives, Does.Contain(known[0]), "one of the image's own positives");
            if (positives.Length > 1)
            {
                keptIndex.Add(Array.IndexOf(positives, known[0]));
            }
        }

        Assert.That(withoutPositive, Is.GreaterThan(0), "the data has images without a positive");
        Assert.That(keptIndex, Has.Count.GreaterThan(1), "not always the first positive");
    }

    [TestCase(MaskingProtocol.Hcp)]
    [TestCase(MaskingProtocol.PerImage)]
    [TestCase(MaskingProtocol.SinglePositive)]
    public void Same_seed_same_mask_other_seed_other_mask(MaskingProtocol protocol)
    {
        var labels = RandomLabels(100, 20, seed: 5, positiveRate: 0.3);
        var a = LabelMasking.Apply(labels, protocol, 0.4, seed: 9);
        var b = LabelMasking.Apply(labels, protocol, 0.4, seed: 9);
        var c = LabelMasking.Apply(labels, protocol, 0.4, seed: 10);
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(c));
        Assert.That(LabelMasking.Apply(labels, protocol, 0.4), Is.EqualTo(LabelMasking.Apply(labels, protocol, 0.4, LabelMasking.DefaultSeed)));
    }

    [TestCase(0.0)]
    [TestCase(-0.1)]
    [TestCase(1.0000001)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void A_proportion_outside_0_1_is_a_clear_error(double p)
    {
        var labels = RandomLabels(3, 4, seed: 6);
        foreach (var protocol in new[] { MaskingProtocol.Hcp, MaskingProtocol.PerImage })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => LabelMasking.Apply(labels, protocol, p))!;
            Assert.That(e.Message, Does.Contain("(0, 1]"), protocol.ToString());
        }

        Assert.That(LabelMasking.Apply(labels, MaskingProtocol.SinglePositive, p), Is.Not.Null, "single-positive does not use the proportion");
    }

    [Test]
    public void A_label_other_than_1_minus1_0_is_an_error_naming_its_cell()
    {
        var labels = RandomLabels(3, 4, seed: 7);
        labels[2, 1] = 2;
        var e = Assert.Throws<ArgumentException>(() => LabelMasking.Hcp(labels, 0.5))!;
        Assert.That(e.Message, Does.Contain("labels[2, 1] is 2"));
    }

    [Test]
    public void Protocol_names_parse_and_unknown_names_list_the_valid_ones()
    {
        Assert.That(MaskingProtocols.Parse("hcp"), Is.EqualTo(MaskingProtocol.Hcp));
        Assert.That(MaskingProtocols.Parse(" Per-Image "), Is.EqualTo(MaskingProtocol.PerImage));
        Assert.That(MaskingProtocols.Parse("single-positive"), Is.EqualTo(MaskingProtocol.SinglePositive));
        Assert.That(MaskingProtocols.Parse("file"), Is.EqualTo(MaskingProtocol.File));
        foreach (var p in Enum.GetValues<MaskingProtocol>())
        {
            Assert.That(MaskingProtocols.Parse(MaskingProtocols.NameOf(p)), Is.EqualTo(p));
        }

        var e = Assert.Throws<ArgumentException>(() => MaskingProtocols.Parse("random"))!;
        Assert.That(e.Message, Does.Contain("'random'").And.Contain("hcp, per-image, single-positive, file"));
    }

    [Test]
    public void The_file_protocol_needs_the_manifest_overload()
    {
        var e = Assert.Throws<ArgumentException>(() => LabelMasking.Apply(RandomLabels(2, 2, 8), MaskingProtocol.File, 0.5))!;
        Assert.That(e.Message, Does.Contain("partial label file"));
    }

    [Test]
    public void Manifest_overload_masks_labels_and_keeps_images_and_classes()
    {
        var labels = RandomLabels(30, 6, seed: 9);
        var dataset = ManifestOf(labels);
        var masked = LabelMasking.Apply(dataset, MaskingProtocol.Hcp, 0.5, seed: 3);
        Assert.That(masked.Classes, Is.EqualTo(dataset.Classes));
        Assert.That(masked.Rows.Select(r => r.Image), Is.EqualTo(dataset.Rows.Select(r => r.Image)));
        Assert.That(LabelMatrix.Of(masked), Is.EqualTo(LabelMasking.Hcp(labels, 0.5, seed: 3)));
        Assert.Throws<ArgumentException>(() => LabelMasking.Apply(dataset, MaskingProtocol.File, 0.5));
        Assert.Throws<ArgumentException>(() => LabelMasking.Apply(dataset, MaskingProtocol.Hcp, 0.5, file: "x.csv"));
    }

    internal static Manifest ManifestOf(sbyte[,] labels, string? source = null)
    {
        var classes = Enumerable.Range(0, labels.GetLength(1)).Select(c => $"class{c}").ToArray();
        var rows = Enumerable.Range(0, labels.GetLength(0))
            .Select(n => new ManifestRow($"img/{n:D3}.jpg", Enumerable.Range(0, classes.Length).Select(c => labels[n, c]).ToArray()));
        var manifest = new Manifest(classes, rows);
        if (source is not null)
        {
            manifest.Write(source);
            return Manifest.Read(source);
        }

        return manifest;
    }
}
