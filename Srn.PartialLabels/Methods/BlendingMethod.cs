using Srn.Data;
using Srn.Models;
using Srn.PartialLabels.Blending;
using Srn.PartialLabels.Network;
using Srn.Torch;
using Srn.Torch.NN;
using Srn.Training;
using Srn.Training.Losses;
using Srn.Training.Methods;

namespace Srn.PartialLabels.Methods;

/// <summary>
/// SSGRL, SARB and DSRB as training methods (docs/methods.md, "Partial-label methods"). One stage; the loss of a batch is
/// <code>
/// L = partial-bce(s, y) + w(t) L_con                                   (SARB, DSRB; w ramps 0 -> 0.05 over epoch 1)
///   + l_I partial-bce(s', y')                                          (IPRB, from epoch blend_start)
///   + l_P partial-bce(s'', y'')                                        (PPRB for DSRB, k-means prototypes for SARB)
/// </code>
/// Prototypes are rebuilt at the start of epoch <c>blend_start</c> and every <c>prototype_every</c> epochs after, in
/// eval mode without grad, over the training images with the evaluation transform, and saved in checkpoints.
/// </summary>
/// <remarks>
/// Options (besides <see cref="StageRecipe"/>'s, whose defaults here are Adam, lr 1e-3, weight decay 1e-4 and a step
/// schedule): <c>loss</c>; <c>blend_start</c> (epoch, 0-based; default round(E / 4), the reference's 5 of 20);
/// <c>prototype_every</c> (round(E / 4), the reference's 5); <c>contrastive_weight</c> (0.05); <c>instance_weight</c>
/// and <c>prototype_weight</c> (1); <c>feature_dim</c> (1024, 128 for resnet-small), <c>intermediate_dim</c> (512, 64),
/// <c>embedding_dim</c> (300, 32: the size of learnt embeddings); <c>embeddings</c> (a GloVe-format text file or a
/// safetensors or .npy matrix with a row per class, <see cref="LabelEmbeddings.Load"/>: fixed, as the reference's GloVe vectors,
/// unless <c>train_embeddings</c> is true; without it the embeddings are learnt from a seeded random start); <c>freeze_early</c> (the reference
/// freezes stem..layer3 of a pretrained backbone: true for torchvision backbones given weights, false otherwise);
/// <c>decay_blend</c> (weight decay on alpha and beta, as the reference: true); <c>prototype_transform</c> (<c>eval</c>:
/// prototypes from the evaluation transform, our default; <c>train</c>: from the training augmentation, as the
/// reference does); <c>learn_alpha</c>, <c>learn_beta</c> (whether α and β are trained or stay at 0.5: the reference's
/// <c>isAlphaLearnable</c>, <c>isBetaLearnable</c>, true); <c>top_k</c> (DSRB: unknown classes blended with a prototype
/// per image, the reference's <c>topK</c>, 1); <c>prototype_count</c> (SARB: k-means centres per class, the reference's
/// <c>prototypeNum</c>, 10); <c>kmeans_init</c> (SARB's k-means: <c>sklearn</c>, the reference's scikit-learn defaults, greedy
/// k-means++ and the best of 10 runs, <see cref="KMeansOptions.ScikitLearn"/>; <c>plain</c>: one plain k-means++ run).
/// </remarks>
public sealed class BlendingMethod : TrainingMethod
{
    private static readonly string[] OwnOptions =
        ["loss", "blend_start", "prototype_every", "contrastive_weight", "instance_weight", "prototype_weight", "decay_blend", "prototype_transform", "top_k", "prototype_count", "learn_alpha", "learn_beta", "kmeans_init"];

    private readonly BlendingNet model;
    private readonly IMultiLabelLoss loss;
    private readonly TrainingStage[] stages;
    private readonly int blendStart;
    private readonly int prototypeEvery;
    private readonly double contrastiveWeight;
    private readonly double instanceWeight;
    private readonly double prototypeWeight;
    private readonly bool prototypesFromTraining;
    private readonly int prototypeCount;
    private readonly KMeansOptions kmeansOptions;
    private PrototypeBank? bank;
    private KMeansPrototypes? kmeans;

