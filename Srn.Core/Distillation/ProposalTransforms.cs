using Srn.Torch;
using Srn.Vision;
using Srn.Vision.Transforms;

namespace Srn.Distillation;

/// <summary>
/// Makes region proposals follow their image: scaled with a resize, mirrored with a horizontal flip, and turned into the
/// [K, 5] RoI rows that <see cref="Functional.RoIPool(Tensor, Tensor, IntPair, double)"/> and
/// <see cref="Functional.RoIAlign(Tensor, Tensor, IntPair, double, long, bool)"/> take. Every method keeps the boxes' order
/// (and their classes), so scores read from a proposals file stay aligned.
/// </summary>
/// <remarks>
/// <see cref="Resize"/> and <see cref="FlipHorizontal"/> run the very code with which the image transforms
/// (<see cref="Vision.Transforms.Resize"/>, <see cref="RandomHorizontalFlip"/>) move a sample's boxes, so proposals moved
/// here land where those transforms put them. The PyTorch equivalent is the box handling of
/// <c>torchvision.transforms.v2</c> (<c>resize</c> / <c>horizontal_flip</c> of <c>BoundingBoxes</c>).
/// </remarks>
public static class ProposalTransforms
{
    /// <summary>Scales boxes: <c>x' = x * sx</c>, <c>y' = y * sy</c> (computed in double, stored as float).</summary>
    /// <param name="boxes">The boxes.</param>
    /// <param name="sx">The horizontal factor, positive and finite.</param>
    /// <param name="sy">The vertical factor, positive and finite.</param>
    /// <returns>New boxes, in the same order.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="boxes"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When a factor is not positive and finite.</exception>
    public static IReadOnlyList<Box> Scale(IReadOnlyList<Box> boxes, double sx, double sy)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        CheckFactor(sx, nameof(sx));
        CheckFactor(sy, nameof(sy));
        var result = new Box[boxes.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var b = boxes[i];
            result[i] = b with { X1 = (float)(b.X1 * sx), Y1 = (float)(b.Y1 * sy), X2 = (float)(b.X2 * sx), Y2 = (float)(b.Y2 * sy) };
        }

        return result;
    }

    /// <summary>
    /// Boxes after resizing their image from (height, width) to (newHeight, newWidth): <see cref="Scale"/> with
    /// <c>sx = newWidth / width</c> and <c>sy = newHeight / height</c>, as <see cref="Vision.Transforms.Resize"/> moves a sample's boxes.
    /// </summary>
    /// <param name="boxes">The boxes, in pixels of the original image.</param>
    /// <param name="height">The original height.</param>
    /// <param name="width">The original width.</param>
    /// <param name="newHeight">The resized height.</param>
    /// <param name="newWidth">The resized width.</param>
    /// <returns>New boxes, in the same order.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="boxes"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When a size is not positive.</exception>
    public static IReadOnlyList<Box> Resize(IReadOnlyList<Box> boxes, long height, long width, long newHeight, long newWidth)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(newHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(newWidth);
        return ImageOps.ScaleBoxes(boxes, height, width, newHeight, newWidth)!;
    }

    /// <summary>
    /// Boxes after mirroring their image left to right: <c>x1' = W - x2</c>, <c>x2' = W - x1</c> (x' = W - x for each edge,
    /// swapped so that x1' &lt;= x2'), y unchanged. Flipping twice gives the boxes back.
    /// </summary>
    /// <param name="boxes">The boxes.</param>
    /// <param name="width">The image width W in pixels, positive.</param>
    /// <returns>New boxes, in the same order.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="boxes"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="width"/> is not positive.</exception>
    public static IReadOnlyList<Box> FlipHorizontal(IReadOnlyList<Box> boxes, long width)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        return ImageOps.FlipBoxes(boxes, width)!;
    }

    /// <summary>
    /// The RoI rows of a batch: image i's boxes become rows <c>(i, x1, y1, x2, y2)</c>, images in order, each image's boxes in
    /// order. An image may have no boxes.
    /// </summary>
    /// <param name="boxesPerImage">The boxes of each image of the batch, in the pixels of the (transformed) image.</param>
    /// <param name="device">Where the tensor goes (the CPU when null).</param>
    /// <returns>A float32 tensor [K, 5], K the total number of boxes.</returns>
    /// <exception cref="ArgumentNullException">When the list or one of its entries is null.</exception>
    public static Tensor ToRois(IReadOnlyList<IReadOnlyList<Box>> boxesPerImage, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(boxesPerImage);
        var rows = new List<float>();
        for (var i = 0; i < boxesPerImage.Count; i++)
        {
            var boxes = boxesPerImage[i] ?? throw new ArgumentNullException(nameof(boxesPerImage), $"the boxes of image {i} are null");
            foreach (var b in boxes)
            {
                rows.AddRange([i, b.X1, b.Y1, b.X2, b.Y2]);
            }
        }

        var rois = Tensor.FromArray(rows.ToArray(), [rows.Count / 5, 5]);
        if (device is not { } d || d == Device.Cpu)
        {
            return rois;
        }

        using (rois)
        {
            return rois.To(d);
        }
    }

    private static void CheckFactor(double factor, string name)
    {
        if (!(factor > 0 && double.IsFinite(factor)))
        {
            throw new ArgumentOutOfRangeException(name, factor, "a scale factor must be positive and finite");
        }
    }
}
