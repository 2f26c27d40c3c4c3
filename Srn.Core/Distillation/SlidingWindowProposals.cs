using Srn.Torch;
using Srn.Vision;

namespace Srn.Distillation;

/// <summary>
/// Region proposals that need no external tool (KD-WSD's built-in alternative to EdgeBoxes): dense multi-scale,
/// multi-aspect sliding windows, optionally ranked by a simple edge-density objectness. Deterministic: the same image
/// and options give the same boxes in the same order.
/// </summary>
/// <remarks>
/// <para>
/// <b>Windows.</b> For each scale s of <see cref="SlidingWindowProposalsOptions.Scales"/> and each aspect a of
/// <see cref="SlidingWindowProposalsOptions.Aspects"/> (in that order), a window is <c>w = round(s * S * sqrt(a))</c>
/// pixels wide and <c>h = round(s * S / sqrt(a))</c> high, S the image's shorter side, each clipped to [1, image side].
/// Along x it takes <c>n = ceil((W - w) / (stride * w)) + 1</c> positions spread evenly from 0 to W - w (rounded to whole
/// pixels), so the first window touches the left edge and the last the right one, with steps of at most stride * w;
/// likewise along y. Windows run top to bottom, left to right; duplicates (windows clipped to the same box) are dropped.
/// Boxes are in pixels with exclusive right and bottom edges, like <see cref="Box"/>. With the defaults (scales
/// {0.2, 0.3, 0.45, 0.65, 0.9} of the shorter side, aspects {0.5, 1, 2}, stride 0.5) a square image gets 450 to 490
/// windows (458 at 224 x 224: for the square windows 9x9, 6x6, 4x4, 3x3 and 2x2 positions at the five scales, about as
/// many for the tall and wide ones, fewer at 0.9 where they are clipped to the image; 491 at 672 x 672), all kept; a 4:3
/// image about 630 to 645 (644 at 256 x 192), capped to 500.
/// </para>
/// <para>
/// <b>Cap.</b> At most <see cref="SlidingWindowProposalsOptions.MaxBoxes"/> (R) are kept. Unranked
/// (<see cref="Generate(int, int)"/>), the kept ones are an even subsample of the window list (indices
/// <c>floor(i * count / R)</c>), so every scale and aspect stays represented. Ranked (<see cref="Generate(Tensor)"/>), the R
/// best by objectness are kept, best first, ties in window order.
/// </para>
/// <para>
/// <b>Objectness</b> (<see cref="Objectness"/>). The image is reduced to grey (mean over channels), its gradient magnitude
/// taken with the 3x3 Sobel filters (replicated border, through <see cref="Functional.Conv2d"/>) and divided by its mean
/// over the image, and an integral image of it built. A box's score is its mean magnitude minus the mean magnitude of
/// the ring around it (the box grown by <see cref="SlidingWindowProposalsOptions.RingFraction"/> of its size on every
/// side, clipped to the image, minus the box; the whole image's mean, 1, when the ring is empty). A box just enclosing an
/// object holds its contour and has quiet surroundings: high. A box in a flat region: 0. A box cutting through texture
/// or an object: about 0 or below. A flat image scores 0 everywhere. The score is a simplification of EdgeBoxes' idea
/// (edges wholly inside a box are evidence of an object), without its edge grouping.
/// </para>
/// <para>
/// The PyTorch equivalent is a dense anchor grid (<c>torchvision.models.detection.anchor_utils.AnchorGenerator</c>) over the
/// image; the reference KD-WSD code reads EdgeBoxes proposals from files instead (see <see cref="Data.ProposalsFile"/>).
/// </para>
/// </remarks>
public sealed class SlidingWindowProposals
{
    // The Sobel filters for d/dx and d/dy, as a [2, 1, 3, 3] convolution weight.
    private static readonly float[] SobelWeights = [-1, 0, 1, -2, 0, 2, -1, 0, 1, -1, -2, -1, 0, 0, 0, 1, 2, 1];

    /// <summary>Creates a generator.</summary>
    /// <param name="options">The options (the defaults when null).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    public SlidingWindowProposals(SlidingWindowProposalsOptions? options = null)
    {
        options ??= new SlidingWindowProposalsOptions();
        options.Validate();
        Options = options;
    }