    /// <summary>Builds the method.</summary>
    /// <param name="setup">The setup; its training labels give the label graph (all zero when absent, e.g. when rebuilding for evaluation: the checkpoint restores it).</param>
    /// <param name="variant">SSGRL, SARB or DSRB.</param>
    /// <param name="loss">The classification loss; the partial BCE when null.</param>
    public BlendingMethod(MethodSetup setup, BlendingVariant variant, IMultiLabelLoss? loss = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        setup.CheckOptions([.. StageRecipe.OptionNames, .. SsgrlSetup.OptionNames, .. OwnOptions]);
        Setup = setup;
        Variant = variant;
        this.loss = loss ?? PartialBce.Instance;
        var quarter = Math.Max(1, (int)Math.Round(setup.Epochs / 4.0, MidpointRounding.AwayFromZero));
        blendStart = (int)setup.Option("blend_start", quarter);
        prototypeEvery = Math.Max(1, (int)setup.Option("prototype_every", quarter));
        contrastiveWeight = setup.Option("contrastive_weight", 0.05);
        instanceWeight = setup.Option("instance_weight", 1);
        prototypeWeight = setup.Option("prototype_weight", 1);
        var topK = OptionValues.Count(setup, "top_k", 1);
        prototypeCount = OptionValues.Count(setup, "prototype_count", 10);
        var learnAlpha = setup.Flag("learn_alpha", true);
        var learnBeta = setup.Flag("learn_beta", true);
        prototypesFromTraining = (setup.Options.TryGetValue("prototype_transform", out var transform) ? transform : "eval") switch
        {
            "eval" => false,
            "train" => true,
            _ => throw new ArgumentException($"Method '{setup.Method}': prototype_transform must be 'eval' or 'train', got '{transform}'."),
        };
        kmeansOptions = (setup.Options.TryGetValue("kmeans_init", out var init) ? init : "sklearn") switch
        {
            "sklearn" => KMeansOptions.ScikitLearn,
            "plain" => KMeansOptions.Plain,
            _ => throw new ArgumentException($"Method '{setup.Method}': kmeans_init must be 'sklearn' or 'plain', got '{init}'."),
        };
        var net = SsgrlSetup.Create(setup, computeMaps: true);
        model = new BlendingNet(
            net,
            variant == BlendingVariant.Ssgrl ? null : new InstanceBlending(learnable: learnAlpha),
            variant switch { BlendingVariant.Dsrb => new PrototypeBlending(topK, learnable: learnBeta), BlendingVariant.Sarb => new SarbBlending(learnable: learnBeta), _ => null });
        var recipe = StageRecipe.From(setup, defaultLr: 1e-3, defaultOptimizer: OptimizerKind.Adam);
        recipe = setup.Options.ContainsKey("schedule") ? recipe : recipe with { Schedule = SchedulerKind.Step };
        var blendParameters = model.NamedParameters().Where(p => !p.Name.StartsWith("net.", StringComparison.Ordinal) && p.Parameter.RequiresGrad).Select(p => p.Parameter).ToArray();
        var netParameters = net.Parameters().Where(p => p.RequiresGrad).ToArray();
        var groups = new List<StageGroup> { new(netParameters) };
        if (blendParameters.Length > 0)
        {
            groups.Add(new StageGroup(blendParameters, WeightDecay: setup.Flag("decay_blend", true) ? null : 0));
        }

        stages = [recipe.Stage("train", setup.Epochs, groups, [])];
    }

    /// <summary>The variant.</summary>
    public BlendingVariant Variant { get; }

    /// <inheritdoc/>
    public override string Name => Setup.Method;

    /// <inheritdoc/>
    public override MethodSetup Setup { get; }

    /// <inheritdoc/>
    public override Module Model => model;

    /// <summary>The network and blending modules.</summary>
    public BlendingNet Network => model;

    /// <inheritdoc/>
    public override IReadOnlyList<TrainingStage> Stages => stages;

    /// <summary>DSRB's current prototypes, or null before the first build.</summary>
    public PrototypeBank? Bank => bank;

    /// <summary>SARB's current prototypes, or null before the first build.</summary>
    public KMeansPrototypes? KMeans => kmeans;

    /// <inheritdoc/>
    public override void OnEpochStart(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Variant == BlendingVariant.Ssgrl || context.Epoch < blendStart || (context.Epoch - blendStart) % prototypeEvery != 0)
        {
            return;
        }

