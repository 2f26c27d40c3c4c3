using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.Training;

/// <summary>Parameters trained together in a stage, with their own learning-rate scale and weight decay.</summary>
/// <param name="Parameters">The parameters.</param>
/// <param name="LrScale">Multiplies the stage's learning rate (e.g. 0.1 for a pretrained backbone).</param>
/// <param name="WeightDecay">Overrides the stage's weight decay (e.g. 0 for a distillation scale); null keeps it.</param>
public sealed record StageGroup(IReadOnlyList<Tensor> Parameters, double LrScale = 1, double? WeightDecay = null);

/// <summary>
/// One stage of a method's training: which parameters learn, with which optimizer and schedule, for how many epochs, and
/// which modules stay frozen in evaluation mode. SRN has four stages, KD-WSD three, the baselines and DSRB one. The
/// trainer creates a fresh optimizer and scheduler at the start of each stage, makes every parameter outside
/// <see cref="Groups"/> non-trainable, and keeps <see cref="Frozen"/> modules in eval mode (no dropout, batch-norm
/// statistics unchanged).
/// </summary>
/// <param name="Name">Short name for logs and results, e.g. <c>cls</c>, <c>att</c>.</param>
/// <param name="Epochs">Epochs in this stage (0 skips it).</param>
/// <param name="Optimizer">The optimizer.</param>
/// <param name="Scheduler">The per-epoch schedule.</param>
/// <param name="Groups">The trainable parameters.</param>
/// <param name="Frozen">Modules kept in eval mode during this stage (their parameters are also not trained).</param>
public sealed record TrainingStage(
    string Name,
    int Epochs,
    OptimizerSpec Optimizer,
    SchedulerSpec Scheduler,
    IReadOnlyList<StageGroup> Groups,
    IReadOnlyList<Module> Frozen)
{
    /// <summary>Every trainable parameter of the stage.</summary>
    public IEnumerable<Tensor> TrainableParameters => Groups.SelectMany(g => g.Parameters);
}
