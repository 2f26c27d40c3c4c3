namespace Srn.Torch.NN;

/// <summary>
/// 2-D average pooling: each output is the mean of a kernel-sized window of the (zero-padded) input,
/// y[n, c, i, j] = Σ x[n, c, i·sH + a − pH, j·sW + b − pW] / divisor. Same as <c>torch.nn.AvgPool2d</c>.
/// </summary>
/// <param name="kernelSize">Window size.</param>
/// <param name="stride">Step (default: the window size).</param>
/// <param name="padding">Implicit zero padding, at most half the window.</param>
/// <param name="ceilMode">Round the output size up.</param>
/// <param name="countIncludePad">Count the zero padding in the divisor.</param>
/// <param name="divisorOverride">If given, the divisor of every window instead of its size.</param>
public sealed class AvgPool2d(IntPair kernelSize, IntPair? stride = null, IntPair? padding = null, bool ceilMode = false, bool countIncludePad = true, long? divisorOverride = null) : Module<Tensor, Tensor>
{
    /// <summary>Window size.</summary>
    public IntPair KernelSize { get; } = kernelSize;

    /// <summary>Step.</summary>
    public IntPair Stride { get; } = stride ?? kernelSize;

    /// <summary>Padding.</summary>
    public IntPair Padding { get; } = padding ?? 0;

    /// <summary>Whether the output size rounds up.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <summary>Whether the zero padding counts in the divisor.</summary>
    public bool CountIncludePad { get; } = countIncludePad;

    /// <summary>The fixed divisor, or null for the window size.</summary>
    public long? DivisorOverride { get; } = divisorOverride;

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => Functional.AvgPool2d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);
}