        var net = model.Net;
        var options = context.Options;
        var transform = prototypesFromTraining ? context.Data.TrainTransform : context.Data.TestTransform;
        var loader = new DataLoader(context.Data.Train, transform, DataLoaderOptions.ForEvaluation(options.EvalBatchSize, options.Workers) with { Seed = options.Seed });
        var seed = SeedMix.Of(options.Seed, 99991, context.Epoch);
        net.Eval();
        try
        {
            using var noGrad = Autograd.NoGrad();
            if (Variant == BlendingVariant.Dsrb)
            {
                PrototypeBankBuilder? builder = null;
                foreach (var batch in loader.Epoch(context.Epoch))
                {
                    using (batch)
                    using (DisposeScope.Enter())
                    {
                        using var output = net.Forward(batch.Images.To(options.Device));
                        builder ??= new PrototypeBankBuilder((int)net.NumClasses, output.GridHeight, output.GridWidth, net.Options.FeatureDim, seed: seed);
                        builder.AddBatch(output.Maps!, batch.Targets.To(options.Device));
                    }
                }

                bank?.Dispose();
                bank = builder?.Build().MoveTo(options.Device);
            }
            else
            {
                var builder = new KMeansPrototypesBuilder((int)net.NumClasses, net.Options.FeatureDim, seed: seed);
                foreach (var batch in loader.Epoch(context.Epoch))
                {
                    using (batch)
                    using (DisposeScope.Enter())
                    {
                        using var output = net.Forward(batch.Images.To(options.Device));
                        builder.AddBatch(output.Vectors, batch.Targets.To(options.Device));
                    }
                }

                kmeans?.Dispose();
                kmeans = builder.Build(prototypeCount, seed: seed, options: kmeansOptions).MoveTo(options.Device);
            }
        }
        finally
        {
            net.Train();
        }
    }

    /// <inheritdoc/>
    public override Tensor TrainingLoss(TrainingContext context, Batch batch, Tensor images, Tensor targets, int batchIndex)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var output = model.Net.Forward(images);
        var total = loss.Compute(output.Logits, targets);
        if (Variant == BlendingVariant.Ssgrl)
        {
            return total;
        }

        var rng = context.BatchRandom(batchIndex);
        var batches = Math.Max(1, (context.Data.Train.Count / context.Options.BatchSize));
        var w = ContrastiveLoss.RampedWeight(context.Epoch, batchIndex, batches, contrastiveWeight);
        if (w > 0)
        {
            total = total + (ContrastiveLoss.Compute(output.Vectors, targets, rng) * w);
        }

        if (context.Epoch < blendStart)
        {
            return total;
        }

        using (var instance = model.Instance!.Blend(output.Maps ?? output.Vectors, targets))
        {
            total = total + (loss.Compute(model.Net.Classify(instance.Features), instance.Targets) * instanceWeight);
        }

        if (Variant == BlendingVariant.Dsrb && bank is not null)
        {
            var blended = ((PrototypeBlending)model.Prototype!).Blend(output.Maps!, targets, bank, rng);
            total = total + (loss.Compute(model.Net.Classify(blended.Features), blended.Targets) * prototypeWeight);
        }
        else if (Variant == BlendingVariant.Sarb && kmeans is not null)
        {
            var blended = ((SarbBlending)model.Prototype!).Blend(output.Vectors, targets, kmeans, rng);
            total = total + (loss.Compute(model.Net.Classify(blended.Features), blended.Targets) * prototypeWeight);
        }

        return total;
    }

    /// <inheritdoc/>
    public override Tensor Predict(Tensor images)
    {
        using var output = model.Net.Forward(images);
        return output.Logits.Alias();
    }

    /// <inheritdoc/>
    public override Dictionary<string, Tensor> ExtraState() =>
        bank?.ToStateDict("bank.") ?? kmeans?.ToStateDict("kmeans.") ?? [];

    /// <inheritdoc/>
    public override void LoadExtraState(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Keys.Any(k => k.StartsWith("bank.", StringComparison.Ordinal)))
        {
            bank?.Dispose();
            bank = PrototypeBank.FromStateDict(state, "bank.");
        }

        if (state.Keys.Any(k => k.StartsWith("kmeans.", StringComparison.Ordinal)))
        {
            kmeans?.Dispose();
            kmeans = KMeansPrototypes.FromStateDict(state, "kmeans.");
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            bank?.Dispose();
            kmeans?.Dispose();
        }

        base.Dispose(disposing);
    }
}
