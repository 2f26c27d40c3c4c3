using System.Globalization;
using Srn.Data;
using Srn.Models;
using Srn.Torch;
using Srn.Torch.NN;
using Srn.Training.Losses;

namespace Srn.Training.Methods;

/// <summary>
/// SRN trained in the paper's four stages (docs/methods.md, "SRN"), each with the (masked) loss on its own head:
/// <list type="number">
/// <item><c>cls</c>: f_cnn + f_cls on y_cls (SRN branches untouched);</item>
/// <item><c>att</c>: f_att + confidence on y_att, f_cnn and f_cls frozen (eval mode: batch-norm statistics fixed);</item>
/// <item><c>sr</c>: f_sr on y_sr, everything else frozen;</item>
/// <item><c>all</c>: the whole network on the fused y, at a tenth of the learning rate.</item>
/// </list>
/// Evaluation after each epoch scores the head its stage trains (y_cls, y_att, y_sr, then y), so the log shows each
/// head's mAP; a finished model predicts y.
/// </summary>
/// <remarks>
/// Options (besides <see cref="StageRecipe"/>'s and <c>loss</c>): <c>stage_epochs</c> ("a,b,c,d"; by default the
/// epoch budget E splits as E - 3k, k, k, k with k = max(1, round(E / 10))), <c>branch_lr</c> (Adam's learning rate in
/// stages 2 and 3, 1e-3), <c>alpha</c> (0.5), <c>learn_alpha</c>
/// (false), <c>batch_norm</c> (false: the paper's branches), <c>attention_width</c> and <c>regularizer_width</c> (512, or
/// 128 for resnet-small), <c>loss_norm</c> (<c>batch</c>: every stage's loss summed over the known labels and divided by
/// the batch size, as the Caffe reference's <c>SigmoidCrossEntropyLoss</c> does; <c>mean</c>: averaged over the known
/// labels, C times smaller with full labels; see <see cref="LossNormalization"/>).
/// </remarks>
public sealed class SrnMethod : TrainingMethod
{
    private static readonly string[] Heads = ["y_cls", "y_att", "y_sr", "y"];
    private readonly SpatialRegularizationNet model;
    private readonly IMultiLabelLoss loss;
    private readonly TrainingStage[] stages;

    /// <summary>Builds SRN and its stages.</summary>
    /// <param name="setup">The setup.</param>
    /// <param name="loss">The loss of every stage; the partial BCE when null.</param>
    /// <exception cref="ArgumentException">For a bad option, or fewer than 4 epochs.</exception>
    public SrnMethod(MethodSetup setup, IMultiLabelLoss? loss = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        setup.CheckOptions([.. StageRecipe.OptionNames, "loss", "stage_epochs", "alpha", "learn_alpha", "batch_norm", "attention_width", "regularizer_width", "branch_lr", LossNormalizations.OptionName]);
        Setup = setup;
        this.loss = loss ?? PartialBce.Instance;
        Normalization = LossNormalizations.Read(setup, LossNormalization.Batch);
        var defaults = SrnOptions.For(setup.Backbone);
        var options = new SrnOptions
        {
            Alpha = setup.Option("alpha", defaults.Alpha),
            LearnAlpha = setup.Flag("learn_alpha", false),
            BatchNorm = setup.Flag("batch_norm", false),
            AttentionWidth = (int)setup.Option("attention_width", defaults.AttentionWidth),
            RegularizerWidth = (int)setup.Option("regularizer_width", defaults.RegularizerWidth),
        };
        var epochs = StageEpochs(setup);
        var backbone = Backbones.Create(setup);
        LibTorch.ManualSeed((ulong)SeedMix.Of(setup.Seed, 161803));
        model = new SpatialRegularizationNet(backbone, setup.ImageSize, options);
        var recipe = StageRecipe.From(setup, defaultLr: 0.05);

        // The branches learn from scratch on frozen features. f_sr's input U = A .* sigmoid(S) is tiny (each attention
        // map sums to 1 over H x W cells), which stalls SGD at the backbone's learning rate; Adam's per-parameter step
        // sizes do not care about that scale (docs/methods.md has the measurements).
        var branch = recipe with { Optimizer = new OptimizerSpec(OptimizerKind.Adam, setup.Option("branch_lr", 1e-3), recipe.Optimizer.WeightDecay) };
        var features = model.FeatureParameters().ToArray();
        var classifier = model.ClassifierParameters().ToArray();
        var branches = model.Attention.Parameters().Concat(model.Confidence.Parameters()).ToArray();
        var regularizer = model.Regularizer.Parameters().ToArray();
        stages =
        [
            recipe.Stage("cls", epochs[0], [new StageGroup([.. features, .. classifier])], [model.Attention, model.Confidence, model.Regularizer]),
            branch.Stage("att", epochs[1], [new StageGroup(branches)], [model.Backbone, model.Regularizer]),
            branch.Stage("sr", epochs[2], [new StageGroup(regularizer)], [model.Backbone, model.Attention, model.Confidence]),
            recipe.Stage("all", epochs[3], [new StageGroup([.. model.Parameters()])], [], lrScale: 0.1),
        ];
    }

