namespace Srn.Torch.NN;

/// <summary>
/// Batch normalisation over the channels of [N, C, H, W] input: y = (x - E[x]) / √(Var[x] + eps) · γ + β, with batch
/// statistics in training (and running estimates updated with <see cref="Momentum"/>) and the running estimates in
/// evaluation. Same as <c>torch.nn.BatchNorm2d</c>; <see cref="FrozenStatistics"/> gives the frozen-statistics mode
/// detection backbones use (torchvision's <c>FrozenBatchNorm2d</c> when the affine parameters are frozen too).
/// </summary>
public sealed class BatchNorm2d : Module<Tensor, Tensor>
{
    private const string BatchesTracked = "num_batches_tracked";

    /// <summary>Creates the layer: γ = 1, β = 0, running mean 0, running variance 1.</summary>
    /// <param name="numFeatures">Channels.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="momentum">Running-estimate update factor; null for a cumulative average.</param>
    /// <param name="affine">Whether to learn γ and β.</param>
    /// <param name="trackRunningStats">Whether to keep running estimates (otherwise batch statistics are always used).</param>
    /// <param name="dtype">Parameter dtype (default float32).</param>
    public BatchNorm2d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, ScalarType? dtype = null)
    {
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Weight = RegisterParameter("weight", affine ? Tensor.Ones([numFeatures], dtype) : null);
        Bias = RegisterParameter("bias", affine ? Tensor.Zeros([numFeatures], dtype) : null);
        RunningMean = RegisterBuffer("running_mean", trackRunningStats ? Tensor.Zeros([numFeatures], dtype) : null);
        RunningVar = RegisterBuffer("running_var", trackRunningStats ? Tensor.Ones([numFeatures], dtype) : null);
        NumBatchesTracked = RegisterBuffer(BatchesTracked, trackRunningStats ? Tensor.Zeros([], ScalarType.Int64) : null);
    }

    /// <summary>Channels.</summary>
    public long NumFeatures { get; }

    /// <summary>Added to the variance for stability.</summary>
    public double Eps { get; }

    /// <summary>Running-estimate update factor (null: cumulative average).</summary>
    public double? Momentum { get; set; }

    /// <summary>
    /// When true, normalise with the running estimates and leave them unchanged even in training mode
    /// (fine-tuning with small batches). Freeze γ and β separately with <see cref="Module.RequiresGrad"/>.
    /// </summary>
    public bool FrozenStatistics { get; set; }

    /// <summary>γ, or null when not affine.</summary>
    public Tensor? Weight { get; }

    /// <summary>β, or null when not affine.</summary>
    public Tensor? Bias { get; }

    /// <summary>Running mean, or null when not tracking.</summary>
    public Tensor? RunningMean { get; }

    /// <summary>Running (unbiased) variance, or null when not tracking.</summary>
    public Tensor? RunningVar { get; }

    /// <summary>Batches seen in training (int64), or null when not tracking.</summary>
    public Tensor? NumBatchesTracked { get; }

    /// <inheritdoc/>
    protected override bool IsOptionalStateKey(string localName) => localName == BatchesTracked;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">When the input is not 4-D.</exception>
    protected override Tensor ForwardCore(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var dims = input.Dim;
        if (dims != 4)
        {
            throw new ArgumentException($"BatchNorm2d expects 4D input [N, C, H, W] (got {dims}D input of shape [{string.Join(", ", input.Shape)}])", nameof(input));
        }

        // Batch statistics in training (unless frozen) and whenever no running estimates are kept;
        // F.batch_norm updates the running estimates in place exactly when it uses batch statistics.
        var tracking = RunningMean is not null;
        var useBatchStatistics = !tracking || (Training && !FrozenStatistics);
        var factor = 0.0;
        if (tracking && useBatchStatistics)
        {
            using (Autograd.NoGrad())
            {
                NumBatchesTracked!.Add_(1L);
            }

            factor = Momentum ?? (1.0 / NumBatchesTracked!.Item<long>());
        }

        return Functional.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, useBatchStatistics, factor, Eps);
    }
}
