using Srn.Models;
using Srn.Training;
using Srn.Vision.Transforms;

namespace Srn.Tests.Vision;

/// <summary>
/// SRN's training crop under the reference's sampling (<see cref="SrnCropSampling.Tsn"/>, TSN's Caffe data layer that
/// SRN trained with: <c>fillCropSize</c> and <c>fillFixOffset</c> of zhufengx/SRN_multilabel's
/// <c>caffe/src/caffe/data_transformer.cpp</c>): which size pairs, which positions, and that draws cover them uniformly.
/// </summary>
[TestFixture]
public sealed class SrnMultiScaleCropTests
{
    // (height, width), i-major over the sizes {256, 224, 192, 168, 128} with |i - j| <= 1, as fillCropSize lists them.
    private static readonly (int, int)[] ReferencePairs =
    [
        (256, 256), (256, 224),
        (224, 256), (224, 224), (224, 192),
        (192, 224), (192, 192), (192, 168),
        (168, 192), (168, 168), (168, 128),
        (128, 168), (128, 128),
    ];

    [Test]
    public void The_size_pairs_are_the_13_of_neighbouring_sizes_in_the_reference_order()
    {
        var t = new SrnMultiScaleCrop();
        Assert.That(t.Sampling, Is.EqualTo(SrnCropSampling.Tsn), "the reference's scheme is the default");
        Assert.That(t.SizePairs, Is.EqualTo(ReferencePairs));
        Assert.That(new SrnMultiScaleCrop(maxDistort: 0).SizePairs, Is.EqualTo(new[] { (256, 256), (224, 224), (192, 192), (168, 168), (128, 128) }));
        Assert.That(new SrnMultiScaleCrop(maxDistort: 4).SizePairs, Has.Count.EqualTo(25));
        Assert.That(new SrnMultiScaleCrop(sampling: SrnCropSampling.Independent).SizePairs, Has.Count.EqualTo(25));
    }

    [Test]
    public void Fixed_offsets_are_multiples_of_a_quarter_of_the_slack_rounded_down()
    {
        // 256 - 168 = 88 -> step 22; 256 - 192 = 64 -> step 16. (top, left): corners, then the centre.
        Assert.That(SrnMultiScaleCrop.FixedOffsets(256, 168, 192, moreFixCrop: false), Is.EqualTo(new[] { (0, 0), (0, 64), (88, 0), (88, 64), (44, 32) }));

        // A slack that is not a multiple of 4: 100 - 90 = 10 -> step 2, 100 - 87 = 13 -> step 3. The "right" and "bottom"
        // windows stop short of the edge (left 12 of a possible 13), as the reference's do.
        Assert.That(SrnMultiScaleCrop.FixedOffsets(100, 90, 87, moreFixCrop: false), Is.EqualTo(new[] { (0, 0), (0, 12), (8, 0), (8, 12), (4, 6) }));

        // more_fix_crop: then top centre, bottom centre, left centre, right centre and the four quarter points.
        Assert.That(SrnMultiScaleCrop.FixedOffsets(100, 92, 84, moreFixCrop: true), Is.EqualTo(new[]
        {
            (0, 0), (0, 16), (8, 0), (8, 16), (4, 8),
            (0, 8), (8, 8), (4, 0), (4, 16),
            (2, 4), (2, 12), (6, 4), (6, 12),
        }));
        Assert.That(SrnMultiScaleCrop.FixedOffsets(256, 256, 256, moreFixCrop: false), Has.All.EqualTo((0, 0)), "the full image has one place");
        Assert.Throws<ArgumentOutOfRangeException>(() => SrnMultiScaleCrop.FixedOffsets(100, 101, 50, false));
    }

    [Test]
    public void Draws_reach_every_pair_at_every_position_and_nothing_else_uniformly()
    {
        var t = new SrnMultiScaleCrop();
        const int draws = 13 * 5 * 400;
        var rng = new Random(2017);
        var pairCounts = new Dictionary<(int, int), int>();
        var positionCounts = new int[5];
        var windows = new HashSet<CropWindow>();
        for (var i = 0; i < draws; i++)
        {
            var w = t.GetParams(rng);
            var pair = (w.Height, w.Width);
            Assert.That(ReferencePairs, Does.Contain(pair), $"draw {i}: {w}");
            var offsets = SrnMultiScaleCrop.FixedOffsets(256, w.Height, w.Width, moreFixCrop: false);
            var position = offsets.ToList().IndexOf((w.Top, w.Left));
            Assert.That(position, Is.GreaterThanOrEqualTo(0), $"draw {i}: {w} is not at a fixed offset");
            pairCounts[pair] = pairCounts.GetValueOrDefault(pair) + 1;
            windows.Add(w);
            if (w.Height < 256 && w.Width < 256)
            {
                positionCounts[position]++; // a side of 256 has no slack: its offsets coincide, and IndexOf finds the first
            }
        }

        Assert.That(pairCounts.Keys, Is.EquivalentTo(ReferencePairs));
        var expectedWindows = ReferencePairs.SelectMany(p => SrnMultiScaleCrop.FixedOffsets(256, p.Item1, p.Item2, false).Select(o => new CropWindow(o.Top, o.Left, p.Item1, p.Item2))).ToHashSet();
        Assert.That(windows, Is.EquivalentTo(expectedWindows));

        // Chi-square against uniform; the 0.999 quantiles are 32.9 (12 degrees of freedom) and 18.5 (4).
        Assert.That(ChiSquare(pairCounts.Values), Is.LessThan(32.9), string.Join(", ", pairCounts.Select(kv => $"{kv.Key}: {kv.Value}")));
        Assert.That(ChiSquare(positionCounts), Is.LessThan(18.5), string.Join(", ", positionCounts));
    }

    [Test]
    public void More_fix_crop_draws_thirteen_positions()
    {
        var t = new SrnMultiScaleCrop(moreFixCrop: true);
        var rng = new Random(5);
        var positions = new HashSet<(int, int)>();
        for (var i = 0; i < 4000; i++)
        {
            var w = t.GetParams(rng);
            if ((w.Height, w.Width) == (192, 168))
            {
                positions.Add((w.Top, w.Left));
            }
        }

        Assert.That(positions, Is.EquivalentTo(SrnMultiScaleCrop.FixedOffsets(256, 192, 168, moreFixCrop: true)));
        Assert.That(positions, Has.Count.EqualTo(13));
    }

    [Test]
    public void The_srn_recipe_uses_the_reference_sampling_unless_told_otherwise()
    {
        var config = ModelRegistry.Config("resnet-small");
        var reference = (SrnMultiScaleCrop)((Compose)ImageRecipes.SrnTrain(224, config)).Transforms[0];
        var independent = (SrnMultiScaleCrop)((Compose)ImageRecipes.SrnTrain(224, config, SrnCropSampling.Independent)).Transforms[0];
        Assert.That((reference.Sampling, reference.SizePairs.Count), Is.EqualTo((SrnCropSampling.Tsn, 13)));
        Assert.That((independent.Sampling, independent.SizePairs.Count), Is.EqualTo((SrnCropSampling.Independent, 25)));
        Assert.That(reference.CropSizes, Is.EqualTo(new[] { 256, 224, 192, 168, 128 }));
    }

    [Test]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SrnMultiScaleCrop(maxDistort: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SrnMultiScaleCrop(sampling: (SrnCropSampling)9));
    }

    private static double ChiSquare(IEnumerable<int> counts)
    {
        var c = counts.ToArray();
        var expected = c.Sum() / (double)c.Length;
        return c.Sum(n => (n - expected) * (n - expected) / expected);
    }
}
