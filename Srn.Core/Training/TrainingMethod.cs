using Srn.Data;
using Srn.Torch;
using Srn.Torch.NN;
using Srn.Vision;

namespace Srn.Training;

/// <summary>
/// A training method: a model, its losses, and its training stages. The <see cref="Trainer"/> runs the stages, and asks the
/// method for each batch's loss and for evaluation scores; everything else (optimizers, schedules, evaluation,
/// checkpoints, resume, progress) is shared. Baselines, SRN, KD-WSD, SSGRL, SARB and DSRB are all methods.
/// </summary>
public abstract class TrainingMethod : IDisposable
{
    private bool disposed;

    /// <summary>The method's name, e.g. <c>srn</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The setup the method was built from (stored in checkpoints).</summary>
    public abstract MethodSetup Setup { get; }

    /// <summary>The whole model: its state dict is what checkpoints store.</summary>
    public abstract Module Model { get; }

    /// <summary>The stages, in order.</summary>
    public abstract IReadOnlyList<TrainingStage> Stages { get; }

    /// <summary>The stage the method is in (set by the trainer; after loading a checkpoint, the checkpoint's stage).</summary>
    public int CurrentStage { get; private set; }

    /// <summary>Which output <see cref="Predict"/> returns in the current stage, for logs (e.g. <c>y_cls</c>, <c>y</c>).</summary>
    public virtual string PredictionHead => "logits";

    /// <summary>
    /// Boxes the method needs with each training image (KD-WSD's proposals from a file), by image name; null for none. The
    /// trainer adds them to the images' own (<see cref="DatasetViews.WithBoxes"/>), so the training transform moves them
    /// with the image, and hands them over in <see cref="Batch.Boxes"/>.
    /// </summary>
    public virtual ImageBoxes? TrainingBoxes => null;

    /// <summary>The scalar training loss of one batch. Called in training mode, inside a dispose scope.</summary>
    /// <param name="context">Stage, epoch, seeds.</param>
    /// <param name="batch">The batch (on the CPU).</param>
    /// <param name="images">The batch's images on the training device.</param>
    /// <param name="targets">The batch's targets on the training device: 1 / -1 / 0 (unknown).</param>
    /// <param name="batchIndex">The batch's index within the epoch.</param>
    /// <returns>A 0-d tensor that requires grad.</returns>
    public abstract Tensor TrainingLoss(TrainingContext context, Batch batch, Tensor images, Tensor targets, int batchIndex);

    /// <summary>Evaluation scores (logits) <c>[B, C]</c> of images on the model's device. Called in eval mode without grad.</summary>
    /// <param name="images">Images <c>[B, 3, H, W]</c>.</param>
    /// <returns>Logits.</returns>
    public abstract Tensor Predict(Tensor images);

    /// <summary>
    /// Evaluates the method's teacher, for methods that distil one (KD-WSD): the trainer records its mAP next to each
    /// evaluated epoch's (<see cref="EpochResult.TeacherMap"/>), and <c>srn eval</c> prints it. Called in the same way
    /// as <see cref="Evaluation.Run"/>.
    /// </summary>
    /// <param name="dataset">The evaluation dataset.</param>
    /// <param name="transform">The evaluation transform.</param>
    /// <param name="options">Device, batch size, workers, metric options.</param>
    /// <param name="cancellationToken">Stops early.</param>
    /// <returns>The teacher's scores and metrics; null (this default) for a method without a teacher.</returns>
    public virtual Evaluation? EvaluateTeacher(IMultiLabelDataset dataset, ITransform transform, TrainerOptions options, CancellationToken cancellationToken = default) => null;

    /// <summary>Called by the trainer when a stage begins (and when a checkpoint restores one).</summary>
    /// <param name="stage">The stage's index.</param>
    public virtual void EnterStage(int stage)
    {
        if (stage < 0 || stage >= Stages.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(stage), stage, $"Method '{Name}' has {Stages.Count} stages.");
        }

        CurrentStage = stage;
    }

    /// <summary>Called at the start of each training epoch, after the modes are set (e.g. DSRB recomputes prototypes here).</summary>
    /// <param name="context">Where training stands.</param>
    public virtual void OnEpochStart(TrainingContext context)
    {
    }

    /// <summary>State besides the model's parameters and buffers that a checkpoint must keep (e.g. prototypes).</summary>
    /// <returns>Named tensors (the caller disposes them).</returns>
    public virtual Dictionary<string, Tensor> ExtraState() => [];

    /// <summary>Restores <see cref="ExtraState"/>.</summary>
    /// <param name="state">The tensors saved by <see cref="ExtraState"/>.</param>
    public virtual void LoadExtraState(IReadOnlyDictionary<string, Tensor> state)
    {
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the model.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposed && disposing)
        {
            Model.Dispose();
        }

        disposed = true;
    }
}
