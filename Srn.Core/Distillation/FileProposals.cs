using Srn.Data;
using Srn.Torch;
using Srn.Vision;

namespace Srn.Distillation;

/// <summary>
/// Proposals read from a file (<see cref="ProposalsFile"/>: boxes in pixels of the original image, class -1) as a
/// <see cref="ProposalSource"/>. The file's boxes ride with their images as extra boxes
/// (<see cref="DatasetViews.WithBoxes"/>), so every transform (crop, resize, flip) moves them exactly as it moves the
/// image, and the batch hands them over in <see cref="Batch.Boxes"/>; this source takes each image's class -1 boxes from
/// there (ground-truth boxes, which have a class, are left alone).
/// </summary>
/// <remarks>
/// Per image, the first R boxes in file order (files list EdgeBoxes and selective-search proposals best first) that are
/// still non-empty after the transform (a crop drops boxes outside it and clips the rest); an image with fewer repeats
/// its last one (a repeated box changes neither max pooling nor the detections), an image with none left gets the whole
/// image. The reference reads 500 EdgeBoxes proposals per image from files in the same way (its Caffe data layer).
/// </remarks>
public static class FileProposals
{
    /// <summary>The source: R proposals per image from each batch's boxes.</summary>
    /// <param name="count">R, at least 1.</param>
    /// <returns>The source.</returns>
    /// <exception cref="ArgumentOutOfRangeException">For R below 1.</exception>
    public static ProposalSource Source(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return (batch, images, height, width) => Take(batch, images, height, width, count);
    }

    /// <summary>
    /// R boxes per image from a batch's boxes, as <see cref="Source"/> picks them: the first R of class -1, padded with the
    /// last one, the whole image when there is none.
    /// </summary>
    /// <param name="batch">The batch, loaded with its boxes.</param>
    /// <param name="images">N.</param>
    /// <param name="height">Input height.</param>
    /// <param name="width">Input width.</param>
    /// <param name="count">R.</param>
    /// <returns>float32 <c>[N, R, 4]</c> on the CPU.</returns>
    /// <exception cref="InvalidOperationException">When the batch is missing or was loaded without its boxes.</exception>
    public static Tensor Take(Batch? batch, int images, int height, int width, int count)
    {
        var boxes = batch?.Boxes ?? throw new InvalidOperationException(
            "Proposals from a file travel with their images: load the batch over DatasetViews.WithBoxes(dataset, proposals) with DataLoaderOptions.IncludeBoxes.");
        if (boxes.Count != images)
        {
            throw new InvalidOperationException($"The batch has boxes for {boxes.Count} images, not {images}.");
        }

        var rows = new float[images * count * 4];
        for (var i = 0; i < images; i++)
        {
            var picked = boxes[i].Where(b => b.Class < 0 && b.X2 > b.X1 && b.Y2 > b.Y1).Take(count).ToList();
            if (picked.Count == 0)
            {
                picked.Add(new Box(0, 0, width, height));
            }

            for (var j = 0; j < count; j++)
            {
                var b = picked[Math.Min(j, picked.Count - 1)];
                var at = 4 * ((i * count) + j);
                (rows[at], rows[at + 1], rows[at + 2], rows[at + 3]) = (b.X1, b.Y1, b.X2, b.Y2);
            }
        }

        return Tensor.FromArray(rows, [images, count, 4]);
    }
}
