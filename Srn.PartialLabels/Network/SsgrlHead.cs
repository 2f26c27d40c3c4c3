using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.PartialLabels.Network;

/// <summary>
/// The SSGRL classifier over the graph's node states h_c and the category vectors f_c:
/// <code>
/// o_c = tanh(W [h_c ; f_c] + b)     W: 2D → O (the reference uses O = D = 1024)
/// s_c = w_c · o_c + b_c             per-class weights (<see cref="ElementWiseLinear"/>)
/// </code>
/// </summary>
/// <remarks>
/// Same as the tail of <c>SARB.forward</c> / <c>DSRB.forward</c> in HCPLab-SYSU/HCP-MLR-PL, with their names <c>fc</c> and
/// <c>classifiers</c>.
/// </remarks>
public sealed class SsgrlHead : Module<(Tensor Hidden, Tensor Vectors), Tensor>
{
    /// <summary>Creates the head and initialises it from the global generator (fc, then classifiers).</summary>
    /// <param name="numClasses">C.</param>
    /// <param name="featureDim">D, the size of h_c and f_c.</param>
    /// <param name="outputDim">O, the size of o_c.</param>
    /// <exception cref="ArgumentOutOfRangeException">For a size below 1.</exception>
    public SsgrlHead(long numClasses, long featureDim, long outputDim)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputDim, 1);
        NumClasses = numClasses;
        FeatureDim = featureDim;
        OutputDim = outputDim;
        Fc = RegisterModule("fc", new Linear(2 * featureDim, outputDim));
        Classifiers = RegisterModule("classifiers", new ElementWiseLinear(numClasses, outputDim));
    }

    /// <summary>C.</summary>
    public long NumClasses { get; }

    /// <summary>D.</summary>
    public long FeatureDim { get; }

    /// <summary>O.</summary>
    public long OutputDim { get; }

    /// <summary>The joint projection W, 2D → O.</summary>
    public Linear Fc { get; }

    /// <summary>The per-class classifiers.</summary>
    public ElementWiseLinear Classifiers { get; }

    /// <inheritdoc/>
    /// <returns>Logits <c>[B, C]</c>.</returns>
    /// <exception cref="ArgumentException">When the node states and vectors are not both <c>[B, C, D]</c>.</exception>
    protected override Tensor ForwardCore((Tensor Hidden, Tensor Vectors) input)
    {
        var (hidden, vectors) = input;
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(vectors);
        if (hidden.Dim != 3 || hidden.Size(1) != NumClasses || hidden.Size(2) != FeatureDim || !hidden.Shape.AsSpan().SequenceEqual(vectors.Shape))
        {
            throw new ArgumentException(
                $"SsgrlHead expects node states and category vectors both [batch, {NumClasses}, {FeatureDim}], got [{string.Join(", ", hidden.Shape)}] and [{string.Join(", ", vectors.Shape)}]",
                nameof(input));
        }

        using var joint = Tensor.Cat([hidden, vectors], 2);
        using var projected = Fc.Forward(joint);
        using var output = projected.Tanh();
        return Classifiers.Forward(output);
    }
}
