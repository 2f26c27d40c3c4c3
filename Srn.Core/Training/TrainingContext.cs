using Srn.Data;
using Srn.Torch;

namespace Srn.Training;

/// <summary>Where training stands, handed to a method at each step and epoch.</summary>
public sealed class TrainingContext
{
    internal TrainingContext(TrainingData data, TrainerOptions options, int stageIndex, TrainingStage stage, int epoch, int stageEpoch, int totalEpochs)
    {
        Data = data;
        Options = options;
        StageIndex = stageIndex;
        Stage = stage;
        Epoch = epoch;
        StageEpoch = stageEpoch;
        TotalEpochs = totalEpochs;
    }

    /// <summary>The training and evaluation data.</summary>
    public TrainingData Data { get; }

    /// <summary>The trainer's options (seed, device, batch size).</summary>
    public TrainerOptions Options { get; }

    /// <summary>The current stage's index in the method's stages.</summary>
    public int StageIndex { get; }

    /// <summary>The current stage.</summary>
    public TrainingStage Stage { get; }

    /// <summary>The epoch over the whole training, 0-based.</summary>
    public int Epoch { get; }

    /// <summary>The epoch within the stage, 0-based.</summary>
    public int StageEpoch { get; }

    /// <summary>Epochs over all stages.</summary>
    public int TotalEpochs { get; }

    /// <summary>The device training runs on.</summary>
    public Device Device => Options.Device;

    /// <summary>
    /// A random source for one batch of this epoch, derived from (seed, epoch, batch) only, so a resumed run makes the
    /// same choices as an uninterrupted one without storing any generator state.
    /// </summary>
    /// <param name="batch">The batch index within the epoch.</param>
    /// <returns>A new generator.</returns>
    public Random BatchRandom(int batch) => new(SeedMix.Of(Options.Seed, 7919, Epoch, batch));

    /// <summary>A random source for work at the start of this epoch (e.g. prototype sampling).</summary>
    /// <returns>A new generator.</returns>
    public Random EpochRandom() => new(SeedMix.Of(Options.Seed, 104729, Epoch, -1));
}