    /// <summary>The options.</summary>
    public SlidingWindowProposalsOptions Options { get; }

    /// <summary>Every window over an image of the given size, in window order, not capped.</summary>
    /// <param name="width">The image width in pixels.</param>
    /// <param name="height">The image height in pixels.</param>
    /// <returns>The windows (class -1).</returns>
    /// <exception cref="ArgumentOutOfRangeException">When a size is not positive.</exception>
    public IReadOnlyList<Box> Windows(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var shorter = Math.Min(width, height);
        var seen = new HashSet<(int, int, int, int)>();
        var windows = new List<Box>();
        foreach (var scale in Options.Scales)
        {
            foreach (var aspect in Options.Aspects)
            {
                var root = Math.Sqrt(aspect);
                var w = Math.Clamp((int)Math.Round(scale * shorter * root, MidpointRounding.AwayFromZero), 1, width);
                var h = Math.Clamp((int)Math.Round(scale * shorter / root, MidpointRounding.AwayFromZero), 1, height);
                var xs = Positions(width, w);
                foreach (var y in Positions(height, h))
                {
                    foreach (var x in xs)
                    {
                        if (seen.Add((x, y, w, h)))
                        {
                            windows.Add(new Box(x, y, x + w, y + h));
                        }
                    }
                }
            }
        }

        return windows;
    }

    /// <summary>The windows over an image of the given size, capped at R by an even subsample (see the remarks).</summary>
    /// <param name="width">The image width in pixels.</param>
    /// <param name="height">The image height in pixels.</param>
    /// <returns>At most <see cref="SlidingWindowProposalsOptions.MaxBoxes"/> boxes, in window order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When a size is not positive.</exception>
    public IReadOnlyList<Box> Generate(int width, int height)
    {
        var windows = Windows(width, height);
        var r = Options.MaxBoxes;
        if (windows.Count <= r)
        {
            return windows;
        }

        var kept = new Box[r];
        for (var i = 0; i < r; i++)
        {
            kept[i] = windows[(int)((long)i * windows.Count / r)];
        }

        return kept;
    }

    /// <summary>The windows over an image, ranked by <see cref="Objectness"/>: the R best, best first, with their scores.</summary>
    /// <param name="image">The image, [C, H, W] or [H, W], any dtype (uint8 or float), any device.</param>
    /// <returns>The boxes and their scores, aligned; at most <see cref="SlidingWindowProposalsOptions.MaxBoxes"/>.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="image"/> is null.</exception>
    /// <exception cref="ArgumentException">When the image is not [C, H, W] or [H, W] with positive sides.</exception>
    public (IReadOnlyList<Box> Boxes, IReadOnlyList<float> Scores) Generate(Tensor image)
    {
        var (height, width) = ImageSize(image);
        var windows = Windows(width, height);
        var scores = Objectness(image, windows);
        var order = Enumerable.Range(0, windows.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(Options.MaxBoxes).ToArray();
        return (order.Select(i => windows[i]).ToArray(), order.Select(i => scores[i]).ToArray());
    }

    /// <summary>
    /// The edge-density objectness of boxes over an image (see the remarks): mean Sobel magnitude inside minus in the
    /// surrounding ring, in units of the image's mean magnitude.
    /// </summary>
    /// <param name="image">The image, [C, H, W] or [H, W], any dtype, any device.</param>
    /// <param name="boxes">Boxes in the image's pixels; parts outside the image are ignored, and a box with nothing inside it scores 0.</param>
    /// <returns>One score per box.</returns>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    /// <exception cref="ArgumentException">When the image is not [C, H, W] or [H, W] with positive sides.</exception>
    public float[] Objectness(Tensor image, IReadOnlyList<Box> boxes)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        var (height, width) = ImageSize(image);
        var integral = EdgeIntegral(image, height, width);
        var stride = width + 1;
        double Sum(int x1, int y1, int x2, int y2) =>
            integral[(y2 * stride) + x2] - integral[(y1 * stride) + x2] - integral[(y2 * stride) + x1] + integral[(y1 * stride) + x1];

        var scores = new float[boxes.Count];
        var total = integral[^1];
        if (!(total > 0))
        {
            return scores;  // a flat image: no edges anywhere
        }

        var mean = total / ((double)width * height);
        for (var i = 0; i < scores.Length; i++)
        {
            var b = boxes[i];
            var x1 = Cell(Math.Floor(b.X1), width);
            var y1 = Cell(Math.Floor(b.Y1), height);
            var x2 = Cell(Math.Ceiling(b.X2), width);
            var y2 = Cell(Math.Ceiling(b.Y2), height);
            if (x2 <= x1 || y2 <= y1)
            {
                continue;
            }

            var dx = Math.Max(1, (int)Math.Ceiling(Options.RingFraction * (x2 - x1)));
            var dy = Math.Max(1, (int)Math.Ceiling(Options.RingFraction * (y2 - y1)));
            int ox1 = Math.Max(x1 - dx, 0), oy1 = Math.Max(y1 - dy, 0), ox2 = Math.Min(x2 + dx, width), oy2 = Math.Min(y2 + dy, height);
            var innerArea = (double)(x2 - x1) * (y2 - y1);
            var ringArea = ((double)(ox2 - ox1) * (oy2 - oy1)) - innerArea;
            var inner = Sum(x1, y1, x2, y2);
            var ring = ringArea > 0 ? (Sum(ox1, oy1, ox2, oy2) - inner) / ringArea : mean;
            scores[i] = (float)(((inner / innerArea) - ring) / mean);
        }

        return scores;
    }

