namespace Srn.Torch.NN;

/// <summary>
/// 2-D convolution y = W ⋆ x + b over [N, C_in, H, W] input. Same as <c>torch.nn.Conv2d</c>, including its default
/// initialisation: W ~ kaiming_uniform(a = √5), i.e. U(±1/√fan_in), and b ~ U(±1/√fan_in).
/// </summary>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer and initialises it from the global generator.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Kernel size.</param>
    /// <param name="stride">Stride (default 1).</param>
    /// <param name="padding">Zero padding (default 0).</param>
    /// <param name="dilation">Dilation (default 1).</param>
    /// <param name="groups">Groups: in and out channels must both divide by it.</param>
    /// <param name="bias">Whether to learn a bias.</param>
    /// <param name="dtype">Parameter dtype (default float32).</param>
    /// <exception cref="ArgumentException">When the channels do not divide by the groups.</exception>
    public Conv2d(long inChannels, long outChannels, IntPair kernelSize, IntPair? stride = null, IntPair? padding = null, IntPair? dilation = null, long groups = 1, bool bias = true, ScalarType? dtype = null)
    {
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"in_channels ({inChannels}) and out_channels ({outChannels}) must be divisible by groups ({groups})", nameof(groups));
        }

        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride ?? 1;
        Padding = padding ?? 0;
        Dilation = dilation ?? 1;
        Groups = groups;
        Weight = RegisterParameter("weight", Tensor.Empty([outChannels, inChannels / groups, kernelSize.H, kernelSize.W], dtype))!;
        Bias = RegisterParameter("bias", bias ? Tensor.Empty([outChannels], dtype) : null);
        ResetParameters();
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }

    /// <summary>Output channels.</summary>
    public long OutChannels { get; }

    /// <summary>Kernel size.</summary>
    public IntPair KernelSize { get; }

    /// <summary>Stride.</summary>
    public IntPair Stride { get; }

    /// <summary>Zero padding.</summary>
    public IntPair Padding { get; }

    /// <summary>Dilation.</summary>
    public IntPair Dilation { get; }

    /// <summary>Groups.</summary>
    public long Groups { get; }

    /// <summary>The kernel, [out, in / groups, kH, kW].</summary>
    public Tensor Weight { get; }

    /// <summary>The bias, [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>Re-draws the parameters as the constructor does. Same as <c>Conv2d.reset_parameters()</c>.</summary>
    public void ResetParameters()
    {
        Init.KaimingUniform_(Weight, a: Math.Sqrt(5));
        if (Bias is not null)
        {
            var (fanIn, _) = Init.FanInAndFanOut(Weight);
            var bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
            Init.Uniform_(Bias, -bound, bound);
        }
    }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => Functional.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);
}
