using Srn.Data;
using Srn.PartialLabels.Blending;
using Srn.PartialLabels.Transfer;
using Srn.Torch;
using Srn.Torch.NN;
using Srn.Training;
using Srn.Training.Losses;
using Srn.Training.Methods;

namespace Srn.PartialLabels.Methods;

/// <summary>
/// SST and HST as training methods (docs/methods.md, "Partial-label methods"): the shared SSGRL network, a co-occurrence
/// branch over its category vectors (<see cref="CooccurrenceHead"/>), and pseudo labels for unknown classes from
/// intra-image co-occurrence and from other images. One stage; with s the logits, q the pair logits, f the category
/// vectors, y the known labels, r(t) = min(t, 1) over the first epoch (t its fraction done) and 1 after, and E ≥ E₀ =
/// <c>transfer_start</c>, the loss of a batch is
/// <code>
/// SST:  L = ℓ(s, y) + w_I ℓ(s, ŷ_intra) + r w_Q L_cooc(q, y) + w_X ℓ(s, ŷ_cross) + r w_C L_con(f, y)
///       ŷ = PseudoLabels.Hard(score, y, m(E)),  m(E) = max(m_min, m₀ − (E − E₀) δ)
///       score_intra = IntraScores(q, y),  score_cross = CrossScores(f, memory of known positives)
/// HST:  L = ℓ(s, y) + ℓ(s, ŷ_intra) + ℓ(s, ŷ_cross) + w_I BCE(p_intra, y) + r w_Q L_cooc(q, y) + w_X BCE(p_cross, y)
///         + r w_C L_con(f, y) + w_P L_proto(f, y, prototypes)
///       p = PseudoLabels.Soft(score, m) with learnt margins m,  ŷ = PseudoLabels.Complete(y, p)
///       score_cross = CrossScores(f, k-means prototypes of known positives' f)
/// </code>
/// Before E₀ only ℓ(s, y) and the two ramped terms count. ℓ is the <c>loss</c> option (partial BCE by default), BCE the
/// partial BCE, L_cooc <see cref="CooccurrenceLoss"/>, L_con <see cref="ContrastiveLoss"/>, L_proto
/// <see cref="PrototypeContrastiveLoss"/>. SST's memory is updated with every training batch's known positives before its
/// pseudo labels; HST's prototypes are rebuilt at the start of epoch E₀ and every <c>prototype_every</c> epochs after (if
/// <c>recompute_prototypes</c>), in eval mode without grad, and saved in checkpoints.
/// </summary>
/// <remarks>
/// Same as <c>SST.py</c> / <c>HST.py</c> of HCPLab-SYSU/HCP-MLR-PL with the defaults of its <c>scripts/SST.sh</c> and
/// <c>scripts/HST.sh</c>. Options (besides <see cref="StageRecipe"/>'s, whose defaults here are Adam, lr 1e-3, weight decay
/// 1e-4 and a step schedule, and the network's of <see cref="BlendingMethod"/>: <c>feature_dim</c>, <c>intermediate_dim</c>,
/// <c>embedding_dim</c>, <c>embeddings</c>, <c>train_embeddings</c>, <c>freeze_early</c>): <c>loss</c>;
/// <c>transfer_start</c> (E₀, 0-based; round(E / 4), the reference's <c>generateLabelEpoch</c> 5 of 20);
/// <c>intra_margin</c>, <c>inter_margin</c> (SST 0.95, in [0, 1], 1 turns the term off; HST 1, the learnt margins' start);
/// <c>intra_weight</c>, <c>inter_weight</c> (SST 1, HST 0.1); <c>cooccurrence_weight</c> (10); <c>contrastive_weight</c>
/// (0.05). SST only: <c>margin_step</c> δ (0.025 per epoch) and <c>margin_floor</c> m_min (0.75), the reference's
/// hard-coded schedule; <c>bank_size</c> (<c>interExampleNumber</c>, 100). HST only: <c>learn_intra_margin</c>,
/// <c>learn_inter_margin</c> (true); <c>decay_margins</c> (weight decay on the margins, as the reference: true);
/// <c>prototype_contrastive_weight</c> (0.05); <c>prototype_contrast</c> (<c>reference</c>, the published sign, or
/// <c>pull</c>); <c>prototype_count</c> (k-means centres per class, the reference's <c>prototypeNumber</c>, 10);
/// <c>prototype_every</c> (round(E / 4), the reference's 5); <c>recompute_prototypes</c> (true);
/// <c>prototype_transform</c> (<c>eval</c>, our default as for SARB, or <c>train</c>, the reference's).
/// Differences: the reference starts a learnable HST margin at 1 whatever its margin argument says (here the option is
/// the start); it rebuilds HST's prototypes at epochs that are multiples of <c>computePrototypeEpoch</c> (here at E₀ and
/// every <c>prototype_every</c> after, the same for its defaults); its k-means (scikit-learn, 10 restarts) fails for a class
/// with fewer known positives than centres, here such a class gets fewer centres and one without any is skipped.
/// </remarks>
public sealed class SemanticTransferMethod : TrainingMethod
{
    private static readonly string[] SharedOptions =
        ["loss", "transfer_start", "intra_margin", "inter_margin", "intra_weight", "inter_weight", "cooccurrence_weight", "contrastive_weight"];

