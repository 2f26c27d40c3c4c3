using Srn.Distillation;
using Srn.Torch;
using Srn.Vision;

namespace Srn.Tests.Distillation;

[TestFixture]
public sealed class SlidingWindowProposalsTests
{
    // A black uint8 RGB image 128 wide, 96 high, with a filled grey rectangle at x 40..72, y 30..60.
    internal static Tensor ImageWithRectangle(bool flip = false)
    {
        var pixels = new byte[3 * 96 * 128];
        for (var c = 0; c < 3; c++)
        {
            for (var y = 30; y < 60; y++)
            {
                for (var x = 40; x < 72; x++)
                {
                    pixels[(((c * 96) + y) * 128) + (flip ? 127 - x : x)] = 200;
                }
            }
        }

        return Tensor.FromArray(pixels, [3, 96, 128]);
    }

    [Test]
    public void Windows_follow_the_documented_layout()
    {
        var p = new SlidingWindowProposals(new SlidingWindowProposalsOptions { Scales = [0.5], Aspects = [1], Stride = 0.5 });
        var windows = p.Windows(100, 100);
        var expected = new List<Box>();
        foreach (var y in new[] { 0, 25, 50 })
        {
            foreach (var x in new[] { 0, 25, 50 })
            {
                expected.Add(new Box(x, y, x + 50, y + 50));
            }
        }

        Assert.That(windows, Is.EqualTo(expected));
    }

    [TestCase(224, 224, 458, 458)]
    [TestCase(672, 672, 491, 491)]
    [TestCase(256, 192, 644, 500)]
    public void Default_counts_match_the_documentation(int width, int height, int windows, int kept)
    {
        var p = new SlidingWindowProposals();
        Assert.That(p.Windows(width, height), Has.Count.EqualTo(windows));
        Assert.That(p.Generate(width, height), Has.Count.EqualTo(kept));
    }

    [TestCase(224, 224)]
    [TestCase(256, 192)]
    [TestCase(97, 301)]
    public void Windows_lie_inside_the_image_cover_it_and_are_distinct(int width, int height)
    {
        var p = new SlidingWindowProposals();
        foreach (var boxes in new[] { p.Windows(width, height), p.Generate(width, height) })
        {
            Assert.That(boxes, Is.Unique);
            var covered = new bool[height, width];
            foreach (var b in boxes)
            {
                Assert.That(b.X1 >= 0 && b.Y1 >= 0 && b.X2 <= width && b.Y2 <= height && b.Width >= 1 && b.Height >= 1, Is.True, b.ToString());
                for (var y = (int)b.Y1; y < (int)b.Y2; y++)
                {
                    for (var x = (int)b.X1; x < (int)b.X2; x++)
                    {
                        covered[y, x] = true;
                    }
                }
            }

            Assert.That(covered.Cast<bool>().All(c => c), Is.True, "every pixel is inside some window");
        }

        // Each scale alone covers the image too (its windows reach every edge).
        foreach (var scale in p.Options.Scales)
        {
            var one = new SlidingWindowProposals(p.Options with { Scales = [scale], Aspects = [1] }).Windows(width, height);
            Assert.That(one.Min(b => b.X1), Is.Zero);
            Assert.That(one.Min(b => b.Y1), Is.Zero);
            Assert.That(one.Max(b => b.X2), Is.EqualTo(width));
            Assert.That(one.Max(b => b.Y2), Is.EqualTo(height));
        }
    }

    [Test]
    public void The_cap_keeps_every_scale_represented()
    {
        var p = new SlidingWindowProposals(new SlidingWindowProposalsOptions { MaxBoxes = 50 });
        var kept = p.Generate(256, 192);
        Assert.That(kept, Has.Count.EqualTo(50));
        var sides = kept.Select(b => Math.Max(b.Width, b.Height)).ToArray();
        Assert.That(sides.Min(), Is.LessThan(60), "small windows kept");
        Assert.That(sides.Max(), Is.GreaterThan(170), "large windows kept");
    }

