using Srn.Metrics;
using Srn.Torch;

namespace Srn.Training;

/// <summary>How the <see cref="Trainer"/> runs: seed, device, batches, checkpoints, progress.</summary>
public sealed record TrainerOptions
{
    /// <summary>The experiment seed (data order, augmentation, dropout, the methods' random choices).</summary>
    public int Seed { get; init; }

    /// <summary>The device (CPU by default).</summary>
    public Device Device { get; init; } = Device.Cpu;

    /// <summary>Training batch size; the last incomplete training batch is dropped (never at evaluation).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Evaluation batch size.</summary>
    public int EvalBatchSize { get; init; } = 64;

    /// <summary>Loader threads (0 loads on the training thread).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>libtorch intra-op threads for the training thread; null leaves libtorch's setting.</summary>
    public int? Threads { get; init; }

    /// <summary>Evaluate on the test split after every epoch (true), or only after the last.</summary>
    public bool EvaluateEveryEpoch { get; init; } = true;

    /// <summary>Checkpoint written atomically after every epoch; null writes none.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Resume from <see cref="CheckpointPath"/> when it exists (exactly: same result as an uninterrupted run on CPU).</summary>
    public bool Resume { get; init; }

    /// <summary>The arithmetic of training and evaluation (<see cref="Training.Precision"/>); float32 by default.</summary>
    public Precision Precision { get; init; } = Precision.Fp32;

    /// <summary>Lay out the model's convolution weights and each batch of images channels-last (NHWC), as <c>model.to(memory_format=torch.channels_last)</c>.</summary>
    public bool ChannelsLast { get; init; }

    /// <summary>Stored in every checkpoint's metadata besides the checkpoint's own entries (e.g. the run's configuration).</summary>
    public IReadOnlyDictionary<string, string> CheckpointMetadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Clip the gradient norm of the stage's parameters to this value; null does not clip.</summary>
    public double? ClipGradNorm { get; init; }

    /// <summary>Metric options (top-k, convention); class names are filled from the data, and the scores are read as logits (what <see cref="TrainingMethod.Predict"/> returns).</summary>
    public MultiLabelMetricsOptions Metrics { get; init; } = new();

    /// <summary>Receives progress within epochs (batch counts, speed, ETA).</summary>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Receives one line per finished epoch, for logs.</summary>
    public Action<EpochResult>? EpochFinished { get; init; }
}
