using System.Globalization;

namespace Srn.Torch.Optim;

/// <summary>
/// Cosine annealing from each group's base rate down to <c>etaMin</c> over <c>tMax</c> epochs (then back up, periodically):
/// γ_e = η_min + (base − η_min)·(1 + cos(π·e / T_max)) / 2, computed as PyTorch does in the chainable form
/// γ_e = (1 + cos(π·e / T_max)) / (1 + cos(π·(e − 1) / T_max))·(γ_{e−1} − η_min) + η_min, with the step
/// γ_e = γ_{e−1} + (base − η_min)·(1 − cos(π / T_max)) / 2 when (e − 1 − T_max) mod 2T_max = 0.
/// </summary>
/// <remarks>Same as <c>torch.optim.lr_scheduler.CosineAnnealingLR</c> (no warm restarts).</remarks>
public sealed class CosineAnnealingLR : LRScheduler
{
    /// <summary>Creates the scheduler and performs its initial step.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="tMax">Epochs of the half period T_max (&gt; 0).</param>
    /// <param name="etaMin">Minimum learning rate η_min.</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="tMax"/> is not positive.</exception>
    public CosineAnnealingLR(Optimizer optimizer, long tMax, double etaMin = 0)
        : base(optimizer)
    {
        if (tMax <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tMax), tMax, string.Create(CultureInfo.InvariantCulture, $"Expected positive integer T_max, but got {tMax}"));
        }

        TMax = tMax;
        EtaMin = etaMin;
        Start();
    }

    /// <summary>Epochs of the half period. Same as <c>T_max</c>.</summary>
    public long TMax { get; }

    /// <summary>Minimum learning rate. Same as <c>eta_min</c>.</summary>
    public double EtaMin { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<double> ComputeLearningRates()
    {
        var lrs = GroupLearningRates();
        var e = LastEpoch;
        if (e == 0)
        {
            return lrs;
        }

        var bases = BaseLearningRates;
        var result = new double[lrs.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var b = bases[i];
            if (StepCount == 1 && e > 0)
            {
                result[i] = EtaMin + ((b - EtaMin) * (1 + Math.Cos(e * Math.PI / TMax)) / 2);
            }
            else if ((e - 1 - TMax) % (2 * TMax) == 0)
            {
                result[i] = lrs[i] + ((b - EtaMin) * (1 - Math.Cos(Math.PI / TMax)) / 2);
            }
            else
            {
                result[i] = ((1 + Math.Cos(Math.PI * e / TMax)) / (1 + Math.Cos(Math.PI * (e - 1) / TMax)) * (lrs[i] - EtaMin)) + EtaMin;
            }
        }

        return result;
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<double> ClosedFormLearningRates() =>
        BaseLearningRates.Select(b => EtaMin + ((b - EtaMin) * (1 + Math.Cos(Math.PI * LastEpoch / TMax)) / 2)).ToArray();
}
