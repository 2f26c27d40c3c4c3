using Srn.Torch;
using Srn.Vision;
using Srn.Vision.Transforms;

namespace Srn.Tests.Vision;

/// <summary>
/// Behaviour of the image transforms that parity fixtures cannot pin down: random draws (seeded, varied, in range,
/// only the allowed crops), boxes following the geometry, composition and native-handle hygiene.
/// </summary>
[TestFixture]
public sealed class TransformsTests
{
    private static readonly int[] SrnSizes = [256, 224, 192, 168, 128];
    private static readonly int[] HcpSizes = [512, 448, 384, 320, 256];

    // ----- helpers -----

    private static Tensor RandomImage(int seed, long c, long h, long w, ScalarType dtype = ScalarType.UInt8)
    {
        LibTorch.ManualSeed((ulong)seed);
        using var scope = DisposeScope.Enter();
        var x = dtype == ScalarType.UInt8 ? Tensor.RandInt(0, 256, [c, h, w]).To(ScalarType.UInt8) : Tensor.Rand([c, h, w]);
        return x.MoveToOuterScope();
    }

    // Float image whose channel 0 holds the row index and channel 1 the column index of each pixel.
    private static Tensor CoordinateImage(long h, long w)
    {
        using var scope = DisposeScope.Enter();
        var rows = Tensor.Arange(0.0, h, 1, ScalarType.Float32).View(h, 1).Expand(h, w);
        var cols = Tensor.Arange(0.0, w, 1, ScalarType.Float32).View(1, w).Expand(h, w);
        return Tensor.Stack([rows, cols, rows + cols], 0).MoveToOuterScope();
    }

    private static bool SameValues(Tensor a, Tensor b) =>
        a.Shape.SequenceEqual(b.Shape) && a.DType == b.DType && a.ToDoubleArray().SequenceEqual(b.ToDoubleArray());

    private static void AssertBoxes(IReadOnlyList<Box>? actual, params Box[] expected)
    {
        Assert.That(actual, Is.Not.Null);
        Assert.That(actual!, Has.Count.EqualTo(expected.Length), "number of boxes");
        for (var i = 0; i < expected.Length; i++)
        {
            var (a, e) = (actual![i], expected[i]);
            Assert.That(new[] { a.X1, a.Y1, a.X2, a.Y2 }, Is.EqualTo(new[] { e.X1, e.Y1, e.X2, e.Y2 }).Within(1e-4f), $"box {i}");
            Assert.That(a.Class, Is.EqualTo(e.Class), $"box {i} class");
        }
    }

    private static void Release(ImageSample result, ImageSample input)
    {
        if (!ReferenceEquals(result.Image, input.Image))
        {
            result.Image.Dispose();
        }
    }

    private static ITransform[] RandomTransforms() =>
    [
        new RandomCrop(20, 30),
        new RandomHorizontalFlip(),
        new SrnMultiScaleCrop(outputSize: 32, baseSize: 48, cropSizes: [48, 40, 32, 24]),
        new HcpMultiScaleCrop(outputSize: 32, baseSize: 48, cropSizes: [48, 40, 32, 24]),
        new Compose(new ToFloat(), new ColorJitter(0.4, 0.4, 0.4, 0.1)),
    ];

    // ----- determinism and variety -----

    [Test]
    public void Random_transforms_repeat_with_the_same_seed_and_vary_across_seeds()
    {
        using var scope = DisposeScope.Enter();
        var input = new ImageSample(RandomImage(1, 3, 41, 57), [new Box(5, 6, 30, 35, 2)]);
        foreach (var t in RandomTransforms())
        {
            var outputs = Enumerable.Range(0, 12).Select(seed => t.Apply(input, new Random(seed))).ToArray();
            var again = Enumerable.Range(0, 12).Select(seed => t.Apply(input, new Random(seed))).ToArray();
            for (var s = 0; s < outputs.Length; s++)
            {
                Assert.That(SameValues(outputs[s].Image, again[s].Image), Is.True, $"{t.GetType().Name}: seed {s} gave different images");
                Assert.That(outputs[s].Boxes, Is.EqualTo(again[s].Boxes), $"{t.GetType().Name}: seed {s} gave different boxes");
            }

            var distinct = outputs.Count(o => !SameValues(o.Image, outputs[0].Image));
            Assert.That(distinct, Is.GreaterThan(0), $"{t.GetType().Name}: twelve seeds all gave the same image");
        }
    }

