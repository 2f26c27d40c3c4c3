namespace Srn.PartialLabels.Network;

/// <summary>The sizes and switches of <see cref="SsgrlNetwork"/>; the defaults are the reference's (SSGRL, SARB, DSRB).</summary>
public sealed record SsgrlNetworkOptions
{
    /// <summary>D, the image feature size after the 1x1 convolution (reference 1024).</summary>
    public long FeatureDim { get; init; } = 1024;

    /// <summary>I, the joint embedding size of the semantic decoupling (reference 512).</summary>
    public long IntermediateDim { get; init; } = 512;

    /// <summary>O, the size of the head's o_c (reference 1024).</summary>
    public long OutputDim { get; init; } = 1024;

    /// <summary>T, the graph network's propagation steps (reference 3).</summary>
    public int TimeSteps { get; init; } = 3;

    /// <summary>d of the learnable label embeddings made when none are given (300, GloVe's size in the reference).</summary>
    public int EmbeddingDim { get; init; } = 300;

    /// <summary>Seed of the learnable label embeddings' initial values (<see cref="LabelEmbeddings.Random"/>).</summary>
    public int EmbeddingSeed { get; init; }

    /// <summary>
    /// Whether given label embeddings (GloVe) are trained too. The reference keeps them fixed; embeddings made when none
    /// are given are always learnable.
    /// </summary>
    public bool TrainGivenEmbeddings { get; init; }

    /// <summary>
    /// Freeze the backbone's stem and <c>layer1..layer3</c>: no gradients, and batch norms on their running statistics even
    /// in training mode (the reference's <c>backbone.eval(); backbone.layer4.train()</c>). Default true, as the reference.
    /// </summary>
    public bool FreezeEarlyStages { get; init; } = true;

    /// <summary>Whether the forward pass returns the per-location maps F (needed by DSRB's blending; B·C·HW·D floats).</summary>
    public bool ComputeMaps { get; init; } = true;
}
