using System.Globalization;

namespace Srn.Torch.Optim;

/// <summary>
/// The 1cycle policy (Smith and Topin): the learning rate anneals from initial = max/divFactor up to max over the
/// first <c>pctStart</c> of the steps, then down to min = initial/finalDivFactor; momentum (SGD's μ, or Adam's β₁) cycles
/// the opposite way between maxMomentum and baseMomentum. With <c>threePhase</c> the rate goes up, back down to initial
/// symmetrically, then to min. Within a phase from step a to b, with p = (e − a)/(b − a):
/// γ_e = anneal(start, end, p), anneal = end + (start − end)/2·(1 + cos πp) or start + (end − start)·p.
/// </summary>
/// <remarks>
/// Same as <c>torch.optim.lr_scheduler.OneCycleLR</c>: it writes <c>initial_lr</c>, <c>max_lr</c>, <c>min_lr</c> and,
/// when cycling momentum, <c>max_momentum</c> and <c>base_momentum</c> into each parameter group (so the optimizer's state
/// carries them), and sets each group's momentum to max_momentum at construction. Step it once per batch.
/// </remarks>
public sealed class OneCycleLR : LRScheduler
{
    private readonly (double EndStep, string StartLr, string EndLr, string StartMomentum, string EndMomentum)[] phases;
    private readonly bool useBeta1;

    /// <summary>Creates the scheduler with the same values for every group, and performs its initial step.</summary>
    /// <param name="optimizer">The optimizer (SGD-like with <c>momentum</c> or Adam-like with <c>betas</c> when <paramref name="cycleMomentum"/>).</param>
    /// <param name="maxLr">Peak learning rate.</param>
    /// <param name="totalSteps">Total number of steps; or give <paramref name="epochs"/> and <paramref name="stepsPerEpoch"/>.</param>
    /// <param name="epochs">Epochs (with <paramref name="stepsPerEpoch"/>), when <paramref name="totalSteps"/> is null.</param>
    /// <param name="stepsPerEpoch">Steps per epoch.</param>
    /// <param name="pctStart">Fraction of the steps spent increasing the rate, in [0, 1].</param>
    /// <param name="annealStrategy">Cosine or linear annealing.</param>
    /// <param name="cycleMomentum">Cycle momentum inversely to the rate.</param>
    /// <param name="baseMomentum">Lowest momentum (at the peak rate).</param>
    /// <param name="maxMomentum">Highest momentum (at the start and end).</param>
    /// <param name="divFactor">initial = maxLr / divFactor.</param>
    /// <param name="finalDivFactor">min = initial / finalDivFactor.</param>
    /// <param name="threePhase">Use the three-phase schedule (up, back down to initial, then to min).</param>
    /// <exception cref="ArgumentException">When neither a total nor epochs and steps per epoch are given, or momentum is cycled on an optimizer without one.</exception>
    /// <exception cref="ArgumentOutOfRangeException">For a non-positive step count or <paramref name="pctStart"/> outside [0, 1].</exception>
    public OneCycleLR(Optimizer optimizer, double maxLr, long? totalSteps = null, long? epochs = null, long? stepsPerEpoch = null,
        double pctStart = 0.3, AnnealStrategy annealStrategy = AnnealStrategy.Cos, bool cycleMomentum = true, double baseMomentum = 0.85,
        double maxMomentum = 0.95, double divFactor = 25, double finalDivFactor = 1e4, bool threePhase = false)
        : this(optimizer, Repeat(optimizer, maxLr), totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy, cycleMomentum,
            Repeat(optimizer, baseMomentum), Repeat(optimizer, maxMomentum), divFactor, finalDivFactor, threePhase)
    {
    }

    /// <summary>Creates the scheduler with per-group peak rates and momenta, and performs its initial step.</summary>
    /// <param name="optimizer">The optimizer (SGD-like with <c>momentum</c> or Adam-like with <c>betas</c> when <paramref name="cycleMomentum"/>).</param>
    /// <param name="maxLr">Peak learning rate of each group.</param>
    /// <param name="totalSteps">Total number of steps; or give <paramref name="epochs"/> and <paramref name="stepsPerEpoch"/>.</param>
    /// <param name="epochs">Epochs (with <paramref name="stepsPerEpoch"/>), when <paramref name="totalSteps"/> is null.</param>
    /// <param name="stepsPerEpoch">Steps per epoch.</param>
    /// <param name="pctStart">Fraction of the steps spent increasing the rate, in [0, 1].</param>
    /// <param name="annealStrategy">Cosine or linear annealing.</param>
    /// <param name="cycleMomentum">Cycle momentum inversely to the rate.</param>
    /// <param name="baseMomentum">Lowest momentum of each group (0.85 each when null).</param>
    /// <param name="maxMomentum">Highest momentum of each group (0.95 each when null).</param>
    /// <param name="divFactor">initial = maxLr / divFactor.</param>
    /// <param name="finalDivFactor">min = initial / finalDivFactor.</param>
    /// <param name="threePhase">Use the three-phase schedule.</param>
    /// <exception cref="ArgumentException">For lists whose length is not the number of groups, missing step counts, or momentum cycled on an optimizer without one.</exception>
    /// <exception cref="ArgumentOutOfRangeException">For a non-positive step count or <paramref name="pctStart"/> outside [0, 1].</exception>
    public OneCycleLR(Optimizer optimizer, IReadOnlyList<double> maxLr, long? totalSteps = null, long? epochs = null, long? stepsPerEpoch = null,
        double pctStart = 0.3, AnnealStrategy annealStrategy = AnnealStrategy.Cos, bool cycleMomentum = true, IReadOnlyList<double>? baseMomentum = null,
        IReadOnlyList<double>? maxMomentum = null, double divFactor = 25, double finalDivFactor = 1e4, bool threePhase = false)
        : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(maxLr);
        if (totalSteps is { } total)
        {
            if (total <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(totalSteps), total, Invariant($"Expected positive integer total_steps, but got {total}"));
            }