    [Test]
    public void Random_crops_differ_across_seeds()
    {
        var srn = new SrnMultiScaleCrop();
        var hcp = new HcpMultiScaleCrop();
        var crop = new RandomCrop(100, 80);
        Assert.That(Enumerable.Range(0, 50).Select(s => srn.GetParams(new Random(s))).Distinct().Count(), Is.GreaterThan(25));
        Assert.That(Enumerable.Range(0, 50).Select(s => hcp.GetParams(new Random(s))).Distinct().Count(), Is.GreaterThan(40));
        Assert.That(Enumerable.Range(0, 50).Select(s => crop.GetParams(300, 200, new Random(s))).Distinct().Count(), Is.GreaterThan(45));
    }

    [Test]
    public void Random_transforms_draw_only_from_the_given_source()
    {
        // Neither libtorch's global generator nor any other Random may influence the result for a per-sample seed.
        using var scope = DisposeScope.Enter();
        var input = new ImageSample(RandomImage(13, 3, 41, 57), [new Box(5, 6, 30, 35, 2)]);
        foreach (var t in RandomTransforms())
        {
            for (var seed = 0; seed < 6; seed++)
            {
                LibTorch.ManualSeed(1);
                var first = t.Apply(input, new Random(seed));
                LibTorch.ManualSeed(2);
                _ = Tensor.Rand([5]);
                _ = Random.Shared.Next();
                var second = t.Apply(input, new Random(seed));
                Assert.That(SameValues(first.Image, second.Image), Is.True, $"{t.GetType().Name}: seed {seed}");
                Assert.That(first.Boxes, Is.EqualTo(second.Boxes), $"{t.GetType().Name}: seed {seed}");
            }
        }
    }

    // ----- SRN crop: only the allowed windows, and all of them -----

    [Test]
    public void Independent_srn_crop_windows_are_exactly_the_papers_corner_and_centre_crops()
    {
        // The TSN scheme, the default, has its own tests (SrnMultiScaleCropTests).
        var t = new SrnMultiScaleCrop(sampling: SrnCropSampling.Independent);
        var allowed = new HashSet<CropWindow>();
        foreach (var w in SrnSizes)
        {
            foreach (var h in SrnSizes)
            {
                allowed.Add(new CropWindow(0, 0, h, w));
                allowed.Add(new CropWindow(0, 256 - w, h, w));
                allowed.Add(new CropWindow(256 - h, 0, h, w));
                allowed.Add(new CropWindow(256 - h, 256 - w, h, w));
                allowed.Add(new CropWindow((256 - h) / 2, (256 - w) / 2, h, w)); // all differences are even here
            }
        }

        var seen = new HashSet<CropWindow>();
        for (var seed = 0; seed < 4000; seed++)
        {
            var window = t.GetParams(new Random(seed));
            Assert.That(allowed, Does.Contain(window), $"seed {seed}: window {window} is not one of SRN's crops");
            seen.Add(window);
        }

        Assert.That(seen, Is.EquivalentTo(allowed), "every size pair at every position should occur over 4000 seeds");
    }

    [Test]
    public void Independent_srn_crop_centre_rounds_half_to_even_like_center_crop()
    {
        // base 11, size 4: (11 - 4) / 2 = 3.5 rounds to 4 (even); base 9, size 4: 2.5 rounds to 2.
        var t11 = new SrnMultiScaleCrop(outputSize: 4, baseSize: 11, cropSizes: [4], sampling: SrnCropSampling.Independent);
        var t9 = new SrnMultiScaleCrop(outputSize: 4, baseSize: 9, cropSizes: [4], sampling: SrnCropSampling.Independent);
        var centres11 = Enumerable.Range(0, 200).Select(s => t11.GetParams(new Random(s))).Where(w => w.Top != 0 && w.Top != 7).Distinct().ToArray();
        var centres9 = Enumerable.Range(0, 200).Select(s => t9.GetParams(new Random(s))).Where(w => w.Top != 0 && w.Top != 5).Distinct().ToArray();
        Assert.That(centres11, Is.EqualTo(new[] { new CropWindow(4, 4, 4, 4) }));
        Assert.That(centres9, Is.EqualTo(new[] { new CropWindow(2, 2, 4, 4) }));
        Assert.That(new CenterCrop(4).Window(11, 11), Is.EqualTo(new CropWindow(4, 4, 4, 4)));
        Assert.That(new CenterCrop(4).Window(9, 9), Is.EqualTo(new CropWindow(2, 2, 4, 4)));
    }

