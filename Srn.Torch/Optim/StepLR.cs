using System.Globalization;

namespace Srn.Torch.Optim;

/// <summary>
/// Decays every group's learning rate by γ once every <c>stepSize</c> epochs:
/// γ_e = γ_{e−1}·gamma when e &gt; 0 and e mod stepSize = 0, else γ_{e−1}; in closed form γ_e = base·gamma^⌊e / stepSize⌋.
/// </summary>
/// <remarks>Same as <c>torch.optim.lr_scheduler.StepLR</c>.</remarks>
public sealed class StepLR : LRScheduler
{
    /// <summary>Creates the scheduler and performs its initial step.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="stepSize">Epochs between decays (&gt; 0).</param>
    /// <param name="gamma">Multiplicative factor of each decay.</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="stepSize"/> is not positive.</exception>
    public StepLR(Optimizer optimizer, long stepSize, double gamma = 0.1)
        : base(optimizer)
    {
        if (stepSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, string.Create(CultureInfo.InvariantCulture, $"Expected positive integer step_size, but got {stepSize}"));
        }

        StepSize = stepSize;
        Gamma = gamma;
        Start();
    }

    /// <summary>Epochs between decays. Same as <c>step_size</c>.</summary>
    public long StepSize { get; }

    /// <summary>Multiplicative factor of each decay. Same as <c>gamma</c>.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<double> ComputeLearningRates()
    {
        var lrs = GroupLearningRates();
        if (LastEpoch == 0 || LastEpoch % StepSize != 0)
        {
            return lrs;
        }

        return lrs.Select(lr => lr * Gamma).ToArray();
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<double> ClosedFormLearningRates() =>
        BaseLearningRates.Select(b => b * Math.Pow(Gamma, Math.Floor((double)LastEpoch / StepSize))).ToArray();
}