    private static readonly string[] SstOptions = ["margin_step", "margin_floor", "bank_size"];

    private static readonly string[] HstOptions =
        ["learn_intra_margin", "learn_inter_margin", "decay_margins", "prototype_contrastive_weight", "prototype_contrast", "prototype_count", "prototype_every", "recompute_prototypes", "prototype_transform"];

    private readonly TransferNet model;
    private readonly IMultiLabelLoss loss;
    private readonly CooccurrenceLoss cooccurrenceLoss = new();
    private readonly TrainingStage[] stages;
    private readonly double intraMargin;
    private readonly double interMargin;
    private readonly double marginStep;
    private readonly double marginFloor;
    private readonly double intraWeight;
    private readonly double interWeight;
    private readonly double cooccurrenceWeight;
    private readonly double contrastiveWeight;
    private readonly double prototypeWeight;
    private readonly bool pullToPrototypes;
    private readonly int prototypeCount;
    private readonly int prototypeEvery;
    private readonly bool recomputePrototypes;
    private readonly bool prototypesFromTraining;
    private KMeansPrototypes? prototypes;

    /// <summary>Builds the method.</summary>
    /// <param name="setup">The setup; its training labels give the label graph (all zero when absent, e.g. when rebuilding for evaluation: the checkpoint restores it).</param>
    /// <param name="variant">SST or HST.</param>
    /// <param name="loss">The classification loss ℓ; the partial BCE when null.</param>
    /// <exception cref="ArgumentException">For an unknown option, a bad value, or fewer than 2 classes.</exception>
    public SemanticTransferMethod(MethodSetup setup, TransferVariant variant, IMultiLabelLoss? loss = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var sst = variant == TransferVariant.Sst;
        setup.CheckOptions([.. StageRecipe.OptionNames, .. SsgrlSetup.OptionNames, .. SharedOptions, .. sst ? SstOptions : HstOptions]);
        if (setup.NumClasses < 2)
        {
            throw new ArgumentException($"Method '{setup.Method}' needs at least 2 classes (its co-occurrence branch scores pairs of classes), got {setup.NumClasses}.");
        }

        Setup = setup;
        Variant = variant;
        this.loss = loss ?? PartialBce.Instance;
        var quarter = Math.Max(1, (int)Math.Round(setup.Epochs / 4.0, MidpointRounding.AwayFromZero));
        TransferStart = OptionValues.Count(setup, "transfer_start", quarter, minimum: 0);
        intraMargin = sst ? OptionValues.Number(setup, "intra_margin", 0.95, 0, 1) : OptionValues.Number(setup, "intra_margin", 1);
        interMargin = sst ? OptionValues.Number(setup, "inter_margin", 0.95, 0, 1) : OptionValues.Number(setup, "inter_margin", 1);
        intraWeight = OptionValues.Number(setup, "intra_weight", sst ? 1 : 0.1, 0);
        interWeight = OptionValues.Number(setup, "inter_weight", sst ? 1 : 0.1, 0);
        cooccurrenceWeight = OptionValues.Number(setup, "cooccurrence_weight", 10, 0);
        contrastiveWeight = OptionValues.Number(setup, "contrastive_weight", 0.05, 0);
        marginStep = OptionValues.Number(setup, "margin_step", 0.025, 0);
        marginFloor = OptionValues.Number(setup, "margin_floor", 0.75, 0, 1);
        var bankSize = OptionValues.Count(setup, "bank_size", 100);
        prototypeWeight = OptionValues.Number(setup, "prototype_contrastive_weight", 0.05, 0);
        pullToPrototypes = OptionValues.Choice(setup, "prototype_contrast", PrototypeContrastiveLoss.Reference, PrototypeContrastiveLoss.Pull) == PrototypeContrastiveLoss.Pull;
        prototypeCount = OptionValues.Count(setup, "prototype_count", 10);
        prototypeEvery = OptionValues.Count(setup, "prototype_every", quarter);
        recomputePrototypes = setup.Flag("recompute_prototypes", true);
        prototypesFromTraining = OptionValues.Choice(setup, "prototype_transform", "eval", "train") == "train";
        var learnIntra = setup.Flag("learn_intra_margin", true);
        var learnInter = setup.Flag("learn_inter_margin", true);

        var net = SsgrlSetup.Create(setup, computeMaps: false);
        var d = net.Options.FeatureDim;
        model = new TransferNet(
            net,
            new CooccurrenceHead(setup.NumClasses, d, net.Options.IntermediateDim, net.Options.OutputDim),
            sst ? new PositiveFeatureBank(setup.NumClasses, bankSize, d) : null,
            sst ? null : (intraMargin, learnIntra, interMargin, learnInter));
        var recipe = StageRecipe.From(setup, defaultLr: 1e-3, defaultOptimizer: OptimizerKind.Adam);
        recipe = setup.Options.ContainsKey("schedule") ? recipe : recipe with { Schedule = SchedulerKind.Step };
        var margins = new[] { model.IntraMargin, model.InterMargin }.OfType<Tensor>().Where(p => p.RequiresGrad).ToArray();
        var groups = new List<StageGroup> { new([.. net.Parameters().Where(p => p.RequiresGrad), .. model.Cooccurrence.Parameters()]) };
        if (margins.Length > 0)
        {
            groups.Add(new StageGroup(margins, WeightDecay: setup.Flag("decay_margins", true) ? null : 0));
        }

        stages = [recipe.Stage("train", setup.Epochs, groups, [])];
    }