    [Test]
    public void Srn_crop_cuts_the_drawn_window_and_resizes_it_to_the_output_size()
    {
        // A 256 x 256 coordinate image skips the first resize; nearest resampling maps output (0, 0) to the window's
        // top-left pixel, so the output's first pixel reveals where the crop was taken.
        using var scope = DisposeScope.Enter();
        var input = new ImageSample(CoordinateImage(256, 256));
        var t = new SrnMultiScaleCrop(interpolation: InterpolationMode.Nearest);
        for (var seed = 0; seed < 60; seed++)
        {
            var window = t.GetParams(new Random(seed));
            var output = t.Apply(input, new Random(seed)).Image;
            Assert.That(output.Shape, Is.EqualTo(new long[] { 3, 224, 224 }));
            Assert.That(output[0, 0, 0].Item<float>(), Is.EqualTo(window.Top), $"seed {seed}: top");
            Assert.That(output[1, 0, 0].Item<float>(), Is.EqualTo(window.Left), $"seed {seed}: left");
            // Nearest source row of the last output row: floor(223 * h / 224), inside the window.
            Assert.That(output[0, 223, 0].Item<float>(), Is.EqualTo(window.Top + Math.Floor(223.0 * window.Height / 224)), $"seed {seed}: bottom");
            Assert.That(output[1, 0, 223].Item<float>(), Is.EqualTo(window.Left + Math.Floor(223.0 * window.Width / 224)), $"seed {seed}: right");
        }
    }

    [Test]
    public void Srn_crop_equals_resize_crop_resize_with_the_drawn_window()
    {
        using var scope = DisposeScope.Enter();
        var image = RandomImage(3, 3, 300, 400);
        var t = new SrnMultiScaleCrop();
        for (var seed = 0; seed < 5; seed++)
        {
            var w = t.GetParams(new Random(seed));
            var based = new Resize(256, 256).Apply(new ImageSample(image), new Random(0)).Image;
            var crop = based.Narrow(1, w.Top, w.Height).Narrow(2, w.Left, w.Width);
            var expected = new Resize(224, 224).Apply(new ImageSample(crop), new Random(0)).Image;
            Assert.That(SameValues(t.Apply(new ImageSample(image), new Random(seed)).Image, expected), Is.True, $"seed {seed}");
        }
    }

    // ----- HCP crop -----

    [Test]
    public void Hcp_crop_windows_are_square_allowed_sizes_inside_the_base_image()
    {
        var t = new HcpMultiScaleCrop();
        var sizes = new HashSet<int>();
        var extremes = new HashSet<(int, bool)>();
        for (var seed = 0; seed < 3000; seed++)
        {
            var w = t.GetParams(new Random(seed));
            Assert.That(HcpSizes, Does.Contain(w.Height), $"seed {seed}: size");
            Assert.That(w.Width, Is.EqualTo(w.Height), $"seed {seed}: square");
            Assert.That(w.Top, Is.InRange(0, 512 - w.Height), $"seed {seed}: top");
            Assert.That(w.Left, Is.InRange(0, 512 - w.Width), $"seed {seed}: left");
            sizes.Add(w.Height);
            if (w.Height == 448)
            {
                // 65 positions per axis: both ends should turn up.
                if (w.Top == 0 || w.Top == 64)
                {
                    extremes.Add((w.Top, true));
                }

                if (w.Left == 0 || w.Left == 64)
                {
                    extremes.Add((w.Left, false));
                }
            }
        }

        Assert.That(sizes, Is.EquivalentTo(HcpSizes));
        Assert.That(extremes, Has.Count.EqualTo(4), "top and left should reach both 0 and B - s");
    }

    [Test]
    public void Hcp_crop_draws_size_then_top_then_left()
    {
        var t = new HcpMultiScaleCrop(outputSize: 8, baseSize: 16, cropSizes: [4, 8, 16]);
        for (var seed = 0; seed < 100; seed++)
        {
            var rng = new Random(seed);
            var s = new[] { 4, 8, 16 }[rng.Next(3)];
            var expected = s == 16 ? new CropWindow(0, 0, 16, 16) : new CropWindow(rng.Next(0, 17 - s), rng.Next(0, 17 - s), s, s);
            Assert.That(t.GetParams(new Random(seed)), Is.EqualTo(expected), $"seed {seed}");
        }
    }