    // n evenly spread positions from 0 to length - size whose steps are at most stride * size.
    private int[] Positions(int length, int size)
    {
        var free = length - size;
        if (free == 0)
        {
            return [0];
        }

        // The small tolerance keeps an exact quotient (free a multiple of the step) from gaining a position to rounding.
        var n = (int)Math.Ceiling((free / (Options.Stride * size)) - 1e-9) + 1;
        var positions = new int[n];
        for (var i = 0; i < n; i++)
        {
            positions[i] = (int)Math.Round((double)i * free / (n - 1), MidpointRounding.AwayFromZero);
        }

        return positions;
    }

    private static int Cell(double v, int length) => (int)Math.Clamp(v, 0, length);

    private static (int Height, int Width) ImageSize(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Dim is not (2 or 3) || image.Size(-1) <= 0 || image.Size(-2) <= 0 || (image.Dim == 3 && image.Size(0) <= 0))
        {
            throw new ArgumentException($"proposals: expected an image [C, H, W] or [H, W] with positive sides, got [{string.Join(", ", image.Shape)}]", nameof(image));
        }

        return (checked((int)image.Size(-2)), checked((int)image.Size(-1)));
    }

    // The integral image of the Sobel gradient magnitude of the image's grey level: (H + 1) x (W + 1), row-major, zero
    // first row and column, in double so that differences of large sums stay exact enough.
    private static double[] EdgeIntegral(Tensor image, int height, int width)
    {
        float[] magnitude;
        using (DisposeScope.Enter())
        {
            var x = image.Dim == 2 ? image.Unsqueeze(0) : image;
            var grey = x.To(ScalarType.Float32).Mean(0, keepDim: true).Unsqueeze(0);  // [1, 1, H, W]
            var padded = Functional.Pad(grey, [1, 1, 1, 1], PaddingMode.Replicate);
            var sobel = Tensor.FromArray(SobelWeights, [2, 1, 3, 3]).To(image.Device);
            var g = Functional.Conv2d(padded, sobel);                                     // [1, 2, H, W]
            magnitude = g.Square().Sum(1).Sqrt().Cpu().Contiguous().ToArray<float>();
        }

        var stride = width + 1;
        var integral = new double[(height + 1) * stride];
        for (var y = 0; y < height; y++)
        {
            double row = 0;
            for (var x = 0; x < width; x++)
            {
                row += magnitude[(y * width) + x];
                integral[((y + 1) * stride) + x + 1] = integral[(y * stride) + x + 1] + row;
            }
        }

        return integral;
    }
}