    /// <summary>The variant.</summary>
    public TransferVariant Variant { get; }

    /// <summary>E₀, the first (0-based) epoch with pseudo labels.</summary>
    public int TransferStart { get; }

    /// <inheritdoc/>
    public override string Name => Setup.Method;

    /// <inheritdoc/>
    public override MethodSetup Setup { get; }

    /// <inheritdoc/>
    public override Module Model => model;

    /// <summary>The network, the co-occurrence branch, SST's memory and HST's margins.</summary>
    public TransferNet Network => model;

    /// <inheritdoc/>
    public override IReadOnlyList<TrainingStage> Stages => stages;

    /// <summary>HST's current prototypes, or null before the first build (and for SST).</summary>
    public KMeansPrototypes? Prototypes => prototypes;

    /// <summary>
    /// SST's margin in an epoch: m₀ until E₀, then lowered after each epoch by δ to no less than m_min, as the reference's
    /// <c>max(0.75, m − 0.025)</c> after every epoch from <c>generateLabelEpoch</c> on (m₀ below m_min is raised to it).
    /// </summary>
    /// <param name="initial">m₀.</param>
    /// <param name="epoch">E, 0-based.</param>
    /// <param name="start">E₀.</param>
    /// <param name="step">δ.</param>
    /// <param name="floor">m_min.</param>
    /// <returns>The margin of epoch E.</returns>
    public static double ScheduledMargin(double initial, int epoch, int start, double step, double floor)
    {
        var margin = initial;
        for (var e = start; e < epoch; e++)
        {
            margin = Math.Max(floor, margin - step); // repeated as the reference does, for the same double rounding
        }

        return margin;
    }