    [Test]
    public void Hcp_crop_moves_boxes_and_drops_vanished_ones()
    {
        // 16 x 16 -> base 8 (x0.5) -> 4 x 4 window -> output 8 (x2).
        using var scope = DisposeScope.Enter();
        var t = new HcpMultiScaleCrop(outputSize: 8, baseSize: 8, cropSizes: [4], interpolation: InterpolationMode.Bilinear);
        var input = new ImageSample(RandomImage(5, 3, 16, 16), [new Box(4, 4, 12, 12, 1), new Box(0, 0, 2, 2, 3)]);
        for (var seed = 0; seed < 30; seed++)
        {
            var w = t.GetParams(new Random(seed));
            var output = t.Apply(input, new Random(seed));
            Assert.That(output.Image.Shape, Is.EqualTo(new long[] { 3, 8, 8 }));
            var expected = new List<Box>();
            // First box at base scale: (2, 2, 6, 6); second: (0, 0, 1, 1).
            foreach (var (b, cls) in new[] { ((2f, 2f, 6f, 6f), 1), ((0f, 0f, 1f, 1f), 3) })
            {
                var x1 = Math.Clamp(b.Item1 - w.Left, 0, 4);
                var y1 = Math.Clamp(b.Item2 - w.Top, 0, 4);
                var x2 = Math.Clamp(b.Item3 - w.Left, 0, 4);
                var y2 = Math.Clamp(b.Item4 - w.Top, 0, 4);
                if (x2 > x1 && y2 > y1)
                {
                    expected.Add(new Box(2 * x1, 2 * y1, 2 * x2, 2 * y2, cls));
                }
            }

            AssertBoxes(output.Boxes, [.. expected]);
        }
    }

    // ----- boxes follow the geometry (hand-computed) -----

    [Test]
    public void Flip_mirrors_pixels_and_boxes()
    {
        using var scope = DisposeScope.Enter();
        var image = CoordinateImage(4, 10);
        var flipped = new RandomHorizontalFlip(1.0).Apply(new ImageSample(image, [new Box(1, 2, 4, 3, 7)]), new Random(0));
        AssertBoxes(flipped.Boxes, new Box(6, 2, 9, 3, 7));
        Assert.That(flipped.Image[1, 0].ToDoubleArray(), Is.EqualTo(new double[] { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 }));
        var kept = new RandomHorizontalFlip(0.0).Apply(new ImageSample(image, [new Box(1, 2, 4, 3, 7)]), new Random(0));
        Assert.That(kept.Image, Is.SameAs(image));
        AssertBoxes(kept.Boxes, new Box(1, 2, 4, 3, 7));
    }

    [Test]
    public void Flip_happens_with_probability_p()
    {
        using var scope = DisposeScope.Enter();
        var input = new ImageSample(CoordinateImage(2, 3));
        var t = new RandomHorizontalFlip(0.3);
        var flips = Enumerable.Range(0, 2000).Count(s => !ReferenceEquals(t.Apply(input, new Random(s)).Image, input.Image));
        Assert.That(flips, Is.InRange(510, 690)); // 600 +- 4.6 sigma
    }

    [Test]
    public void Resize_scales_boxes()
    {
        using var scope = DisposeScope.Enter();
        var input = new ImageSample(RandomImage(2, 3, 20, 10), [new Box(2, 4, 6, 10, 0)]);
        var output = new Resize(40, 5).Apply(input, new Random(0));
        Assert.That(output.Image.Shape, Is.EqualTo(new long[] { 3, 40, 5 }));
        AssertBoxes(output.Boxes, new Box(1, 8, 3, 20, 0));
        var shorter = Resize.ShorterSide(5).Apply(input, new Random(0));
        Assert.That(shorter.Image.Shape, Is.EqualTo(new long[] { 3, 10, 5 }));
        AssertBoxes(shorter.Boxes, new Box(1, 2, 3, 5, 0));
    }

