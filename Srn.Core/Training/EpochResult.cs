using Srn.Metrics;

namespace Srn.Training;

/// <summary>One finished epoch: its stage, its training loss, its time, and the evaluation metrics.</summary>
/// <param name="StageIndex">Stage index.</param>
/// <param name="Stage">Stage name.</param>
/// <param name="Epoch">Epoch over the whole training, 1-based.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's batches.</param>
/// <param name="Seconds">Wall time of training and evaluation.</param>
/// <param name="ImagesPerSecond">Training throughput.</param>
/// <param name="Head">The output evaluated (see <see cref="TrainingMethod.PredictionHead"/>).</param>
/// <param name="Metrics">Test metrics, or null when the epoch was not evaluated.</param>
/// <param name="Full">The full evaluation (scores per class, counts) for epochs run in this process; null for epochs restored from a checkpoint.</param>
public sealed record EpochResult(int StageIndex, string Stage, int Epoch, double TrainLoss, double Seconds, double ImagesPerSecond, string Head, EpochMetrics? Metrics, [property: System.Text.Json.Serialization.JsonIgnore] MultiLabelMetrics? Full = null)
{
    /// <summary>Wall time of the training pass alone (without the evaluation); 0 in epochs recorded before it was measured.</summary>
    public double TrainSeconds { get; init; }

    /// <summary>
    /// How long the training pass waited for the data loader to hand over the next batch (decoding, augmentation,
    /// collation): the part of <see cref="TrainSeconds"/> the model sat idle. 0 in epochs recorded before it was measured.
    /// </summary>
    public double LoaderWaitSeconds { get; init; }

    /// <summary>
    /// The mAP (percent, voc12) of the method's teacher on the same evaluation (<see cref="TrainingMethod.EvaluateTeacher"/>,
    /// KD-WSD); null for methods without a teacher, epochs that were not evaluated and epochs recorded before it was measured.
    /// </summary>
    public double? TeacherMap { get; init; }
}
