namespace Srn.Torch.NN;

/// <summary>
/// In training mode, zeroes each element with probability p and scales the others by 1 / (1 − p), so the expected
/// value is unchanged; in evaluation mode, the identity. Same as <c>torch.nn.Dropout</c>: the mask is drawn from the
/// global generator, so the same seed gives PyTorch's mask.
/// </summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    /// <param name="p">Probability of an element being zeroed, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="p"/> is outside [0, 1].</exception>
    public Dropout(double p = 0.5)
    {
        if (!(p >= 0.0 && p <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, $"dropout probability has to be between 0 and 1, but got {p}");
        }

        P = p;
    }

    /// <summary>Probability of an element being zeroed.</summary>
    public double P { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => Functional.Dropout(input, P, Training);
}