    [Test]
    public void Center_crop_shifts_clips_and_drops_boxes()
    {
        // 10 x 10 -> 4 (h) x 6 (w): top = round(3) = 3, left = round(2) = 2.
        using var scope = DisposeScope.Enter();
        var input = new ImageSample(CoordinateImage(10, 10), [new Box(0, 0, 5, 5, 1), new Box(9, 9, 10, 10, 2), new Box(3, 4, 5, 6, 3)]);
        var output = new CenterCrop(4, 6).Apply(input, new Random(0));
        AssertBoxes(output.Boxes, new Box(0, 0, 3, 2, 1), new Box(1, 1, 3, 3, 3));
        Assert.That(output.Image[0, .., 0].ToDoubleArray(), Is.EqualTo(new double[] { 3, 4, 5, 6 }));
        Assert.That(output.Image[1, 0].ToDoubleArray(), Is.EqualTo(new double[] { 2, 3, 4, 5, 6, 7 }));
    }

    [Test]
    public void Center_crop_larger_than_the_image_pads_and_shifts_boxes()
    {
        // 2 x 3 -> 5 x 6: padding left (6 - 3) // 2 = 1, top (5 - 2) // 2 = 1.
        using var scope = DisposeScope.Enter();
        var input = new ImageSample(Tensor.Ones([1, 2, 3], ScalarType.UInt8), [new Box(0, 0, 3, 2)]);
        var output = new CenterCrop(5, 6).Apply(input, new Random(0));
        AssertBoxes(output.Boxes, new Box(1, 1, 4, 3));
        Assert.That(output.Image.ToDoubleArray(), Is.EqualTo(new double[]
        {
            0, 0, 0, 0, 0, 0,
            0, 1, 1, 1, 0, 0,
            0, 1, 1, 1, 0, 0,
            0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0,
        }));
    }

    [Test]
    public void Random_crop_cuts_the_drawn_window_and_moves_boxes()
    {
        using var scope = DisposeScope.Enter();
        var input = new ImageSample(CoordinateImage(30, 40), [new Box(10, 10, 20, 20, 4), new Box(0, 0, 1, 1, 5)]);
        var t = new RandomCrop(8, 12);
        for (var seed = 0; seed < 40; seed++)
        {
            var w = t.GetParams(30, 40, new Random(seed));
            Assert.That(w.Top, Is.InRange(0, 22));
            Assert.That(w.Left, Is.InRange(0, 28));
            var output = t.Apply(input, new Random(seed));
            Assert.That(output.Image[0, 0, 0].Item<float>(), Is.EqualTo(w.Top));
            Assert.That(output.Image[1, 0, 0].Item<float>(), Is.EqualTo(w.Left));
            var expected = new List<Box>();
            foreach (var b in input.Boxes!)
            {
                var x1 = Math.Clamp(b.X1 - w.Left, 0, 12);
                var x2 = Math.Clamp(b.X2 - w.Left, 0, 12);
                var y1 = Math.Clamp(b.Y1 - w.Top, 0, 8);
                var y2 = Math.Clamp(b.Y2 - w.Top, 0, 8);
                if (x2 > x1 && y2 > y1)
                {
                    expected.Add(b with { X1 = x1, Y1 = y1, X2 = x2, Y2 = y2 });
                }
            }

            AssertBoxes(output.Boxes, [.. expected]);
        }
    }

    [Test]
    public void Random_crop_draws_top_then_left_and_nothing_for_a_full_window()
    {
        var t = new RandomCrop(3, 4);
        var rng = new Random(11);
        var expected = new CropWindow(rng.Next(0, 8), rng.Next(0, 7), 3, 4);
        Assert.That(t.GetParams(10, 10, new Random(11)), Is.EqualTo(expected));
        var used = new Random(5);
        Assert.That(t.GetParams(3, 4, used), Is.EqualTo(new CropWindow(0, 0, 3, 4)));
        Assert.That(used.Next(), Is.EqualTo(new Random(5).Next()), "a full-size window must not consume a draw");
        Assert.Throws<ArgumentException>(() => t.GetParams(2, 10, new Random(0)));
    }