    [Test]
    public void Generation_is_deterministic()
    {
        using var scope = DisposeScope.Enter();
        var a = new SlidingWindowProposals().Generate(ImageWithRectangle());
        var b = new SlidingWindowProposals().Generate(ImageWithRectangle());
        Assert.That(b.Boxes, Is.EqualTo(a.Boxes));
        Assert.That(b.Scores, Is.EqualTo(a.Scores));
        var first = new SlidingWindowProposals().Generate(300, 200);
        var second = new SlidingWindowProposals().Generate(300, 200);
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void Objectness_ranks_a_box_around_a_rectangle_above_an_empty_region()
    {
        using var scope = DisposeScope.Enter();
        var p = new SlidingWindowProposals();
        var image = ImageWithRectangle();
        var around = new Box(36, 26, 76, 64);
        var empty = new Box(90, 60, 120, 90);
        var whole = new Box(0, 0, 128, 96);
        var scores = p.Objectness(image, [around, empty, whole]);
        Assert.That(scores[0], Is.GreaterThan(1f), "the box around the rectangle holds its whole contour");
        Assert.That(scores[1], Is.Zero, "a flat region with flat surroundings");
        Assert.That(scores[2], Is.EqualTo(0f).Within(1e-6), "the whole image: its own mean, no ring");

        // Ranked windows: the best lie on the rectangle; those enclosing it all rank above every window that stays
        // clear of it (more than 2 px away: flat inside, hence a score of 0 or below).
        var (boxes, ranked) = p.Generate(image);
        Assert.That(ranked, Is.Ordered.Descending);
        var rectangle = new Box(40, 30, 72, 60);
        Assert.That(boxes.Take(10).All(b => Overlap(b, rectangle) > 0.3 * Math.Min(Area(b), Area(rectangle))), Is.True, "the best windows lie on the rectangle");
        var enclosing = Enumerable.Range(0, boxes.Count).Where(i => Encloses(boxes[i], rectangle)).ToArray();
        var clear = Enumerable.Range(0, boxes.Count).Where(i => Overlap(Grow(boxes[i], 2), rectangle) == 0).ToArray();
        Assert.That(enclosing, Is.Not.Empty);
        Assert.That(clear, Is.Not.Empty);
        Assert.That(enclosing.Min(i => ranked[i]), Is.GreaterThan(0f));
        Assert.That(clear.Max(i => ranked[i]), Is.LessThanOrEqualTo(0f));
    }

    private static double Area(Box b) => (double)b.Width * b.Height;

    private static double Overlap(Box a, Box b) =>
        Math.Max(0, Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1)) * (double)Math.Max(0, Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1));

    private static bool Encloses(Box outer, Box inner) => outer.X1 <= inner.X1 && outer.Y1 <= inner.Y1 && outer.X2 >= inner.X2 && outer.Y2 >= inner.Y2;

    private static Box Grow(Box b, float d) => new(b.X1 - d, b.Y1 - d, b.X2 + d, b.Y2 + d);

    [Test]
    public void Objectness_ignores_the_pixel_range_and_a_flat_image_scores_zero()
    {
        using var scope = DisposeScope.Enter();
        var p = new SlidingWindowProposals();
        var boxes = p.Windows(128, 96);
        var bytes = p.Objectness(ImageWithRectangle(), boxes);
        var unit = p.Objectness(ImageWithRectangle().To(ScalarType.Float32) / 255.0, boxes);
        for (var i = 0; i < boxes.Count; i++)
        {
            Assert.That(unit[i], Is.EqualTo(bytes[i]).Within(1e-4));
        }

        Assert.That(p.Objectness(Tensor.Full([96, 128], 7.0), boxes), Is.All.Zero);
    }

    [Test]
    public void Bad_options_and_images_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SlidingWindowProposals(new SlidingWindowProposalsOptions { Scales = [0] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SlidingWindowProposals(new SlidingWindowProposalsOptions { Scales = [1.5] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SlidingWindowProposals(new SlidingWindowProposalsOptions { Aspects = [] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SlidingWindowProposals(new SlidingWindowProposalsOptions { Stride = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SlidingWindowProposals(new SlidingWindowProposalsOptions { MaxBoxes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SlidingWindowProposals(new SlidingWindowProposalsOptions { RingFraction = 0 }));
        var p = new SlidingWindowProposals();
        Assert.Throws<ArgumentOutOfRangeException>(() => p.Windows(0, 10));
        using var scope = DisposeScope.Enter();
        var e = Assert.Throws<ArgumentException>(() => p.Generate(Tensor.Zeros([1, 3, 8, 8])));
        Assert.That(e!.Message, Does.Contain("[1, 3, 8, 8]"));
    }
}
