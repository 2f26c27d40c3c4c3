namespace Srn.Torch.NN;

/// <summary>
/// y = x Wᵀ + b over the last dimension. Same as <c>torch.nn.Linear</c>, including its initialisation:
/// W ~ kaiming_uniform(a = √5), i.e. U(±1/√in), and b ~ U(±1/√in).
/// </summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer and initialises it from the global generator.</summary>
    /// <param name="inFeatures">Input features.</param>
    /// <param name="outFeatures">Output features.</param>
    /// <param name="bias">Whether to learn a bias.</param>
    /// <param name="dtype">Parameter dtype (default float32).</param>
    public Linear(long inFeatures, long outFeatures, bool bias = true, ScalarType? dtype = null)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Tensor.Empty([outFeatures, inFeatures], dtype))!;
        Bias = RegisterParameter("bias", bias ? Tensor.Empty([outFeatures], dtype) : null);
        ResetParameters();
    }

    /// <summary>Input features.</summary>
    public long InFeatures { get; }

    /// <summary>Output features.</summary>
    public long OutFeatures { get; }

    /// <summary>The weight, [out, in].</summary>
    public Tensor Weight { get; }

    /// <summary>The bias, [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>Re-draws the parameters as the constructor does. Same as <c>Linear.reset_parameters()</c>.</summary>
    public void ResetParameters()
    {
        Init.KaimingUniform_(Weight, a: Math.Sqrt(5));
        if (Bias is not null)
        {
            var bound = InFeatures > 0 ? 1 / Math.Sqrt(InFeatures) : 0;
            Init.Uniform_(Bias, -bound, bound);
        }
    }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => Functional.Linear(input, Weight, Bias);
}