    /// <summary>SST's intra-image and cross-image margins in an epoch (<see cref="ScheduledMargin"/>); HST's current learnt ones.</summary>
    /// <param name="epoch">E, 0-based.</param>
    /// <returns>The two margins.</returns>
    public (double Intra, double Inter) Margins(int epoch) => Variant == TransferVariant.Sst
        ? (ScheduledMargin(intraMargin, epoch, TransferStart, marginStep, marginFloor), ScheduledMargin(interMargin, epoch, TransferStart, marginStep, marginFloor))
        : (model.IntraMargin!.ToDoubleArray()[0], model.InterMargin!.ToDoubleArray()[0]);

    /// <inheritdoc/>
    public override void OnEpochStart(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var epoch = context.Epoch;
        if (Variant != TransferVariant.Hst || epoch < TransferStart || (epoch - TransferStart) % prototypeEvery != 0 || (epoch != TransferStart && !recomputePrototypes))
        {
            return;
        }

        var net = model.Net;
        var options = context.Options;
        var transform = prototypesFromTraining ? context.Data.TrainTransform : context.Data.TestTransform;
        var loader = new DataLoader(context.Data.Train, transform, DataLoaderOptions.ForEvaluation(options.EvalBatchSize, options.Workers) with { Seed = options.Seed });
        var seed = SeedMix.Of(options.Seed, 99989, epoch);
        var builder = new KMeansPrototypesBuilder((int)net.NumClasses, net.Options.FeatureDim, seed: seed);
        net.Eval();
        try
        {
            using var noGrad = Autograd.NoGrad();
            foreach (var batch in loader.Epoch(epoch))
            {
                using (batch)
                using (DisposeScope.Enter())
                {
                    using var output = net.Forward(batch.Images.To(options.Device));
                    builder.AddBatch(output.Vectors, batch.Targets.To(options.Device));
                }
            }
        }
        finally
        {
            net.Train();
        }

        prototypes?.Dispose();
        prototypes = builder.Build(prototypeCount, seed: seed).MoveTo(options.Device);
    }

