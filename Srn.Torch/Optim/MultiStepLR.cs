namespace Srn.Torch.Optim;

/// <summary>
/// Decays every group's learning rate by γ at each milestone epoch: γ_e = γ_{e−1}·gamma^k where k is how many times e
/// appears among the milestones (a repeated milestone decays repeatedly); in closed form γ_e = base·gamma^(number of
/// milestones ≤ e).
/// </summary>
/// <remarks>Same as <c>torch.optim.lr_scheduler.MultiStepLR</c>.</remarks>
public sealed class MultiStepLR : LRScheduler
{
    private readonly Dictionary<long, int> counts = [];
    private readonly long[] sorted;

    /// <summary>Creates the scheduler and performs its initial step.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="milestones">Epochs at which to decay (any order; repeats count).</param>
    /// <param name="gamma">Multiplicative factor of each decay.</param>
    /// <exception cref="ArgumentNullException">When <paramref name="milestones"/> is null.</exception>
    public MultiStepLR(Optimizer optimizer, IEnumerable<long> milestones, double gamma = 0.1)
        : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        sorted = milestones.Order().ToArray();
        foreach (var m in sorted)
        {
            counts[m] = counts.GetValueOrDefault(m) + 1;
        }

        Gamma = gamma;
        Start();
    }

    /// <summary>The milestones, sorted, repeats kept. Same as <c>milestones</c> (a Counter in PyTorch).</summary>
    public IReadOnlyList<long> Milestones => sorted;

    /// <summary>Multiplicative factor of each decay. Same as <c>gamma</c>.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<double> ComputeLearningRates()
    {
        var lrs = GroupLearningRates();
        if (!counts.TryGetValue(LastEpoch, out var k))
        {
            return lrs;
        }

        return lrs.Select(lr => lr * Math.Pow(Gamma, k)).ToArray();
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<double> ClosedFormLearningRates()
    {
        var passed = sorted.Count(m => m <= LastEpoch);
        return BaseLearningRates.Select(b => b * Math.Pow(Gamma, passed)).ToArray();
    }
}
