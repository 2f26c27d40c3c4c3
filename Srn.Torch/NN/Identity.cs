namespace Srn.Torch.NN;

/// <summary>y = x: a placeholder (e.g. a removed classifier head). Same as <c>torch.nn.Identity</c>.</summary>
/// <remarks>The output is a new handle to the input's tensor (no copy): dispose it independently of the input.</remarks>
public sealed class Identity : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Alias();
    }
}