            TotalSteps = total;
        }
        else if (epochs is null || stepsPerEpoch is null)
        {
            throw new ArgumentException("You must define either total_steps OR (epochs AND steps_per_epoch)", nameof(totalSteps));
        }
        else if (epochs <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, Invariant($"Expected positive integer epochs, but got {epochs}"));
        }
        else if (stepsPerEpoch <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(stepsPerEpoch), stepsPerEpoch, Invariant($"Expected positive integer steps_per_epoch, but got {stepsPerEpoch}"));
        }
        else
        {
            TotalSteps = epochs.Value * stepsPerEpoch.Value;
        }

        if (!(pctStart >= 0 && pctStart <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(pctStart), pctStart, $"Expected float between 0 and 1 pct_start, but got {Optimizer.Format(pctStart)}");
        }

        if (annealStrategy is not (AnnealStrategy.Cos or AnnealStrategy.Linear))
        {
            throw new ArgumentOutOfRangeException(nameof(annealStrategy), annealStrategy, $"anneal_strategy must by one of 'cos' or 'linear', instead got {annealStrategy}");
        }

        phases = threePhase
            ?
            [
                ((pctStart * TotalSteps) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                ((2 * pctStart * TotalSteps) - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                (TotalSteps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
            :
            [
                ((pctStart * TotalSteps) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (TotalSteps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ];
        AnnealStrategy = annealStrategy;
        CycleMomentum = cycleMomentum;

        var groups = optimizer.ParamGroups;
        var maxLrs = PerGroup(groups.Count, maxLr, "max_lr");
        for (var i = 0; i < groups.Count; i++)
        {
            groups[i]["initial_lr"] = maxLrs[i] / divFactor;
            groups[i]["max_lr"] = maxLrs[i];
            groups[i]["min_lr"] = groups[i]["initial_lr"] / finalDivFactor;
        }

        if (cycleMomentum)
        {
            var defaults = optimizer.Defaults;
            if (!defaults.ContainsKey("momentum") && !defaults.ContainsKey("beta1"))
            {
                throw new ArgumentException("optimizer must support momentum with `cycle_momentum` option enabled", nameof(optimizer));
            }

            useBeta1 = defaults.ContainsKey("beta1");
            var maxMomenta = PerGroup(groups.Count, maxMomentum ?? Repeat(optimizer, 0.95), "max_momentum");
            var baseMomenta = PerGroup(groups.Count, baseMomentum ?? Repeat(optimizer, 0.85), "base_momentum");
            for (var i = 0; i < groups.Count; i++)
            {
                groups[i][MomentumKey] = maxMomenta[i];
                groups[i]["max_momentum"] = maxMomenta[i];
                groups[i]["base_momentum"] = baseMomenta[i];
            }
        }

        Start();
    }

    /// <summary>Total number of steps of the cycle. Same as <c>total_steps</c>.</summary>
    public long TotalSteps { get; }

    /// <summary>Cosine or linear annealing. Same as <c>anneal_strategy</c>.</summary>
    public AnnealStrategy AnnealStrategy { get; }

    /// <summary>Whether momentum cycles. Same as <c>cycle_momentum</c>.</summary>
    public bool CycleMomentum { get; }

    private string MomentumKey => useBeta1 ? "beta1" : "momentum";

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">When stepped past <see cref="TotalSteps"/>.</exception>
    protected override IReadOnlyList<double> ComputeLearningRates()
    {
        var stepNum = LastEpoch;
        if (stepNum > TotalSteps)
        {
            throw new InvalidOperationException(Invariant($"Tried to step {stepNum + 1} times. The specified number of total steps is {TotalSteps}"));
        }

        var groups = Optimizer.ParamGroups;
        var lrs = new double[groups.Count];
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            var startStep = 0.0;
            for (var i = 0; i < phases.Length; i++)
            {
                var phase = phases[i];
                if (stepNum <= phase.EndStep || i == phases.Length - 1)
                {
                    var pct = (stepNum - startStep) / (phase.EndStep - startStep);
                    lrs[g] = Anneal(group[phase.StartLr], group[phase.EndLr], pct);
                    if (CycleMomentum)
                    {
                        group[MomentumKey] = Anneal(group[phase.StartMomentum], group[phase.EndMomentum], pct);
                    }

                    break;
                }

                startStep = phase.EndStep;
            }
        }

        return lrs;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static double[] Repeat(Optimizer optimizer, double value)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return Enumerable.Repeat(value, optimizer.ParamGroups.Count).ToArray();
    }

    private static double[] PerGroup(int groups, IReadOnlyList<double> values, string name) =>
        values.Count == groups
            ? values.ToArray()
            : throw new ArgumentException(Invariant($"expected {groups} values for {name}, got {values.Count}"), name switch
            {
                "max_lr" => "maxLr",
                "max_momentum" => "maxMomentum",
                _ => "baseMomentum",
            });

    private double Anneal(double start, double end, double pct) =>
        AnnealStrategy == AnnealStrategy.Cos
            ? end + ((start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1))
            : ((end - start) * pct) + start;
}
