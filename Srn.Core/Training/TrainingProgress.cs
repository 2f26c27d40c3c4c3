namespace Srn.Training;

/// <summary>A progress report within training.</summary>
/// <param name="Stage">Stage name.</param>
/// <param name="Epoch">Epoch over the whole training, 1-based.</param>
/// <param name="TotalEpochs">Epochs over all stages.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches in this epoch.</param>
/// <param name="Loss">Mean training loss so far in this epoch.</param>
/// <param name="ImagesPerSecond">Training speed in this epoch.</param>
/// <param name="Remaining">Estimated time left for the whole training (evaluation included).</param>
public sealed record TrainingProgress(string Stage, int Epoch, int TotalEpochs, int Batch, int Batches, double Loss, double ImagesPerSecond, TimeSpan Remaining);
