using Srn.PartialLabels.Network;
using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.PartialLabels.Transfer;

/// <summary>
/// The co-occurrence branch of SST and HST: from the category vectors f_c of an image, a logit q_k for every class pair
/// k = (i, j), i &lt; j (<see cref="LabelPairs"/>), that both classes are present:
/// <code>
/// u_c = W1 f_c + b1                                   intra_fc_1: D → I
/// v_k = W3 relu(W2 [u_i ; u_j] + b2) + b3              intra_fc_2: 2I → O, intra_fc_3: O → O
/// q_k = w_k · v_k + b_k                                intra_classifiers: one linear per pair
/// </code>
/// Input <c>[B, C, D]</c>, output <c>[B, P]</c>. <see cref="SemanticTransfer.IntraScores"/> turns σ(q) into
/// intra-image pseudo labels, and <see cref="CooccurrenceLoss"/> trains q on the pairs of known positives.
/// </summary>
/// <remarks>
/// Same as the "Predict Co-occurrence" part of <c>SST.forward</c> / <c>HST.forward</c> of HCPLab-SYSU/HCP-MLR-PL, with
/// its layer names (<c>intra_fc_1</c>, <c>intra_fc_2</c>, <c>intra_fc_3</c>, <c>intra_classifiers</c>); the reference uses
/// D = O = 1024 and I = 512.
/// </remarks>
public sealed class CooccurrenceHead : Module<Tensor, Tensor>
{
    private readonly long[] first;
    private readonly long[] second;

    /// <summary>Creates the branch and initialises it from the global generator, in the reference's layer order.</summary>
    /// <param name="numClasses">C (at least 2).</param>
    /// <param name="featureDim">D, the size of f_c.</param>
    /// <param name="intermediateDim">I, the size of u_c.</param>
    /// <param name="outputDim">O, the size of v_k.</param>
    /// <exception cref="ArgumentOutOfRangeException">For fewer than 2 classes or a size below 1.</exception>
    public CooccurrenceHead(long numClasses, long featureDim, long intermediateDim, long outputDim)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(intermediateDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputDim, 1);
        NumClasses = numClasses;
        FeatureDim = featureDim;
        (first, second) = LabelPairs.Of((int)numClasses);
        Fc1 = RegisterModule("intra_fc_1", new Linear(featureDim, intermediateDim));
        Fc2 = RegisterModule("intra_fc_2", new Linear(2 * intermediateDim, outputDim));
        Fc3 = RegisterModule("intra_fc_3", new Linear(outputDim, outputDim));
        Classifiers = RegisterModule("intra_classifiers", new ElementWiseLinear(first.Length, outputDim));
    }

    /// <summary>C.</summary>
    public long NumClasses { get; }

    /// <summary>D.</summary>
    public long FeatureDim { get; }

    /// <summary>P, the number of class pairs.</summary>
    public long NumPairs => first.Length;

    /// <summary>intra_fc_1, D → I.</summary>
    public Linear Fc1 { get; }

    /// <summary>intra_fc_2, 2I → O.</summary>
    public Linear Fc2 { get; }

    /// <summary>intra_fc_3, O → O.</summary>
    public Linear Fc3 { get; }

    /// <summary>intra_classifiers, one linear per pair.</summary>
    public ElementWiseLinear Classifiers { get; }

    /// <inheritdoc/>
    /// <returns>Pair logits q, <c>[B, P]</c>.</returns>
    /// <exception cref="ArgumentException">When the input is not <c>[B, C, D]</c>.</exception>
    protected override Tensor ForwardCore(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim != 3 || input.Size(1) != NumClasses || input.Size(2) != FeatureDim)
        {
            throw new ArgumentException($"CooccurrenceHead expects category vectors [batch, {NumClasses}, {FeatureDim}], got [{string.Join(", ", input.Shape)}]", nameof(input));
        }

        using var scope = DisposeScope.Enter();
        var u = Fc1.Forward(input);                                                   // [B, C, I]
        var left = u.IndexSelect(1, Tensor.FromArray(first).To(input.Device));
        var right = u.IndexSelect(1, Tensor.FromArray(second).To(input.Device));
        var pairs = Tensor.Cat([left, right], 2);                                     // [B, P, 2I]
        var v = Fc3.Forward(Fc2.Forward(pairs).Relu());                               // [B, P, O]
        return Classifiers.Forward(v).MoveToOuterScope();
    }
}
