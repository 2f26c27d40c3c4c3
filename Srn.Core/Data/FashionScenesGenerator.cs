using System.Globalization;
using static Srn.Data.OutfitTemplates;

namespace Srn.Data;

/// <summary>
/// Composes Fashion-MNIST items into multi-label scenes (docs/fashion-scenes.md). A scene is a pure function of
/// (options, split, index): its generator is seeded from those alone (<see cref="SplitMix64"/>), so scenes can be made in
/// any order, on any number of threads, and the same seed gives the same bytes. Train scenes draw only train items and test
/// scenes only test items. Scene i &lt; 10 of each split is made to contain class i, so every class occurs.
/// </summary>
/// <remarks>There is no PyTorch equivalent; it plays the part of the small multi-label sets (e.g. multi-MNIST) papers test on.</remarks>
public sealed class FashionScenesGenerator
{
    /// <summary>Items whose brightest pixel is below this are never used (they would leave no visible box).</summary>
    public const int MinItemPeak = 200;

    private const double AlphaFloor = 0.02;
    private const double AlphaGain = 4.0;
    private const double ShadeFloor = 0.30;
    private const double BoxThreshold = 0.10 * 255;
    private const int Side = FashionMnist.ItemSize;

    // The random stream of GenerateSingle's pictures: scenes use their split's number (0, 1).
    private const int SingleItemStream = 2;

    private readonly int[][][] usable;

    /// <summary>Creates a generator.</summary>
    /// <param name="source">The Fashion-MNIST items.</param>
    /// <param name="options">The options; null for the defaults.</param>
    public FashionScenesGenerator(FashionMnist source, FashionScenesOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= new FashionScenesOptions();
        options.Validate();
        Source = source;
        Options = options;
        usable = [Usable(source.Train), Usable(source.Test)];
    }

    /// <summary>The class names, in label order.</summary>
    public static IReadOnlyList<string> Classes => FashionMnist.ClassNames;

    /// <summary>The Fashion-MNIST items scenes are made of.</summary>
    public FashionMnist Source { get; }

    /// <summary>The options.</summary>
    public FashionScenesOptions Options { get; }

    /// <summary>How many items of each split are never used (their brightest pixel is below <see cref="MinItemPeak"/>).</summary>
    /// <param name="split">The split.</param>
    /// <returns>The count.</returns>
    public int UnusedItems(SceneSplit split) => Items(split).Count - usable[(int)split].Sum(c => c.Length);

    /// <summary>Generates one scene.</summary>
    /// <param name="split">The split.</param>
    /// <param name="index">The scene index, below <see cref="FashionScenesOptions.ScenesOf"/>.</param>
    /// <returns>The scene.</returns>
    public FashionScene Generate(SceneSplit split, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Options.ScenesOf(split));
        var rng = SplitMix64.ForScene(Options.Seed, (int)split, index);
        int? forced = index < Classes.Count ? index : null;
        var plan = new List<Placement>(6);
        string style;
        if (rng.Chance(Options.ScatteredFraction))
        {
            style = "scattered";
            PlanScattered(ref rng, forced, plan);
        }
        else
        {
            style = PlanOutfit(ref rng, forced, plan);
        }

        var pixels = Background(ref rng);
        var items = new List<SceneItem>(plan.Count + 1);
        foreach (var p in plan)
        {
            Draw(ref rng, split, p, pixels, items);
        }