    [Test]
    public void Srn_crop_moves_boxes_by_hand()
    {
        // 512 x 512 -> base 256 (x0.5) -> 128 x 128 window -> output 64 (x0.5). A box (0, 0, 256, 256) is
        // (0, 0, 128, 128) at base scale: the top-left window keeps all of it, the centre window (64, 64) a quarter,
        // the others none of it.
        using var scope = DisposeScope.Enter();
        var t = new SrnMultiScaleCrop(outputSize: 64, cropSizes: [128]);
        var input = new ImageSample(RandomImage(9, 3, 512, 512), [new Box(0, 0, 256, 256, 6)]);
        var positions = new HashSet<(int, int)>();
        for (var seed = 0; seed < 40; seed++)
        {
            var w = t.GetParams(new Random(seed));
            var boxes = t.Apply(input, new Random(seed)).Boxes;
            positions.Add((w.Top, w.Left));
            switch ((w.Top, w.Left))
            {
                case (0, 0):
                    AssertBoxes(boxes, new Box(0, 0, 64, 64, 6));
                    break;
                case (64, 64):
                    AssertBoxes(boxes, new Box(0, 0, 32, 32, 6));
                    break;
                default:
                    AssertBoxes(boxes);
                    break;
            }
        }

        Assert.That(positions, Is.EquivalentTo(new[] { (0, 0), (0, 128), (128, 0), (128, 128), (64, 64) }));
    }

    // ----- output ranges -----

    [Test]
    public void Outputs_stay_in_range_over_many_seeds()
    {
        using var scope = DisposeScope.Enter();
        var u8 = new ImageSample(RandomImage(4, 3, 50, 70));
        var bytePipeline = new Compose(new SrnMultiScaleCrop(outputSize: 40, baseSize: 48, cropSizes: [48, 40, 32, 24], interpolation: InterpolationMode.Bicubic), new RandomHorizontalFlip());
        var floatPipeline = new Compose(new HcpMultiScaleCrop(outputSize: 40, baseSize: 48, cropSizes: [48, 40, 32, 24]), new ToFloat(), new ColorJitter(0.8, 0.8, 0.8, 0.5));
        for (var seed = 0; seed < 40; seed++)
        {
            using var inner = DisposeScope.Enter();
            var b = bytePipeline.Apply(u8, new Random(seed)).Image;
            Assert.That(b.DType, Is.EqualTo(ScalarType.UInt8));
            Assert.That(b.Shape, Is.EqualTo(new long[] { 3, 40, 40 }));
            var f = floatPipeline.Apply(u8, new Random(seed)).Image;
            Assert.That(f.DType, Is.EqualTo(ScalarType.Float32));
            Assert.That(f.Shape, Is.EqualTo(new long[] { 3, 40, 40 }));
            Assert.That(f.Min().Item<float>(), Is.GreaterThanOrEqualTo(0f), $"seed {seed}");
            Assert.That(f.Max().Item<float>(), Is.LessThanOrEqualTo(1f), $"seed {seed}");
            Assert.That(f.IsFinite().All().Item<bool>(), Is.True, $"seed {seed}");
        }
    }

    // ----- colour jitter -----

    [Test]
    public void Color_jitter_factors_lie_in_their_ranges_and_orders_are_permutations()
    {
        var t = new ColorJitter(brightness: 0.4, contrast: 1.5, saturation: 0.2, hue: 0.1);
        var orders = new HashSet<string>();
        for (var seed = 0; seed < 2000; seed++)
        {
            var (order, b, c, s, h) = t.GetParams(new Random(seed));
            Assert.That(order.Order(), Is.EqualTo(new[] { 0, 1, 2, 3 }));
            orders.Add(string.Join(",", order));
            Assert.That(b, Is.InRange(0.6, 1.4));
            Assert.That(c, Is.InRange(0.0, 2.5));
            Assert.That(s, Is.InRange(0.8, 1.2));
            Assert.That(h, Is.InRange(-0.1, 0.1));
        }

        Assert.That(orders, Has.Count.EqualTo(24), "all 24 orders should occur");
        var off = new ColorJitter(brightness: 0.5).GetParams(new Random(0));
        Assert.That((off.Contrast, off.Saturation, off.Hue), Is.EqualTo(((double?)null, (double?)null, (double?)null)));
    }

