using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.PartialLabels.Network;

/// <summary>
/// Semantic decoupling (SSGRL, Chen et al. ICCV 2019): attention of every class over the image positions, guided by the
/// class's label embedding. For image features f_ij ∈ R^D at the HW positions and label embeddings x_c ∈ R^d:
/// <code>
/// h_c,ij = tanh(W1 f_ij ⊙ W2 x_c)          W1: D → I, W2: d → I, no biases
/// e_c,ij = W4 (W3 h_c,ij + b3) + b4         W3: I → I, W4: I → 1
/// a_c    = softmax over the HW positions of e_c
/// F_c,ij = a_c,ij f_ij                      (per-location maps)
/// f_c    = Σ_ij F_c,ij                      (category vectors)
/// </code>
/// There is no non-linearity between W3 and W4: SSGRL's "W3 applied after tanh" is the reference's
/// <c>fc4(fc3(tanh(fc1(f) * fc2(x))))</c>.
/// </summary>
/// <remarks>
/// Same as <c>SemanticDecoupling</c> of HCPLab-SYSU/HCP-MLR-PL (<c>model/SemanticDecoupling.py</c>), with its child names
/// <c>fc1..fc4</c>; it takes the features already flattened to <c>[B, HW, D]</c> (row-major positions, as the reference's
/// <c>view</c>) and returns the maps as <c>[B, C, HW, D]</c> rather than <c>[B, H, W, C, D]</c>.
/// </remarks>
public sealed class SemanticDecoupling : Module<(Tensor Features, Tensor Words), DecoupledFeatures>
{
    /// <summary>Creates the module and initialises it from the global generator (Linear's default init, in the order fc1..fc4).</summary>
    /// <param name="featureDim">D, the image feature size.</param>
    /// <param name="wordDim">d, the label embedding size.</param>
    /// <param name="intermediateDim">I (the reference uses 512 for SSGRL, SARB and DSRB).</param>
    /// <exception cref="ArgumentOutOfRangeException">For a size below 1.</exception>
    public SemanticDecoupling(long featureDim, long wordDim, long intermediateDim = 512)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(wordDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(intermediateDim, 1);
        FeatureDim = featureDim;
        WordDim = wordDim;
        IntermediateDim = intermediateDim;
        Fc1 = RegisterModule("fc1", new Linear(featureDim, intermediateDim, bias: false));
        Fc2 = RegisterModule("fc2", new Linear(wordDim, intermediateDim, bias: false));
        Fc3 = RegisterModule("fc3", new Linear(intermediateDim, intermediateDim));
        Fc4 = RegisterModule("fc4", new Linear(intermediateDim, 1));
    }

    /// <summary>D, the image feature size.</summary>
    public long FeatureDim { get; }

    /// <summary>d, the label embedding size.</summary>
    public long WordDim { get; }

    /// <summary>I, the size of the joint embedding.</summary>
    public long IntermediateDim { get; }

    /// <summary>
    /// Whether <see cref="Module{TInput, TOutput}.Forward"/> also returns the per-location maps (default true). They take
    /// B·C·HW·D floats; SSGRL and SARB only need the vectors.
    /// </summary>
    public bool ComputeMaps { get; set; } = true;

    /// <summary>W1, image features to the joint space (no bias).</summary>
    public Linear Fc1 { get; }

    /// <summary>W2, label embeddings to the joint space (no bias).</summary>
    public Linear Fc2 { get; }

    /// <summary>W3, applied to the tanh of the joint embedding.</summary>
    public Linear Fc3 { get; }

    /// <summary>W4, to one attention score.</summary>
    public Linear Fc4 { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">When the features are not <c>[B, HW, D]</c> or the embeddings not <c>[C, d]</c>.</exception>
    protected override DecoupledFeatures ForwardCore((Tensor Features, Tensor Words) input)
    {
        var (features, words) = input;
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(words);
        if (features.Dim != 3 || features.Size(2) != FeatureDim)
        {
            throw new ArgumentException($"SemanticDecoupling expects features [batch, positions, {FeatureDim}], got [{string.Join(", ", features.Shape)}]", nameof(input));
        }

        if (words.Dim != 2 || words.Size(1) != WordDim)
        {
            throw new ArgumentException($"SemanticDecoupling expects label embeddings [classes, {WordDim}], got [{string.Join(", ", words.Shape)}]", nameof(input));
        }

        using var scope = DisposeScope.Enter();
        var image = Fc1.Forward(features).Unsqueeze(2);             // [B, HW, 1, I]
        var word = Fc2.Forward(words);                              // [C, I]
        var joint = (image * word).Tanh();                          // [B, HW, C, I]
        var scores = Fc4.Forward(Fc3.Forward(joint)).Squeeze(-1);   // [B, HW, C]
        var attention = scores.Transpose(1, 2).Softmax(2);          // [B, C, HW]
        Tensor vectors;
        Tensor? maps = null;
        if (ComputeMaps)
        {
            maps = attention.Unsqueeze(-1) * features.Unsqueeze(1); // [B, C, HW, D]
            vectors = maps.Sum(2);
            maps.MoveToOuterScope();
        }
        else
        {
            // The same sum over positions without materialising the maps.
            vectors = attention.MatMul(features);
        }

        return new DecoupledFeatures(vectors.MoveToOuterScope(), maps, attention.MoveToOuterScope());
    }
}
