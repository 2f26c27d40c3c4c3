using Srn.Models;
using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.PartialLabels.Network;

/// <summary>
/// The network SSGRL, SARB and DSRB share:
/// <code>
/// ResNet through layer4 → AvgPool 2x2 (stride 2) → conv 1x1 (no bias, stage-4 channels → D) + BatchNorm
///   → f_ij, [B, HW, D] → SemanticDecoupling(f, x) → F_c,ij and f_c → GatedGnn(f) → h → SsgrlHead(h, f) → s
/// </code>
/// At 448 pixels a ResNet-101 gives 2048 x 14 x 14, pooled to 7 x 7 = 49 positions. The blending methods run
/// <see cref="Classify"/> again on blended maps or vectors; inference is the plain forward pass.
/// </summary>
/// <remarks>
/// Child names follow HCPLab-SYSU/HCP-MLR-PL's <c>SARB</c>/<c>DSRB</c> models where they exist: <c>backbone</c>,
/// <c>changeChannel</c> (conv, bn), <c>SemanticDecoupling</c>, <c>GraphNeuralNetwork</c> and the parameter
/// <c>wordFeatures</c>; the reference's top-level <c>fc</c> and <c>classifiers</c> live under <c>head</c> here. The
/// backbone's own classifier (<c>backbone.fc</c>) is unused and frozen. Frozen parameters have
/// <see cref="Tensor.RequiresGrad"/> false: give the optimizer only parameters that require grad.
/// </remarks>
public sealed class SsgrlNetwork : Module<Tensor, SsgrlOutput>
{
    /// <summary>Builds the network around a backbone; the new layers are initialised from the global generator.</summary>
    /// <param name="backbone">The ResNet (its weights, e.g. ImageNet's, already loaded); the network owns it from now on.</param>
    /// <param name="adjacency">The class graph A, <c>[C, C]</c> (<see cref="LabelAdjacency.FromKnownPositives"/>).</param>
    /// <param name="options">Sizes and switches (null: the reference's).</param>
    /// <param name="labelEmbeddings">
    /// Fixed label embeddings <c>[C, d]</c> (<see cref="LabelEmbeddings"/>), copied; null for learnable ones drawn by
    /// <see cref="LabelEmbeddings.Random"/> with <see cref="SsgrlNetworkOptions.EmbeddingDim"/> and <see cref="SsgrlNetworkOptions.EmbeddingSeed"/>.
    /// </param>
    /// <exception cref="ArgumentException">When the adjacency is not square or the embeddings do not have one row per class.</exception>
    public SsgrlNetwork(ResNet backbone, Tensor adjacency, SsgrlNetworkOptions? options = null, Tensor? labelEmbeddings = null)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(adjacency);
        Options = options ?? new SsgrlNetworkOptions();
        if (adjacency.Dim != 2 || adjacency.Size(0) != adjacency.Size(1))
        {
            throw new ArgumentException($"the adjacency must be [classes, classes], got [{string.Join(", ", adjacency.Shape)}]", nameof(adjacency));
        }

        NumClasses = adjacency.Size(0);
        if (labelEmbeddings is not null && (labelEmbeddings.Dim != 2 || labelEmbeddings.Size(0) != NumClasses))
        {
            throw new ArgumentException($"label embeddings must be [{NumClasses}, d] (one row per class of the adjacency), got [{string.Join(", ", labelEmbeddings.Shape)}]", nameof(labelEmbeddings));
        }

        var d = Options.FeatureDim;
        Backbone = RegisterModule("backbone", backbone);
        Pool = RegisterModule("pool", new AvgPool2d(2, 2));
        Reduce = RegisterModule("changeChannel", new Sequential(
            new Conv2d(backbone.NumFeatures, d, 1, bias: false),
            new BatchNorm2d(d)));
        Tensor words;
        bool trainWords;
        if (labelEmbeddings is null)
        {
            words = LabelEmbeddings.Random((int)NumClasses, Options.EmbeddingDim, Options.EmbeddingSeed);
            trainWords = true;
        }
        else
        {
            using var detached = labelEmbeddings.Detach();
            words = detached.To(ScalarType.Float32, copy: true);
            trainWords = Options.TrainGivenEmbeddings;
        }

        WordFeatures = RegisterParameter("wordFeatures", words)!;
        WordFeatures.RequiresGrad = trainWords;
        Decoupling = RegisterModule("SemanticDecoupling", new SemanticDecoupling(d, WordFeatures.Size(1), Options.IntermediateDim) { ComputeMaps = Options.ComputeMaps });
        Graph = RegisterModule("GraphNeuralNetwork", new GatedGnn(d, adjacency, Options.TimeSteps));
        Head = RegisterModule("head", new SsgrlHead(NumClasses, d, Options.OutputDim));

