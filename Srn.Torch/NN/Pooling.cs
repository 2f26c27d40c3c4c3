namespace Srn.Torch.NN;

/// <summary>2-D max pooling. Same as <c>torch.nn.MaxPool2d</c>.</summary>
/// <param name="kernelSize">Window size.</param>
/// <param name="stride">Step (default: the window size).</param>
/// <param name="padding">Implicit −∞ padding.</param>
/// <param name="dilation">Window dilation.</param>
/// <param name="ceilMode">Round the output size up.</param>
public sealed class MaxPool2d(IntPair kernelSize, IntPair? stride = null, IntPair? padding = null, IntPair? dilation = null, bool ceilMode = false) : Module<Tensor, Tensor>
{
    /// <summary>Window size.</summary>
    public IntPair KernelSize { get; } = kernelSize;

    /// <summary>Step.</summary>
    public IntPair Stride { get; } = stride ?? kernelSize;

    /// <summary>Padding.</summary>
    public IntPair Padding { get; } = padding ?? 0;

    /// <summary>Dilation.</summary>
    public IntPair Dilation { get; } = dilation ?? 1;

    /// <summary>Whether the output size rounds up.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => Functional.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);
}

/// <summary>Average pooling to a fixed output size, whatever the input size. Same as <c>torch.nn.AdaptiveAvgPool2d</c>.</summary>
/// <param name="outputSize">Output height and width (a negative value keeps the input's).</param>
public sealed class AdaptiveAvgPool2d(IntPair outputSize) : Module<Tensor, Tensor>
{
    /// <summary>Output height and width.</summary>
    public IntPair OutputSize { get; } = outputSize;

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => Functional.AdaptiveAvgPool2d(input, OutputSize);
}
