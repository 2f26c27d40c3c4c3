namespace Srn.Training.Losses;

/// <summary>
/// How a multi-label loss of a batch is normalised (method option <c>loss_norm</c> of <c>srn</c> and <c>kd-wsd</c>).
/// </summary>
public enum LossNormalization
{
    /// <summary>
    /// Summed over each image's labels and averaged over the images, <c>sum / N</c>: Caffe's
    /// <c>SigmoidCrossEntropyLoss</c> (and its <c>BATCH_SIZE</c> normalisation), the loss of SRN's and KD-WSD's Caffe
    /// references. With partial labels the sum runs over the known entries only (<see cref="IMultiLabelLoss.ComputeSumPerImage"/>).
    /// </summary>
    Batch,

    /// <summary>Averaged over the entries the loss counts (the known ones): <see cref="IMultiLabelLoss.Compute"/>, PyTorch's <c>reduction="mean"</c>.</summary>
    Mean,
}