        backbone.Fc.RequiresGrad(false);
        if (Options.FreezeEarlyStages)
        {
            foreach (var frozen in new Module[] { backbone.Conv1, backbone.Bn1, backbone.Stage(1), backbone.Stage(2), backbone.Stage(3) })
            {
                Freeze(frozen);
            }
        }
    }

    /// <summary>The sizes and switches.</summary>
    public SsgrlNetworkOptions Options { get; }

    /// <summary>C.</summary>
    public long NumClasses { get; }

    /// <summary>The ResNet (only its stem and four stages are used).</summary>
    public ResNet Backbone { get; }

    /// <summary>The 2x2 average pooling after layer4.</summary>
    public AvgPool2d Pool { get; }

    /// <summary>The 1x1 convolution and batch norm to D channels (<c>changeChannel</c>).</summary>
    public Sequential Reduce { get; }

    /// <summary>The label embeddings x, <c>[C, d]</c> (trainable only when learnable).</summary>
    public Tensor WordFeatures { get; }

    /// <summary>The semantic decoupling.</summary>
    public SemanticDecoupling Decoupling { get; }

    /// <summary>The gated graph network.</summary>
    public GatedGnn Graph { get; }

    /// <summary>The classifier head.</summary>
    public SsgrlHead Head { get; }

    /// <summary>
    /// Everything after the backbone, from a layer4 feature map: pooling, channel reduction, decoupling, graph and head.
    /// </summary>
    /// <param name="featureMap">Stage-4 features <c>[B, stage-4 channels, h, w]</c>.</param>
    /// <returns>Logits, vectors, maps (when <see cref="SsgrlNetworkOptions.ComputeMaps"/>) and attention.</returns>
    /// <exception cref="ArgumentException">When the feature map is not 4-D with the backbone's channels, or smaller than 2 x 2.</exception>
    public SsgrlOutput ForwardFeatureMap(Tensor featureMap)
    {
        ArgumentNullException.ThrowIfNull(featureMap);
        if (featureMap.Dim != 4 || featureMap.Size(1) != Backbone.NumFeatures || featureMap.Size(2) < 2 || featureMap.Size(3) < 2)
        {
            throw new ArgumentException($"expected a layer4 feature map [batch, {Backbone.NumFeatures}, h >= 2, w >= 2], got [{string.Join(", ", featureMap.Shape)}]", nameof(featureMap));
        }

        using var scope = DisposeScope.Enter();
        var reduced = Reduce.Forward(Pool.Forward(featureMap));            // [B, D, H, W]
        var height = (int)reduced.Size(2);
        var width = (int)reduced.Size(3);
        var features = reduced.Flatten(2).Transpose(1, 2);                 // [B, HW, D], row-major positions
        var decoupled = Decoupling.Forward((features, WordFeatures));
        var logits = Classify(decoupled.Vectors);
        return new SsgrlOutput(
            logits.MoveToOuterScope(),
            decoupled.Vectors.MoveToOuterScope(),
            decoupled.Maps?.MoveToOuterScope(),
            decoupled.Attention.MoveToOuterScope(),
            height,
            width);
    }

    /// <summary>
    /// The graph network and the head on (possibly blended) class-specific features: category vectors <c>[B, C, D]</c>, or
    /// per-location maps <c>[B, C, HW, D]</c>, which are first summed over the positions into vectors.
    /// </summary>
    /// <param name="features">Vectors or maps.</param>
    /// <returns>Logits <c>[B, C]</c>.</returns>
    /// <exception cref="ArgumentException">When the shape is neither.</exception>
    public Tensor Classify(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var shape = features.Shape;
        if (shape.Length is not (3 or 4) || shape[1] != NumClasses || shape[^1] != Options.FeatureDim)
        {
            throw new ArgumentException(
                $"Classify expects category vectors [batch, {NumClasses}, {Options.FeatureDim}] or maps [batch, {NumClasses}, positions, {Options.FeatureDim}], got [{string.Join(", ", shape)}]",
                nameof(features));
        }

        using var scope = DisposeScope.Enter();
        var vectors = shape.Length == 4 ? features.Sum(2) : features;
        var hidden = Graph.Forward(vectors);
        return Head.Forward((hidden, vectors)).MoveToOuterScope();
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">When the images are not <c>[B, 3, H, W]</c>.</exception>
    protected override SsgrlOutput ForwardCore(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim != 4 || input.Size(1) != 3)
        {
            throw new ArgumentException($"SsgrlNetwork expects images [batch, 3, height, width], got [{string.Join(", ", input.Shape)}]", nameof(input));
        }

        using var featureMap = Backbone.ForwardFeatures(input, 4);
        return ForwardFeatureMap(featureMap);
    }

    // Frozen as the reference's eval-mode backbone: no gradients, and batch norm on its running statistics whatever
    // the training mode the trainer sets (Module.Train is not virtual, so the mode itself cannot be pinned).
    private static void Freeze(Module module)
    {
        module.RequiresGrad(false);
        foreach (var m in module.Modules())
        {
            if (m is BatchNorm2d bn)
            {
                bn.FrozenStatistics = true;
            }
        }
    }
}
