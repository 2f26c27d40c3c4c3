using System.Globalization;
using Srn.Torch.NN;

namespace Srn.Training.Methods;

/// <summary>
/// The optimizer and schedule options every image method shares, read from <see cref="MethodSetup.Options"/>:
/// <c>lr</c>, <c>weight_decay</c> (1e-4), <c>optimizer</c> (sgd | adam | adamw; sgd has momentum 0.9) and
/// <c>schedule</c> (cosine | step | constant; step decays x0.1 at half the stage).
/// </summary>
/// <param name="Optimizer">The optimizer for the stages (learning rates scaled per stage).</param>
/// <param name="Schedule">The schedule kind.</param>
public sealed record StageRecipe(OptimizerSpec Optimizer, SchedulerKind Schedule)
{
    /// <summary>The option names this recipe reads.</summary>
    public static IReadOnlyList<string> OptionNames { get; } = ["lr", "weight_decay", "optimizer", "schedule"];

    /// <summary>Reads the recipe.</summary>
    /// <param name="setup">The setup.</param>
    /// <param name="defaultLr">The method's default learning rate.</param>
    /// <param name="defaultOptimizer">The method's default optimizer.</param>
    /// <param name="defaultWeightDecay">The method's default weight decay.</param>
    /// <returns>The recipe.</returns>
    /// <exception cref="ArgumentException">For an unknown optimizer or schedule.</exception>
    public static StageRecipe From(MethodSetup setup, double defaultLr, OptimizerKind defaultOptimizer = OptimizerKind.Sgd, double defaultWeightDecay = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var lr = setup.Option("lr", defaultLr);
        var wd = setup.Option("weight_decay", defaultWeightDecay);
        var kind = setup.Options.TryGetValue("optimizer", out var o)
            ? o.ToUpperInvariant() switch
            {
                "SGD" => OptimizerKind.Sgd,
                "ADAM" => OptimizerKind.Adam,
                "ADAMW" => OptimizerKind.AdamW,
                _ => throw new ArgumentException($"Method '{setup.Method}': optimizer '{o}' is not one of sgd, adam, adamw."),
            }
            : defaultOptimizer;
        var schedule = setup.Options.TryGetValue("schedule", out var s)
            ? s.ToUpperInvariant() switch
            {
                "COSINE" => SchedulerKind.Cosine,
                "STEP" => SchedulerKind.Step,
                "CONSTANT" => SchedulerKind.Constant,
                _ => throw new ArgumentException($"Method '{setup.Method}': schedule '{s}' is not one of cosine, step, constant."),
            }
            : SchedulerKind.Cosine;
        if (lr <= 0 || wd < 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Method '{setup.Method}': lr must be positive and weight_decay non-negative, got {lr} and {wd}."));
        }

        return new StageRecipe(new OptimizerSpec(kind, lr, wd), schedule);
    }

    /// <summary>A stage with this recipe's optimizer (learning rate times <paramref name="lrScale"/>) and schedule.</summary>
    /// <param name="name">Stage name.</param>
    /// <param name="epochs">Epochs.</param>
    /// <param name="groups">Trainable parameter groups.</param>
    /// <param name="frozen">Modules kept in eval mode.</param>
    /// <param name="lrScale">Scale of the learning rate for this stage.</param>
    /// <returns>The stage.</returns>
    public TrainingStage Stage(string name, int epochs, IReadOnlyList<StageGroup> groups, IReadOnlyList<Module> frozen, double lrScale = 1) =>
        new(name, epochs, Optimizer with { Lr = Optimizer.Lr * lrScale }, Scheduler(epochs), groups, frozen);

    private SchedulerSpec Scheduler(int epochs) => Schedule switch
    {
        SchedulerKind.Step => new SchedulerSpec(SchedulerKind.Step, StepSize: Math.Max(1, epochs / 2)),
        SchedulerKind.Constant => SchedulerSpec.Constant,
        _ => new SchedulerSpec(SchedulerKind.Cosine),
    };
}