    [Test]
    public void Color_jitter_applies_the_drawn_factors_in_the_drawn_order()
    {
        using var scope = DisposeScope.Enter();
        var image = RandomImage(6, 3, 9, 11, ScalarType.Float32);
        var t = new ColorJitter(0.5, 0.5, 0.5, 0.2);
        for (var seed = 0; seed < 6; seed++)
        {
            var (order, b, c, s, h) = t.GetParams(new Random(seed));
            var expected = image;
            foreach (var op in order)
            {
                expected = op switch
                {
                    0 => ColorJitter.AdjustBrightness(expected, b!.Value),
                    1 => ColorJitter.AdjustContrast(expected, c!.Value),
                    2 => ColorJitter.AdjustSaturation(expected, s!.Value),
                    _ => ColorJitter.AdjustHue(expected, h!.Value),
                };
            }

            Assert.That(SameValues(t.Apply(new ImageSample(image), new Random(seed)).Image, expected), Is.True, $"seed {seed}");
        }

        // The order matters: brightness then contrast differs from contrast then brightness when clipping.
        var bc = ColorJitter.AdjustContrast(ColorJitter.AdjustBrightness(image, 1.8), 0.3);
        var cb = ColorJitter.AdjustBrightness(ColorJitter.AdjustContrast(image, 0.3), 1.8);
        Assert.That(SameValues(bc, cb), Is.False);
    }