    /// <inheritdoc/>
    public override string Name => Setup.Method;

    /// <inheritdoc/>
    public override MethodSetup Setup { get; }

    /// <inheritdoc/>
    public override Module Model => model;

    /// <summary>The network.</summary>
    public SpatialRegularizationNet Network => model;

    /// <inheritdoc/>
    public override IReadOnlyList<TrainingStage> Stages => stages;

    /// <summary>How every stage's loss is normalised (option <c>loss_norm</c>; <see cref="LossNormalization.Batch"/> by default, the Caffe reference's).</summary>
    public LossNormalization Normalization { get; }

    /// <inheritdoc/>
    public override string PredictionHead => Heads[CurrentStage];

    /// <summary>The epochs of the four stages for a setup.</summary>
    /// <param name="setup">The setup.</param>
    /// <returns>Four epoch counts.</returns>
    /// <exception cref="ArgumentException">When they cannot be formed.</exception>
    public static int[] StageEpochs(MethodSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        if (setup.Options.TryGetValue("stage_epochs", out var text))
        {
            var parts = text.Split(',', StringSplitOptions.TrimEntries);
            var values = new int[parts.Length];
            if (parts.Length != 4 || parts.Select((p, i) => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out values[i])).Any(ok => !ok))
            {
                throw new ArgumentException($"SRN: stage_epochs must be four non-negative integers like \"6,2,2,2\", got \"{text}\".");
            }

            return values;
        }

        if (setup.Epochs < 4)
        {
            throw new ArgumentException($"SRN trains in 4 stages and needs at least 4 epochs, got {setup.Epochs}.");
        }

        var k = Math.Max(1, (int)Math.Round(setup.Epochs / 10.0, MidpointRounding.AwayFromZero));
        return [setup.Epochs - (3 * k), k, k, k];
    }

    /// <inheritdoc/>
    public override Tensor TrainingLoss(TrainingContext context, Batch batch, Tensor images, Tensor targets, int batchIndex)
    {
        ArgumentNullException.ThrowIfNull(context);
        return StageLoss(context.StageIndex, images, targets);
    }

    /// <summary>The training loss of a stage for one batch (what <see cref="TrainingLoss"/> computes): the stage's head scored by the loss with <see cref="Normalization"/>.</summary>
    /// <param name="stage">0 cls, 1 att, 2 sr, 3 all.</param>
    /// <param name="images">Images <c>[N, 3, H, W]</c> on the model's device.</param>
    /// <param name="targets">Targets <c>[N, C]</c> in 1 / -1 / 0.</param>
    /// <returns>A 0-d loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">For a stage outside 0..3.</exception>
    public Tensor StageLoss(int stage, Tensor images, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfNegative(stage);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stage, 3);
        using var scope = DisposeScope.Enter();
        return loss.Compute(Head(images, stage), targets, Normalization).MoveToOuterScope();
    }

    /// <inheritdoc/>
    public override Tensor Predict(Tensor images) => Head(images, CurrentStage);

    private Tensor Head(Tensor images, int stage)
    {
        var heads = stage switch
        {
            0 => SrnHeads.Classification,
            1 => SrnHeads.Attention,
            2 => SrnHeads.Regularization,
            _ => SrnHeads.All,
        };
        using var output = model.Forward(images, heads);
        var logits = stage switch
        {
            0 => output.Cls,
            1 => output.Att,
            2 => output.Sr,
            _ => output.Fused,
        };
        return logits!.Alias();
    }
}
