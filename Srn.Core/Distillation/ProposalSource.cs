using Srn.Data;
using Srn.Torch;

namespace Srn.Distillation;

/// <summary>
/// Supplies the proposals of a batch: R boxes <c>(x1, y1, x2, y2)</c> per image in input pixels, as a float32
/// <c>[N, R, 4]</c> CPU tensor (the same R for every image). KD-WSD's built-in source makes dense multi-scale windows; a
/// file reader or the sliding-window generator can be plugged in instead.
/// </summary>
/// <param name="batch">The batch (its names and indices identify the images); null when only images are known.</param>
/// <param name="images">Number of images N.</param>
/// <param name="height">Input height in pixels.</param>
/// <param name="width">Input width in pixels.</param>
/// <returns>The proposals.</returns>
public delegate Tensor ProposalSource(Batch? batch, int images, int height, int width);
