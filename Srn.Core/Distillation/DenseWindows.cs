using Srn.Data;
using Srn.Torch;

namespace Srn.Distillation;

/// <summary>
/// KD-WSD's stand-in proposals: dense multi-scale, multi-aspect windows that need no image content, so every image of a
/// size gets the same boxes. Windows of side s * min(H, W) for s in {1, 0.8, 0.6, 0.4, 0.25} and aspect (w/h) in
/// {1, 2, 0.5}, clipped to the image, slide with a stride of half their size; the whole image comes first. When there are
/// more than R windows, R evenly spaced ones (in that order) are kept; when fewer, they repeat.
/// </summary>
/// <remarks>Internal on purpose: the sliding-window generator in this namespace replaces it behind <see cref="ProposalSource"/>.</remarks>
internal static class DenseWindows
{
    private static readonly double[] Scales = [1.0, 0.8, 0.6, 0.4, 0.25];
    private static readonly double[] Aspects = [1.0, 2.0, 0.5];

    /// <summary>A source giving <paramref name="count"/> windows per image.</summary>
    public static ProposalSource Source(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return (Batch? batch, int images, int height, int width) =>
        {
            using var scope = DisposeScope.Enter();
            var one = Tensor.FromArray(Generate(height, width, count), [1, count, 4]);
            return one.Expand(images, count, 4).Contiguous().MoveToOuterScope();
        };
    }

    /// <summary>The windows of an image size, flattened <c>(x1, y1, x2, y2)</c> rows.</summary>
    public static float[] Generate(int height, int width, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var all = new List<(float, float, float, float)> { (0, 0, width, height) };
        var side = Math.Min(height, width);
        foreach (var s in Scales)
        {
            foreach (var a in Aspects)
            {
                var w = Math.Min(width, s * side * Math.Sqrt(a));
                var h = Math.Min(height, s * side / Math.Sqrt(a));
                foreach (var y in Positions(height, h))
                {
                    foreach (var x in Positions(width, w))
                    {
                        all.Add(((float)x, (float)y, (float)(x + w), (float)(y + h)));
                    }
                }
            }
        }

        var result = new float[count * 4];
        for (var i = 0; i < count; i++)
        {
            // Evenly spaced picks keep every scale represented when R is small.
            var (x1, y1, x2, y2) = all[all.Count >= count ? (int)((long)i * all.Count / count) : i % all.Count];
            (result[4 * i], result[(4 * i) + 1], result[(4 * i) + 2], result[(4 * i) + 3]) = (x1, y1, x2, y2);
        }

        return result;
    }

    // Window origins along one side: from 0 to extent - size with a stride of about half the window.
    private static IEnumerable<double> Positions(int extent, double size)
    {
        var room = extent - size;
        var steps = room <= 1e-6 ? 0 : (int)Math.Ceiling(room / (size / 2));
        for (var k = 0; k <= steps; k++)
        {
            yield return steps == 0 ? 0 : room * k / steps;
        }
    }
}
