using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.PartialLabels.Network;

/// <summary>
/// One linear classifier per class: s_c = w_c · o_c + b_c for inputs o (<c>[B, C, D]</c>), weights w (<c>[C, D]</c>) and
/// biases b (<c>[C]</c>); initialised U(±1/√D) like a Linear layer.
/// </summary>
/// <remarks>Same as <c>Element_Wise_Layer</c> of HCPLab-SYSU/HCP-MLR-PL (parameters <c>weight</c> and <c>bias</c>).</remarks>
public sealed class ElementWiseLinear : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer and initialises it from the global generator (weight, then bias).</summary>
    /// <param name="numClasses">C.</param>
    /// <param name="features">D.</param>
    /// <exception cref="ArgumentOutOfRangeException">For a size below 1.</exception>
    public ElementWiseLinear(long numClasses, long features)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        NumClasses = numClasses;
        Features = features;
        Weight = RegisterParameter("weight", Tensor.Empty([numClasses, features]))!;
        Bias = RegisterParameter("bias", Tensor.Empty([numClasses]))!;
        var bound = 1 / Math.Sqrt(features);
        Init.Uniform_(Weight, -bound, bound);
        Init.Uniform_(Bias, -bound, bound);
    }

    /// <summary>C.</summary>
    public long NumClasses { get; }

    /// <summary>D.</summary>
    public long Features { get; }

    /// <summary>w, <c>[C, D]</c>.</summary>
    public Tensor Weight { get; }

    /// <summary>b, <c>[C]</c>.</summary>
    public Tensor Bias { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">When the input is not <c>[B, C, D]</c>.</exception>
    protected override Tensor ForwardCore(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim != 3 || input.Size(1) != NumClasses || input.Size(2) != Features)
        {
            throw new ArgumentException($"ElementWiseLinear expects [batch, {NumClasses}, {Features}], got [{string.Join(", ", input.Shape)}]", nameof(input));
        }

        using var product = input * Weight;
        using var sum = product.Sum(2);
        return sum + Bias;
    }
}
