using System.Globalization;
using Srn.Torch.Optim;

namespace Srn.Training;

/// <summary>The learning-rate schedules a stage can use; all step once per epoch.</summary>
public enum SchedulerKind
{
    /// <summary>Constant learning rate.</summary>
    Constant,

    /// <summary>Multiply by <see cref="SchedulerSpec.Gamma"/> every <see cref="SchedulerSpec.StepSize"/> epochs (<c>StepLR</c>).</summary>
    Step,

    /// <summary>Multiply by <see cref="SchedulerSpec.Gamma"/> at each milestone epoch (<c>MultiStepLR</c>).</summary>
    MultiStep,

    /// <summary>Cosine annealing to 0 over the stage's epochs (<c>CosineAnnealingLR</c>, T_max = epochs).</summary>
    Cosine,
}

/// <summary>A per-epoch learning-rate schedule.</summary>
/// <param name="Kind">The schedule.</param>
/// <param name="StepSize">Epochs between decays (<see cref="SchedulerKind.Step"/>).</param>
/// <param name="Gamma">Decay factor.</param>
/// <param name="Milestones">Epochs of decay (<see cref="SchedulerKind.MultiStep"/>), counted within the stage.</param>
public sealed record SchedulerSpec(SchedulerKind Kind, int StepSize = 10, double Gamma = 0.1, IReadOnlyList<int>? Milestones = null)
{
    /// <summary>No schedule.</summary>
    public static SchedulerSpec Constant { get; } = new(SchedulerKind.Constant);

    /// <summary>Creates the scheduler, or null for <see cref="SchedulerKind.Constant"/>.</summary>
    /// <param name="optimizer">The stage's optimizer.</param>
    /// <param name="epochs">The stage's length (for cosine).</param>
    /// <returns>The scheduler or null.</returns>
    public LRScheduler? Create(Optimizer optimizer, int epochs) => Kind switch
    {
        SchedulerKind.Constant => null,
        SchedulerKind.Step => new StepLR(optimizer, StepSize, Gamma),
        SchedulerKind.MultiStep => new MultiStepLR(optimizer, (Milestones ?? []).Select(m => (long)m).ToArray(), Gamma),
        SchedulerKind.Cosine => new CosineAnnealingLR(optimizer, Math.Max(1, epochs)),
        _ => throw new ArgumentOutOfRangeException(nameof(optimizer), Kind, "Unknown schedule."),
    };

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        SchedulerKind.Constant => "constant",
        SchedulerKind.Step => string.Create(CultureInfo.InvariantCulture, $"step {StepSize} x{Gamma:G3}"),
        SchedulerKind.MultiStep => string.Create(CultureInfo.InvariantCulture, $"multistep [{string.Join(' ', Milestones ?? [])}] x{Gamma:G3}"),
        _ => "cosine",
    };
}
