namespace Srn.Torch.NN;

/// <summary>max(x, 0). Same as <c>torch.nn.ReLU</c>.</summary>
/// <param name="inplace">Overwrite the input (saves memory; the input must not be needed for backward elsewhere).</param>
public sealed class ReLU(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Inplace ? input.Relu_().Alias() : input.Relu();
    }
}
