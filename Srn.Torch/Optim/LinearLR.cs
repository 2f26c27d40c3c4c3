using System.Globalization;

namespace Srn.Torch.Optim;

/// <summary>
/// Scales each group's base rate by a factor that moves linearly from <c>startFactor</c> to <c>endFactor</c> over
/// <c>totalIters</c> epochs, then stays (a linear warm-up when startFactor &lt; endFactor):
/// γ_e = base·(s + (f − s)·min(e, N) / N). PyTorch's chainable form is used:
/// γ_0 = γ·s, γ_e = γ_{e−1}·(1 + (f − s) / (N·s + (e − 1)·(f − s))) for 0 &lt; e ≤ N, unchanged after.
/// </summary>
/// <remarks>Same as <c>torch.optim.lr_scheduler.LinearLR</c>.</remarks>
public sealed class LinearLR : LRScheduler
{
    /// <summary>Creates the scheduler and performs its initial step (which multiplies each rate by <paramref name="startFactor"/>).</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="startFactor">Factor s at epoch 0, in (0, 1].</param>
    /// <param name="endFactor">Factor f from epoch N on, in [0, 1].</param>
    /// <param name="totalIters">Epochs N of the ramp (&gt; 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">For a factor out of range or a non-positive <paramref name="totalIters"/>.</exception>
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, long totalIters = 5)
        : base(optimizer)
    {
        if (!(startFactor > 0 && startFactor <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.");
        }

        if (!(endFactor >= 0 && endFactor <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(endFactor), endFactor, "Ending multiplicative factor expected to be between 0 and 1.");
        }

        if (totalIters <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(totalIters), totalIters, string.Create(CultureInfo.InvariantCulture, $"Expected positive integer total_iters, but got {totalIters}"));
        }

        StartFactor = startFactor;
        EndFactor = endFactor;
        TotalIters = totalIters;
        Start();
    }

    /// <summary>Factor at epoch 0. Same as <c>start_factor</c>.</summary>
    public double StartFactor { get; }

    /// <summary>Factor from epoch <see cref="TotalIters"/> on. Same as <c>end_factor</c>.</summary>
    public double EndFactor { get; }

    /// <summary>Epochs of the ramp. Same as <c>total_iters</c>.</summary>
    public long TotalIters { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<double> ComputeLearningRates()
    {
        var lrs = GroupLearningRates();
        if (LastEpoch == 0)
        {
            return lrs.Select(lr => lr * StartFactor).ToArray();
        }

        if (LastEpoch > TotalIters)
        {
            return lrs;
        }

        var span = EndFactor - StartFactor;
        return lrs.Select(lr => lr * (1.0 + (span / ((TotalIters * StartFactor) + ((LastEpoch - 1) * span))))).ToArray();
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<double> ClosedFormLearningRates() =>
        BaseLearningRates.Select(b => b * (StartFactor + ((EndFactor - StartFactor) * Math.Min(TotalIters, LastEpoch) / TotalIters))).ToArray();
}