    [Test]
    public void Color_adjustments_reject_bad_factors()
    {
        using var scope = DisposeScope.Enter();
        var image = RandomImage(6, 3, 4, 4, ScalarType.Float32);
        Assert.Throws<ArgumentOutOfRangeException>(() => ColorJitter.AdjustBrightness(image, -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ColorJitter.AdjustHue(image, 0.6));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ColorJitter(hue: 0.7));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ColorJitter(contrast: -1));
        var ex = Assert.Throws<ArgumentException>(() => ColorJitter.AdjustSaturation(RandomImage(6, 4, 4, 4, ScalarType.Float32), 0.5));
        Assert.That(ex!.Message, Does.Contain("4 channels"));
    }

    // ----- compose -----

    [Test]
    public void Compose_applies_steps_in_order_with_one_random_source()
    {
        using var scope = DisposeScope.Enter();
        var input = new ImageSample(RandomImage(8, 3, 60, 50), [new Box(5, 5, 40, 30, 1)]);
        var crop = new SrnMultiScaleCrop(outputSize: 32, baseSize: 48, cropSizes: [48, 40, 32]);
        var flip = new RandomHorizontalFlip();
        var pipeline = new Compose(crop, flip, new ToFloat(), Normalize.ImageNet);
        for (var seed = 0; seed < 8; seed++)
        {
            var rng = new Random(seed);
            var a = crop.Apply(input, rng);
            var b = flip.Apply(a, rng);
            var c = new ToFloat().Apply(b, rng);
            var expected = Normalize.ImageNet.Apply(c, rng);
            var actual = pipeline.Apply(input, new Random(seed));
            Assert.That(SameValues(actual.Image, expected.Image), Is.True, $"seed {seed}");
            Assert.That(actual.Boxes, Is.EqualTo(expected.Boxes), $"seed {seed}");
        }

        Assert.That(new Compose().Apply(input, new Random(0)), Is.SameAs(input));
        Assert.That(new Compose(new Resize(60, 50), new ToFloat()).Apply(input, new Random(0)).Image.DType, Is.EqualTo(ScalarType.Float32));
    }

    // ----- memory -----

    [Test]
    public void Transforms_leak_no_native_handles_and_never_dispose_their_input()
    {
        var image = RandomImage(10, 3, 60, 80);
        var input = new ImageSample(image, [new Box(1, 2, 50, 40, 0)]);
        var floatImage = RandomImage(10, 3, 60, 80, ScalarType.Float32);
        var floatInput = new ImageSample(floatImage);
        var transforms = new (ITransform T, ImageSample In)[]
        {
            (new Resize(30, 40), input),
            (new Resize(30, 40, InterpolationMode.Bicubic), input),
            (new Resize(90, 100, InterpolationMode.Nearest), input),
            (Resize.ShorterSide(20), floatInput),
            (new CenterCrop(30), input),
            (new CenterCrop(70, 90), input),
            (new RandomCrop(30, 30), input),
            (new RandomHorizontalFlip(), input),
            (new SrnMultiScaleCrop(outputSize: 32, baseSize: 48, cropSizes: [48, 40, 32, 24]), input),
            (new HcpMultiScaleCrop(outputSize: 32, baseSize: 48, cropSizes: [48, 40, 32, 24]), input),
            (new ColorJitter(0.4, 0.4, 0.4, 0.1), floatInput),
            (new ColorJitter(0.4, 0.4, 0.4, 0.1), input),
            (new ToFloat(), input),
            (new ToFloat(), floatInput),
            (Normalize.ImageNet, floatInput),
            (new Compose(new HcpMultiScaleCrop(outputSize: 32, baseSize: 48, cropSizes: [48, 40]), new RandomHorizontalFlip(), new ToFloat(), new ColorJitter(0.3, 0.3, 0.3, 0.05), Normalize.ImageNet), input),
        };

        // Warm up (lazy native initialisation), then count.
        foreach (var (t, i) in transforms)
        {
            Release(t.Apply(i, new Random(0)), i);
        }

        var baseline = LiveTensors.Settled();
        for (var seed = 0; seed < 10; seed++)
        {
            foreach (var (t, i) in transforms)
            {
                var output = t.Apply(i, new Random(seed));
                Assert.That(LiveTensors.Settled(), Is.LessThanOrEqualTo(baseline + 1), $"{t.GetType().Name}: more than its result alive");
                Release(output, i);
                Assert.That(LiveTensors.Settled(), Is.EqualTo(baseline), $"{t.GetType().Name}: leaked a native handle");
            }
        }

        Assert.That(image.IsDisposed, Is.False);
        Assert.That(floatImage.IsDisposed, Is.False);
        image.Dispose();
        floatImage.Dispose();
    }

    [Test]
    public void Results_join_the_callers_dispose_scope()
    {
        var image = RandomImage(12, 3, 40, 40);
        var baseline = LiveTensors.Settled();
        using (var scope = DisposeScope.Enter())
        {
            var pipeline = new Compose(new SrnMultiScaleCrop(outputSize: 24, baseSize: 32, cropSizes: [32, 24, 16]), new ToFloat(), Normalize.ImageNet);
            for (var seed = 0; seed < 5; seed++)
            {
                _ = pipeline.Apply(new ImageSample(image), new Random(seed));
            }

            Assert.That(scope.Count, Is.EqualTo(5), "each result belongs to the caller's scope; intermediates are gone");
        }

        Assert.That(LiveTensors.Settled(), Is.EqualTo(baseline));
        Assert.That(image.IsDisposed, Is.False);
        image.Dispose();
    }

    // ----- errors -----

    [Test]
    public void Bad_images_and_arguments_get_clear_errors()
    {
        using var scope = DisposeScope.Enter();
        var batch = new ImageSample(Tensor.Zeros([2, 3, 8, 8]));
        var ex = Assert.Throws<ArgumentException>(() => new Resize(4, 4).Apply(batch, new Random(0)));
        Assert.That(ex!.Message, Does.Contain("[C, H, W]").And.Contain("[2, 3, 8, 8]"));
        var ints = new ImageSample(Tensor.Zeros([3, 8, 8], ScalarType.Int64));
        Assert.That(Assert.Throws<ArgumentException>(() => new CenterCrop(4).Apply(ints, new Random(0)))!.Message, Does.Contain("Int64"));
        var bytes = new ImageSample(Tensor.Zeros([3, 8, 8], ScalarType.UInt8));
        Assert.That(Assert.Throws<ArgumentException>(() => Normalize.ImageNet.Apply(bytes, new Random(0)))!.Message, Does.Contain("ToFloat"));
        Assert.That(Assert.Throws<ArgumentException>(() => new RandomCrop(9, 4).Apply(bytes, new Random(0)))!.Message, Does.Contain("larger than the image"));
        Assert.Throws<ArgumentException>(() => new Normalize([0.5, 0.5], [1.0]));
        Assert.Throws<ArgumentException>(() => new Normalize([0.5], [0.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Resize(4, 4, InterpolationMode.Area));
        Assert.Throws<ArgumentOutOfRangeException>(() => Resize.ShorterSide(10, maxSize: 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SrnMultiScaleCrop(cropSizes: [300]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomHorizontalFlip(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.InterpolateAntialias(Tensor.Zeros([1, 3, 8, 8]), size: 4, mode: InterpolationMode.Nearest));
        var native = Assert.Throws<TorchException>(() => Functional.InterpolateAntialias(Tensor.Zeros([1, 3, 8, 8], ScalarType.UInt8), size: 4));
        Assert.That(native!.Message, Does.Contain("floating-point"));
        Assert.That(Assert.Throws<TorchException>(() => Functional.InterpolateAntialias(Tensor.Zeros([3, 8, 8]), size: 4))!.Message, Does.Contain("4-d"));
    }
}