    /// <inheritdoc/>
    public override Tensor TrainingLoss(TrainingContext context, Batch batch, Tensor images, Tensor targets, int batchIndex)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var output = model.Net.Forward(images);
        var cooccurrence = model.Cooccurrence.Forward(output.Vectors);
        model.Bank?.Update(output.Vectors, targets);
        var batches = Math.Max(1, context.Data.Train.Count / context.Options.BatchSize);
        var ramp = context.Epoch >= 1 ? 1.0 : (double)batchIndex / batches;
        using var terms = Losses(output.Logits, cooccurrence, output.Vectors, targets, context.Epoch, ramp, context.BatchRandom(batchIndex));
        return terms.Total.Alias();
    }

    /// <summary>
    /// The terms of a batch's loss (see the class summary) from the network's outputs. SST reads its memory as it is: the
    /// trainer's step updates it with the batch first (<see cref="PositiveFeatureBank.Update"/>).
    /// </summary>
    /// <param name="logits">s <c>[B, C]</c>.</param>
    /// <param name="cooccurrence">q <c>[B, P]</c>.</param>
    /// <param name="vectors">f <c>[B, C, D]</c>.</param>
    /// <param name="targets">y <c>[B, C]</c> in {1, −1, 0}.</param>
    /// <param name="epoch">E, 0-based.</param>
    /// <param name="ramp">r: the share of the co-occurrence and contrastive weights in effect (the reference's batchIndex / batches in epoch 0, 1 after).</param>
    /// <param name="rng">The source of the contrastive term's random subsets.</param>
    /// <returns>The weighted terms and their sum.</returns>
    /// <exception cref="ArgumentException">When the shapes do not fit each other or the network.</exception>
    public TransferLosses Losses(Tensor logits, Tensor cooccurrence, Tensor vectors, Tensor targets, int epoch, double ramp, Random rng)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(cooccurrence);
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(rng);
        using var scope = DisposeScope.Enter();
        var classification = loss.Compute(logits, targets);
        Tensor? intra = null, inter = null, prototype = null, cooccurrenceTerm = null, contrastive = null;
        if (epoch >= TransferStart && Variant == TransferVariant.Sst)
        {
            var (mIntra, mInter) = Margins(epoch);
            if (intraWeight > 0 && mIntra < 1)
            {
                intra = loss.Compute(logits, PseudoLabels.Hard(SemanticTransfer.IntraScores(cooccurrence, targets), targets, mIntra)) * intraWeight;
            }

            if (interWeight > 0 && mInter < 1)
            {
                inter = loss.Compute(logits, PseudoLabels.Hard(SemanticTransfer.CrossScores(vectors, model.Bank!.Features), targets, mInter)) * interWeight;
            }
        }
        else if (epoch >= TransferStart)
        {
            var intraSoft = PseudoLabels.Soft(SemanticTransfer.IntraScores(cooccurrence, targets), model.IntraMargin!);
            classification = classification + loss.Compute(logits, PseudoLabels.Complete(targets, intraSoft));
            intra = intraWeight > 0 ? PartialBce.Instance.Compute(intraSoft, targets) * intraWeight : null;
            if (prototypes is { } bank)
            {
                var counts = Enumerable.Range(0, bank.NumClasses).Select(bank.ClusterCount).ToArray();
                var interSoft = PseudoLabels.Soft(SemanticTransfer.CrossScores(vectors, bank.Prototypes, counts), model.InterMargin!);
                classification = classification + loss.Compute(logits, PseudoLabels.Complete(targets, interSoft));
                inter = interWeight > 0 ? PartialBce.Instance.Compute(interSoft, targets) * interWeight : null;
                prototype = prototypeWeight > 0 ? PrototypeContrastiveLoss.Compute(vectors, targets, bank, pullToPrototypes) * prototypeWeight : null;
            }
        }

        if (cooccurrenceWeight * ramp > 0)
        {
            cooccurrenceTerm = cooccurrenceLoss.Compute(cooccurrence, targets) * (cooccurrenceWeight * ramp);
        }

        if (contrastiveWeight * ramp > 0)
        {
            contrastive = ContrastiveLoss.Compute(vectors, targets, rng) * (contrastiveWeight * ramp);
        }

        // The reference's order of the sum: loss1 + intra + co-occurrence + inter + contrastive (+ prototype).
        var total = classification.Alias();
        foreach (var term in new[] { intra, cooccurrenceTerm, inter, contrastive, prototype })
        {
            total = term is null ? total : total + term;
        }

        return new TransferLosses(
            total.MoveToOuterScope(),
            classification.MoveToOuterScope(),
            intra?.MoveToOuterScope(),
            inter?.MoveToOuterScope(),
            cooccurrenceTerm?.MoveToOuterScope(),
            contrastive?.MoveToOuterScope(),
            prototype?.MoveToOuterScope());
    }

    /// <inheritdoc/>
    public override Tensor Predict(Tensor images)
    {
        using var output = model.Net.Forward(images);
        return output.Logits.Alias();
    }

    /// <inheritdoc/>
    public override Dictionary<string, Tensor> ExtraState() => prototypes?.ToStateDict("kmeans.") ?? [];

    /// <inheritdoc/>
    public override void LoadExtraState(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Keys.Any(k => k.StartsWith("kmeans.", StringComparison.Ordinal)))
        {
            prototypes?.Dispose();
            prototypes = KMeansPrototypes.FromStateDict(state, "kmeans.");
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            prototypes?.Dispose();
        }

        base.Dispose(disposing);
    }
}
