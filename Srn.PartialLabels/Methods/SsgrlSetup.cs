using Srn.PartialLabels.Network;
using Srn.Torch;
using Srn.Training;
using Srn.Training.Methods;

namespace Srn.PartialLabels.Methods;

/// <summary>
/// The shared SSGRL network of a method setup, for every method built on it (<see cref="BlendingMethod"/>,
/// <see cref="SemanticTransferMethod"/>): the options it reads and the network made from them.
/// </summary>
internal static class SsgrlSetup
{
    /// <summary>The network's options: sizes, label embeddings, freezing.</summary>
    public static readonly string[] OptionNames = ["feature_dim", "intermediate_dim", "embedding_dim", "freeze_early", "embeddings", "train_embeddings"];

    /// <summary>The network of a setup, its new layers initialised from the setup's seed.</summary>
    /// <param name="setup">The setup; its training labels give the label graph (all zero when absent).</param>
    /// <param name="computeMaps">Whether the forward pass returns the per-location maps (only DSRB's blending needs them).</param>
    /// <returns>The network.</returns>
    /// <exception cref="ArgumentException">For a bad option or embeddings file.</exception>
    public static SsgrlNetwork Create(MethodSetup setup, bool computeMaps)
    {
        var small = string.Equals(setup.Backbone, "resnet-small", StringComparison.OrdinalIgnoreCase);
        var options = new SsgrlNetworkOptions
        {
            FeatureDim = (long)setup.Option("feature_dim", small ? 128 : 1024),
            IntermediateDim = (long)setup.Option("intermediate_dim", small ? 64 : 512),
            OutputDim = (long)setup.Option("feature_dim", small ? 128 : 1024),
            EmbeddingDim = (int)setup.Option("embedding_dim", small ? 32 : 300),
            EmbeddingSeed = SeedMix.Of(setup.Seed, 577),
            FreezeEarlyStages = setup.Flag("freeze_early", setup.BackboneWeights is not null),
            TrainGivenEmbeddings = setup.Flag("train_embeddings", false),
            ComputeMaps = computeMaps,
        };

        var backbone = Backbones.Create(setup);
        using var adjacency = setup.TrainLabels is { } labels ? LabelAdjacency.FromKnownPositives(labels) : Tensor.Zeros([setup.NumClasses, setup.NumClasses]);
        LibTorch.ManualSeed((ulong)SeedMix.Of(setup.Seed, 314159));
        using var embeddings = setup.Options.TryGetValue("embeddings", out var embeddingsPath) ? LabelEmbeddings.Load(embeddingsPath, setup.ClassNames) : null;
        return new SsgrlNetwork(backbone, adjacency, options, embeddings);
    }
}
