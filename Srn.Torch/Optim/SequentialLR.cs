using System.Globalization;

namespace Srn.Torch.Optim;

/// <summary>
/// Runs schedulers one after another, switching at milestone epochs: epochs [0, m₁) follow the first scheduler,
/// [m₁, m₂) the second, and so on; at a milestone the next scheduler restarts from its epoch 0 (in closed form), so
/// a warm-up can hand over to a cosine decay starting from the base rate.
/// </summary>
/// <remarks>
/// Same as <c>torch.optim.lr_scheduler.SequentialLR</c> of PyTorch 1.13: the constructor resets each group's rate to
/// its <c>initial_lr</c>, undoes the initial step of every scheduler, and restarts the first one. Build the schedulers on
/// the same optimizer first and do not step them yourself. Its state holds the children's under <c>schedulers.i.</c>.
/// </remarks>
/// <example>
/// <code>
/// var warmup = new LinearLR(optimizer, startFactor: 0.1, totalIters: 5);
/// var cosine = new CosineAnnealingLR(optimizer, tMax: 95);
/// var schedule = new SequentialLR(optimizer, [warmup, cosine], milestones: [5]);
/// </code>
/// </example>
public sealed class SequentialLR : LRScheduler
{
    private const string ChildPrefix = "schedulers.";
    private readonly LRScheduler[] schedulers;
    private readonly long[] milestones;

    /// <summary>Chains <paramref name="schedulers"/>, switching at <paramref name="milestones"/>.</summary>
    /// <param name="optimizer">The optimizer all schedulers drive.</param>
    /// <param name="schedulers">The schedulers, in order (at least one).</param>
    /// <param name="milestones">Increasing epochs at which the next scheduler takes over; one fewer than the schedulers.</param>
    /// <exception cref="ArgumentException">When a scheduler drives another optimizer, the counts do not match, or the milestones do not increase.</exception>
    public SequentialLR(Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers, IReadOnlyList<long> milestones)
        : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(schedulers);
        ArgumentNullException.ThrowIfNull(milestones);
        for (var i = 0; i < schedulers.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(schedulers[i], nameof(schedulers));
            if (!ReferenceEquals(schedulers[i].Optimizer, optimizer))
            {
                throw new ArgumentException(Invariant($"Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index {i} to be different than the optimizer passed in."), nameof(schedulers));
            }
        }

        if (schedulers.Count == 0 || milestones.Count != schedulers.Count - 1)
        {
            throw new ArgumentException(Invariant($"Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers {schedulers.Count} and the number of milestones to be equal to {milestones.Count}"), nameof(milestones));
        }

        for (var i = 1; i < milestones.Count; i++)
        {
            if (milestones[i] <= milestones[i - 1])
            {
                throw new ArgumentException($"milestones must increase, got [{string.Join(", ", milestones)}]", nameof(milestones));
            }
        }

        this.schedulers = [.. schedulers];
        this.milestones = [.. milestones];
        foreach (var g in optimizer.ParamGroups)
        {
            g.Lr = g["initial_lr"];
        }

        foreach (var s in this.schedulers)
        {
            s.RewindEpoch();
        }

        this.schedulers[0].InitialStep();
        SetBaseLearningRates(optimizer.ParamGroups.Select(g => g["initial_lr"]).ToArray());
        SetPosition(0, this.schedulers[0].LastLearningRates);
    }

    /// <summary>The chained schedulers.</summary>
    public IReadOnlyList<LRScheduler> Schedulers => schedulers;

    /// <summary>The epochs at which the next scheduler takes over.</summary>
    public IReadOnlyList<long> Milestones => milestones;

    /// <summary>Steps the scheduler whose span holds the new epoch (restarting it at its milestone) and returns its rates.</summary>
    /// <returns>The active scheduler's rates.</returns>
    protected override IReadOnlyList<double> ComputeLearningRates()
    {
        var index = milestones.Count(m => m <= LastEpoch);
        var active = schedulers[index];
        if (index > 0 && milestones[index - 1] == LastEpoch)
        {
            active.StepTo(0);
        }
        else
        {
            active.Step();
        }

        return active.LastLearningRates;
    }

    /// <inheritdoc/>
    protected internal override void SaveState(Dictionary<string, Tensor> into, string prefix)
    {
        base.SaveState(into, prefix);
        for (var i = 0; i < schedulers.Length; i++)
        {
            schedulers[i].SaveState(into, Child(prefix, i));
        }
    }

    /// <inheritdoc/>
    protected internal override void CollectStateKeys(string prefix, ISet<string> keys)
    {
        base.CollectStateKeys(prefix, keys);
        for (var i = 0; i < schedulers.Length; i++)
        {
            schedulers[i].CollectStateKeys(Child(prefix, i), keys);
        }
    }

    /// <inheritdoc/>
    protected internal override void CheckState(IReadOnlyDictionary<string, Tensor> state, string prefix, IList<string> problems)
    {
        base.CheckState(state, prefix, problems);
        for (var i = 0; i < schedulers.Length; i++)
        {
            schedulers[i].CheckState(state, Child(prefix, i), problems);
        }
    }

    /// <inheritdoc/>
    protected internal override void RestoreState(IReadOnlyDictionary<string, Tensor> state, string prefix)
    {
        base.RestoreState(state, prefix);
        for (var i = 0; i < schedulers.Length; i++)
        {
            schedulers[i].RestoreState(state, Child(prefix, i));
        }
    }

    private static string Child(string prefix, int index) => string.Create(CultureInfo.InvariantCulture, $"{prefix}{ChildPrefix}{index}.");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
