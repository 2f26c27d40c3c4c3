namespace Srn.Torch.NN;

/// <summary>
/// Layer normalisation over the trailing dimensions <see cref="NormalizedShape"/>:
/// y = (x − E[x]) / √(Var[x] + eps) · γ + β, with the biased variance over those dimensions of each sample.
/// Same as <c>torch.nn.LayerNorm</c>: γ = 1 and β = 0 at creation (no random draw).
/// </summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    private readonly long[] normalizedShape;

    /// <summary>Creates the layer.</summary>
    /// <param name="normalizedShape">The shape of the normalised trailing dimensions (e.g. [features]).</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="elementwiseAffine">Whether to learn γ and β of shape <paramref name="normalizedShape"/>.</param>
    /// <param name="dtype">Parameter dtype (default float32).</param>
    /// <exception cref="ArgumentException">For an empty shape or a negative size.</exception>
    public LayerNorm(long[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, ScalarType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d < 0))
        {
            throw new ArgumentException($"normalized_shape must be non-empty with non-negative sizes, got [{string.Join(", ", normalizedShape)}]", nameof(normalizedShape));
        }

        this.normalizedShape = [.. normalizedShape];
        Eps = eps;
        ElementwiseAffine = elementwiseAffine;
        Weight = RegisterParameter("weight", elementwiseAffine ? Tensor.Ones(normalizedShape, dtype) : null);
        Bias = RegisterParameter("bias", elementwiseAffine ? Tensor.Zeros(normalizedShape, dtype) : null);
    }

    /// <summary>Creates the layer over the last dimension only.</summary>
    /// <param name="normalizedSize">The size of the last dimension.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="elementwiseAffine">Whether to learn γ and β.</param>
    /// <param name="dtype">Parameter dtype (default float32).</param>
    public LayerNorm(long normalizedSize, double eps = 1e-5, bool elementwiseAffine = true, ScalarType? dtype = null)
        : this([normalizedSize], eps, elementwiseAffine, dtype)
    {
    }

    /// <summary>The shape of the normalised trailing dimensions (a copy).</summary>
    public long[] NormalizedShape => [.. normalizedShape];

    /// <summary>Added to the variance for stability.</summary>
    public double Eps { get; }

    /// <summary>Whether γ and β are learnt.</summary>
    public bool ElementwiseAffine { get; }

    /// <summary>γ, or null when not affine.</summary>
    public Tensor? Weight { get; }

    /// <summary>β, or null when not affine.</summary>
    public Tensor? Bias { get; }

    /// <summary>Sets γ = 1 and β = 0. Same as <c>LayerNorm.reset_parameters()</c>.</summary>
    public void ResetParameters()
    {
        if (Weight is not null)
        {
            Init.Ones_(Weight);
            Init.Zeros_(Bias!);
        }
    }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => Functional.LayerNorm(input, normalizedShape, Weight, Bias, Eps);
}