        return new FashionScene(split, index, style, Options.CanvasSize, pixels, items);
    }

    /// <summary>
    /// A picture of one item of the Fashion-MNIST training split on a scene background, for pre-training a backbone
    /// (<c>srn pretrain</c>): the analogue of the ImageNet pictures the papers' backbones start from. Item
    /// <paramref name="index"/> has class <c>index % 10</c> (balanced classes), a scattered scene's size range, a
    /// uniform position, a random flip and tint. Test items never appear. Its own random stream (not a scene's), so
    /// the pictures do not repeat scenes.
    /// </summary>
    /// <param name="index">Any non-negative index; the same index gives the same picture.</param>
    /// <returns>A scene of one item (split <see cref="SceneSplit.Train"/>, style <c>single</c>).</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="index"/> is negative.</exception>
    public FashionScene GenerateSingle(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var rng = SplitMix64.ForScene(Options.Seed, SingleItemStream, index);
        var size = Options.CanvasSize;
        var cls = index % Classes.Count;
        var (w, h) = ItemSize(ref rng, ScatteredMinScale, ScatteredMaxScale);
        var x = rng.NextInt(size - w + 1);
        var y = rng.NextInt(size - h + 1);
        var pixels = Background(ref rng);
        var items = new List<SceneItem>(1);
        Draw(ref rng, SceneSplit.Train, new Placement(cls, x + (w / 2.0), y + (h / 2.0), w, h, 0), pixels, items);
        return new FashionScene(SceneSplit.Train, index, "single", size, pixels, items);
    }

    /// <summary>Generates every scene of a split, in parallel; the result does not depend on the number of threads.</summary>
    /// <param name="split">The split.</param>
    /// <param name="maxThreads">The most threads to use; null for all processors.</param>
    /// <returns>The scenes, by index.</returns>
    public FashionScene[] GenerateSplit(SceneSplit split, int? maxThreads = null)
    {
        var scenes = new FashionScene[Options.ScenesOf(split)];
        Parallel.For(0, scenes.Length, new ParallelOptions { MaxDegreeOfParallelism = maxThreads ?? Environment.ProcessorCount }, i => scenes[i] = Generate(split, i));
        return scenes;
    }

    private FashionMnistSplit Items(SceneSplit split) => split == SceneSplit.Train ? Source.Train : Source.Test;

    private static int[][] Usable(FashionMnistSplit items) =>
    [
        .. Enumerable.Range(0, Classes.Count).Select(c =>
        {
            var list = items.IndicesOf(c).Where(i => Peak(items.Image(i)) >= MinItemPeak).ToArray();
            return list.Length > 0 ? list : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Fashion-MNIST {items.Name} has no usable item of class '{Classes[c]}'."));
        }),
    ];

    private static int Peak(ReadOnlySpan<byte> image)
    {
        var peak = 0;
        foreach (var v in image)
        {
            peak = Math.Max(peak, v);
        }

        return peak;
    }

    private string PlanOutfit(ref SplitMix64 rng, int? forced, List<Placement> plan)
    {
        var styles = forced is { } f ? [.. Styles.Where(s => s.CanHold(f))] : Styles;
        var style = Pick(ref rng, styles, s => s.Weight);
        var shift = rng.Uniform(-OutfitShift, OutfitShift);

        var topOn = rng.Chance(style.Top.Probability);
        var top = Pick(ref rng, style.Top.Classes, c => c.Weight).Class;
        var trousersOn = rng.Chance(style.Trousers);
        var feetOn = rng.Chance(style.Feet.Probability);
        var feet = Pick(ref rng, style.Feet.Classes, c => c.Weight).Class;
        var pair = rng.Chance(PairProbability);
        var bagOn = rng.Chance(style.Bag);
        var bagRight = rng.Chance(0.5);

        if (forced is { } cls)
        {
            if (style.Top.Classes.Any(c => c.Class == cls))
            {
                (topOn, top) = (true, cls);
            }
            else if (style.Feet.Classes.Any(c => c.Class == cls))
            {
                (feetOn, feet) = (true, cls);
            }
            else if (cls == Trouser)
            {
                trousersOn = true;
                if (top == Dress)
                {
                    top = Pick(ref rng, [.. style.Top.Classes.Where(c => c.Class != Dress)], c => c.Weight).Class;
                }
            }
            else if (cls == Bag)
            {
                bagOn = true;
            }
        }

        if (topOn && top == Dress)
        {
            trousersOn = false;
        }

        if (!topOn && !trousersOn && !feetOn && !bagOn)
        {
            topOn = true;
        }

        if (trousersOn)
        {
            Add(ref rng, plan, TrouserSlot, Trouser, shift, mirror: false, pair: false);
        }

        if (topOn)
        {
            Add(ref rng, plan, top == Dress ? DressSlot : TopSlot, top, shift, mirror: false, pair: false);
        }

        if (feetOn)
        {
            Add(ref rng, plan, FeetSlot, feet, shift, mirror: false, pair);
        }

        if (bagOn)
        {
            Add(ref rng, plan, BagSlot, Bag, shift, mirror: bagRight, pair: false);
        }

        return style.Name;
    }

    private void Add(ref SplitMix64 rng, List<Placement> plan, SlotGeometry slot, int cls, double shift, bool mirror, bool pair)
    {
        var size = Options.CanvasSize;
        var (w, h) = ItemSize(ref rng, slot.MinScale, slot.MaxScale);
        var x = (mirror ? 1 - slot.X : slot.X) + shift + rng.Uniform(-JitterX, JitterX);
        var y = slot.Y + rng.Uniform(-JitterY, JitterY);
        plan.Add(new Placement(cls, x * size, y * size, w, h, pair ? PairOffset * size : 0));
    }

    private void PlanScattered(ref SplitMix64 rng, int? forced, List<Placement> plan)
    {
        var size = Options.CanvasSize;
        var count = 1 + rng.NextInt(ScatteredMaxItems);
        var rects = new List<(int X, int Y, int W, int H)>(count);
        for (var i = 0; i < count; i++)
        {
            var cls = i == 0 && forced is { } f ? f : rng.NextInt(Classes.Count);
            var (w, h) = ItemSize(ref rng, ScatteredMinScale, ScatteredMaxScale);
            (int X, int Y, int W, int H) best = default;
            var bestIou = double.PositiveInfinity;
            for (var t = 0; t < ScatteredPlacementTries && bestIou > ScatteredMaxIou; t++)
            {
                var candidate = (rng.NextInt(size - w + 1), rng.NextInt(size - h + 1), w, h);
                var iou = rects.Count == 0 ? 0 : rects.Max(r => Iou(r, candidate));
                if (iou < bestIou)
                {
                    (best, bestIou) = (candidate, iou);
                }
            }

            rects.Add(best);
            plan.Add(new Placement(cls, best.X + (w / 2.0), best.Y + (h / 2.0), w, h, 0));
        }
    }

    private (int W, int H) ItemSize(ref SplitMix64 rng, double minScale, double maxScale)
    {
        var size = Options.CanvasSize;
        var unit = Side * size / 112.0;
        var scale = rng.Uniform(minScale, maxScale);
        var aspect = rng.Uniform(1 - AspectJitter, 1 + AspectJitter);
        var h = Math.Min(size, (int)Math.Floor((unit * scale) + 0.5));
        var w = Math.Min(size, (int)Math.Floor((unit * scale * aspect) + 0.5));
        return (w, h);
    }

    private static double Iou((int X, int Y, int W, int H) a, (int X, int Y, int W, int H) b)
    {
        var iw = Math.Min(a.X + a.W, b.X + b.W) - Math.Max(a.X, b.X);
        var ih = Math.Min(a.Y + a.H, b.Y + b.H) - Math.Max(a.Y, b.Y);
        if (iw <= 0 || ih <= 0)
        {
            return 0;
        }

        double inter = iw * ih;
        return inter / ((a.W * a.H) + (b.W * b.H) - inter);
    }

    private byte[] Background(ref SplitMix64 rng)
    {
        var size = Options.CanvasSize;
        var pixels = new byte[size * size * 3];
        var level = 20 + rng.NextInt(51);
        Span<int> baseColour = stackalloc int[3];
        for (var c = 0; c < 3; c++)
        {
            baseColour[c] = Math.Clamp(level + rng.NextInt(25) - 12, 0, 255);
        }

        var amplitude = Options.BackgroundNoise;
        var span = (ulong)((2 * amplitude) + 1);
        for (var p = 0; p < pixels.Length; p++)
        {
            var noise = 0;
            if (amplitude > 0)
            {
                var bits = rng.Next();
                var u1 = (int)(((bits & 0xFFFF) * span) >> 16);
                var u2 = (int)((((bits >> 16) & 0xFFFF) * span) >> 16);
                noise = ((u1 + u2) / 2) - amplitude;
            }

            pixels[p] = (byte)Math.Clamp(baseColour[p % 3] + noise, 0, 255);
        }

        return pixels;
    }

    private void Draw(ref SplitMix64 rng, SceneSplit split, Placement p, byte[] pixels, List<SceneItem> placed)
    {
        var candidates = usable[(int)split][p.Class];
        var source = candidates[rng.NextInt(candidates.Length)];
        var flip = rng.Chance(0.5);
        Span<double> tint = stackalloc double[3];
        Tint(ref rng, tint);
        var image = Items(split).Image(source);
        if (p.PairDx == 0)
        {
            placed.Add(new SceneItem(p.Class, source, Render(image, pixels, p, p.Cx, flip, tint)));
        }
        else
        {
            placed.Add(new SceneItem(p.Class, source, Render(image, pixels, p, p.Cx - p.PairDx, flip, tint)));
            placed.Add(new SceneItem(p.Class, source, Render(image, pixels, p, p.Cx + p.PairDx, flip, tint)));
        }
    }

    private Vision.Box Render(ReadOnlySpan<byte> image, byte[] pixels, Placement p, double cx, bool flip, ReadOnlySpan<double> tint)
    {
        var size = Options.CanvasSize;
        var x0 = Math.Clamp((int)Math.Floor(cx - (p.W / 2.0) + 0.5), 0, size - p.W);
        var y0 = Math.Clamp((int)Math.Floor(p.Cy - (p.H / 2.0) + 0.5), 0, size - p.H);
        double stepX = (double)Side / p.W, stepY = (double)Side / p.H;
        int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
        for (var oy = 0; oy < p.H; oy++)
        {
            var sy = ((oy + 0.5) * stepY) - 0.5;
            var iy = (int)Math.Floor(sy);
            var fy = sy - iy;
            for (var ox = 0; ox < p.W; ox++)
            {
                var sx = ((ox + 0.5) * stepX) - 0.5;
                if (flip)
                {
                    sx = Side - 1 - sx;
                }

                var ix = (int)Math.Floor(sx);
                var fx = sx - ix;
                var g = ((1 - fy) * (((1 - fx) * At(image, ix, iy)) + (fx * At(image, ix + 1, iy))))
                    + (fy * (((1 - fx) * At(image, ix, iy + 1)) + (fx * At(image, ix + 1, iy + 1))));
                var alpha = ((g / 255) - AlphaFloor) * AlphaGain;
                if (alpha <= 0)
                {
                    continue;
                }

                alpha = Math.Min(alpha, 1);
                var shade = ShadeFloor + ((1 - ShadeFloor) * g / 255);
                var o = (((y0 + oy) * size) + x0 + ox) * 3;
                for (var c = 0; c < 3; c++)
                {
                    pixels[o + c] = (byte)Math.Min(255, (int)Math.Floor(((1 - alpha) * pixels[o + c]) + (alpha * tint[c] * shade) + 0.5));
                }

                if (g >= BoxThreshold)
                {
                    minX = Math.Min(minX, ox);
                    maxX = Math.Max(maxX, ox);
                    minY = Math.Min(minY, oy);
                    maxY = Math.Max(maxY, oy);
                }
            }
        }

        if (maxX < 0)
        {
            throw new InvalidOperationException("A FashionScenes item left no visible pixel; the usable-item filter should prevent this.");
        }

        return new Vision.Box(x0 + minX, y0 + minY, x0 + maxX + 1, y0 + maxY + 1, p.Class);
    }

    private static double At(ReadOnlySpan<byte> image, int x, int y) =>
        (uint)x < Side && (uint)y < Side ? image[(y * Side) + x] : 0;

    /// <summary>A colour from HSV: hue uniform, saturation 0.15..0.80, value 0.75..1.00; RGB in 0..255.</summary>
    private static void Tint(ref SplitMix64 rng, Span<double> rgb)
    {
        var h = rng.NextDouble() * 6;
        var s = rng.Uniform(0.15, 0.80);
        var v = rng.Uniform(0.75, 1.00);
        var sector = Math.Min(5, (int)h);
        var f = h - sector;
        var p = v * (1 - s);
        var q = v * (1 - (s * f));
        var t = v * (1 - (s * (1 - f)));
        (double r, double g, double b) = sector switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
        rgb[0] = r * 255;
        rgb[1] = g * 255;
        rgb[2] = b * 255;
    }

    private static T Pick<T>(ref SplitMix64 rng, IReadOnlyList<T> choices, Func<T, double> weight)
    {
        var total = choices.Sum(weight);
        var u = rng.NextDouble() * total;
        for (var i = 0; i < choices.Count - 1; i++)
        {
            u -= weight(choices[i]);
            if (u < 0)
            {
                return choices[i];
            }
        }

        return choices[^1];
    }

    /// <summary>An item to draw: class, centre (pixels), size (pixels), and for a pair of shoes the offset of each shoe.</summary>
    private readonly record struct Placement(int Class, double Cx, double Cy, int W, int H, double PairDx);
}
