using System.Globalization;
using Srn.Data;
using Srn.Distillation;
using Srn.Torch;
using Srn.Torch.NN;
using Srn.Training.Losses;

namespace Srn.Training.Methods;

/// <summary>
/// KD-WSD (Liu et al. 2018; docs/kd-wsd.md): a WSDDN teacher trained from image-level labels, then a
/// plain ResNet student distilled from it in three stages:
/// <list type="number">
/// <item><c>teacher</c>: WSDDN's masked cross-entropy on phi (<see cref="WsddnLoss"/>); the student idle and frozen;</item>
/// <item><c>feature</c>: the student's fc7' RoI features matched to the teacher's fc7,
/// <c>sum ||f_s - f_t||^2 / (2 N R)</c>; the teacher frozen (eval mode, no gradient, in no group);</item>
/// <item><c>predict</c>: <c>L(z, y) + BCE(s * z, p_T)</c> with <c>p_T = sum_r softmax_k(2 x_c) softmax_r(2 x_d)</c>, z the
/// student's logits, s a learnable per-class scale (0.2 at first) trained without weight decay; the teacher frozen.</item>
/// </list>
/// Only the student predicts, in every stage (the teacher needs proposals; <see cref="TeacherScores"/> scores it).
/// </summary>
/// <remarks>
/// Options (besides <see cref="StageRecipe"/>'s and <c>loss</c>, the ground-truth term's loss): <c>stage_epochs</c>
/// ("a,b,c"; by default the feature stage gets k = max(1, round(E / 10)) epochs, the teacher round((E - k) / 2) and the
/// prediction stage the rest); <c>proposals</c> (R per image, 100); <c>hidden</c> (fc6/fc7 width, 256 for resnet-small,
/// 1024 otherwise); <c>roi</c> (pool | align); <c>teacher_temperature</c> (0.5); <c>scale_init</c> (0.2);
/// <c>kd_loss</c> (wsd: the paper's BCE(s z, p_T); logit: standard logit distillation
/// <c>T^2 BCE(z / T, sigmoid(logit(phi) / T))</c> with T = <c>kd_temperature</c>, 4); <c>distill</c> (true; false trains
/// the same student alone, all epochs in the prediction stage: the <c>kd-wsd-student</c> method); <c>teacher</c> (a
/// <see cref="TeacherFile"/> to start from: its weights are loaded and, unless <c>stage_epochs</c> says otherwise, the
/// teacher stage gets no epoch, so runs that share training labels can share one teacher); <c>proposal_source</c>
/// (<c>dense</c>: the same dense windows for every image; <c>objectness</c>: per image, the R sliding windows of highest
/// edge-density objectness, <see cref="SlidingWindowProposals"/>). <see cref="MethodSetup.ProposalsFile"/> replaces both with
/// the file's proposals (<see cref="FileProposals"/>; <c>srn train --proposals FILE</c>). Any registry backbone works
/// (<see cref="Backbones.CreateAny"/>; VGG16 is the paper's).
/// <para>
/// The reference's recipe (Yochengliu/MLIC-KD-WSD, Caffe), each an option whose default is the reference's:
/// <c>wsddn_loss</c> (<c>reference</c>: the Caffe <c>CrossEntropyLoss</c> layer, <see cref="WsddnLoss.Compute"/>;
/// <c>clamped-mean</c>: <see cref="WsddnLoss.ClampedMean"/>); <c>loss_norm</c> (<c>batch</c>: the prediction stage's
/// terms summed over their entries and divided by the batch size, as <c>SigmoidCrossEntropyLoss</c> does, the
/// ground-truth term over the known entries only; <c>mean</c>: averaged; <see cref="LossNormalization"/>);
/// <c>lr_mult</c> (<c>reference</c>: the prototxts' per-layer multipliers, <see cref="CaffeGroups"/>; <c>none</c>: one
/// learning rate and weight decay for every parameter but s).
/// </para>
/// </remarks>
public sealed class KdWsdMethod : TrainingMethod
{
    private static readonly string[] OptionNames =
        [.. StageRecipe.OptionNames, "loss", "stage_epochs", "proposals", "hidden", "roi", "teacher_temperature", "scale_init", "kd_loss", "kd_temperature", "distill", "teacher", "proposal_source", "wsddn_loss", LossNormalizations.OptionName, "lr_mult"];

    private readonly KdWsdModel model;
    private readonly IMultiLabelLoss loss;
    private readonly ProposalSource proposals;
    private readonly Lazy<ImageBoxes>? proposalsFromFile;
    private readonly SlidingWindowProposals? objectness;
    private readonly TrainingStage[] stages;
    private readonly double teacherTemperature;
    private readonly bool logitKd;
    private readonly double kdTemperature;
    private readonly bool clampedMeanWsddn;
    private (IMultiLabelDataset Dataset, Vision.ITransform Transform, Evaluation Result)? teacherCache;
    private IMultiLabelDataset? uncovered;

    /// <summary>Builds the teacher, the student and the three stages.</summary>
    /// <param name="setup">The setup.</param>
    /// <param name="loss">The ground-truth loss of the student; the partial BCE when null.</param>
    /// <param name="proposals">The proposals of each batch; dense multi-scale windows (option <c>proposals</c> per image) when null.</param>
    /// <param name="distillByDefault">The default of the <c>distill</c> option (false for <c>kd-wsd-student</c>).</param>
    /// <exception cref="ArgumentException">For a bad option, or too few epochs for three stages.</exception>
    public KdWsdMethod(MethodSetup setup, IMultiLabelLoss? loss = null, ProposalSource? proposals = null, bool distillByDefault = true)
    {
        ArgumentNullException.ThrowIfNull(setup);
        setup.CheckOptions(OptionNames);
        Setup = setup;
        this.loss = loss ?? PartialBce.Instance;
        Distill = setup.Flag("distill", distillByDefault);
        var count = (int)setup.Option("proposals", 100);
        if (count < 1)
        {
            throw new ArgumentException($"Method '{setup.Method}': proposals must be at least 1, got {count}.");
        }

        this.proposals = proposals ?? DenseWindows.Source(count);
        var source = setup.Options.TryGetValue("proposal_source", out var src) ? src : "dense";
        objectness = source switch
        {
            "dense" => null,
            "objectness" when proposals is null => new SlidingWindowProposals(new SlidingWindowProposalsOptions { MaxBoxes = count }),
            "objectness" => throw new ArgumentException($"Method '{setup.Method}': proposal_source=objectness conflicts with the proposal source given in code."),
            _ => throw new ArgumentException($"Method '{setup.Method}': proposal_source '{source}' is not one of dense, objectness."),
        };
        if (setup.ProposalsFile is { } file)
        {
            // The file's proposals ride with their images through the training transform (TrainingBoxes). It is read when
            // first needed, so evaluating the student of a checkpoint does not need the file.
            proposalsFromFile = proposals is null && src is null ? new Lazy<ImageBoxes>(() => ProposalsFile.Read(file))
                : throw new ArgumentException($"Method '{setup.Method}': the proposals file {file} conflicts with {(proposals is null ? "option proposal_source" : "the proposal source given in code")}.");
            this.proposals = FileProposals.Source(count);
            setup.Log?.Invoke($"proposals {file}: the first {count} of each image's boxes that remain after the training transform");
        }
        teacherTemperature = setup.Option("teacher_temperature", 0.5);
        kdTemperature = setup.Option("kd_temperature", 4);
        logitKd = (setup.Options.TryGetValue("kd_loss", out var kd) ? kd.ToUpperInvariant() : "WSD") switch
        {
            "WSD" => false,
            "LOGIT" => true,
            _ => throw new ArgumentException($"Method '{setup.Method}': kd_loss '{kd}' is not one of wsd, logit."),
        };
        clampedMeanWsddn = (setup.Options.TryGetValue("wsddn_loss", out var wl) ? wl.Trim().ToUpperInvariant() : "REFERENCE") switch
        {
            "REFERENCE" => false,
            "CLAMPED-MEAN" => true,
            _ => throw new ArgumentException($"Method '{setup.Method}': wsddn_loss '{wl}' is not one of reference, clamped-mean."),
        };
        Normalization = LossNormalizations.Read(setup, LossNormalization.Batch);
        LrMultipliers = (setup.Options.TryGetValue("lr_mult", out var lm) ? lm.Trim().ToUpperInvariant() : "REFERENCE") switch
        {
            "REFERENCE" => true,
            "NONE" => false,
            _ => throw new ArgumentException($"Method '{setup.Method}': lr_mult '{lm}' is not one of reference, none."),
        };
        if (!(teacherTemperature > 0) || !(kdTemperature > 0))
        {
            throw new ArgumentException($"Method '{setup.Method}': temperatures must be positive.");
        }

        var defaults = WsddnOptions.For(setup.Backbone);
        var head = defaults with
        {
            Hidden = (int)setup.Option("hidden", defaults.Hidden),
            UseRoIAlign = (setup.Options.TryGetValue("roi", out var roi) ? roi.ToUpperInvariant() : "POOL") switch
            {
                "POOL" => false,
                "ALIGN" => true,
                _ => throw new ArgumentException($"Method '{setup.Method}': roi '{roi}' is not one of pool, align."),
            },
        };
        var epochs = StageEpochs(setup, Distill);

        // Teacher and student get different initial weights (the same pretrained ones when given).
        var teacherBackbone = Backbones.CreateAny(setup);
        var studentBackbone = Backbones.CreateAny(setup with { Seed = SeedMix.Of(setup.Seed, 5) });
        LibTorch.ManualSeed((ulong)SeedMix.Of(setup.Seed, 662607));
        var teacher = new WsddnTeacher(teacherBackbone, setup.NumClasses, head);
        var student = new KdStudent(studentBackbone, setup.NumClasses, head.Hidden, head.PoolSize, head.UseRoIAlign);
        model = new KdWsdModel(teacher, student, setup.Option("scale_init", 0.2));
        TeacherIdentity = new TeacherIdentity(setup.Backbone, setup.ImageSize, [.. setup.ClassNames], head.Hidden, head.UseRoIAlign);
        if (setup.Options.TryGetValue("teacher", out var teacherPath))
        {
            TeacherFile.Load(teacherPath, teacher, TeacherIdentity);
        }

        // The reference publishes no solver (learning rate, schedule). On FashionScenes (10 classes) the summed losses of
        // loss_norm=batch take steps about C times those of the mean, so the default learning rate is the mean's 0.05 / 10:
        // with lr_mult=none the step per image is then the one the mean had (docs/kd-wsd.md, "The reference's recipe").
        var recipe = StageRecipe.From(setup, defaultLr: Normalization == LossNormalization.Batch ? 0.005 : 0.05);
        var teacherHead = "backbone." + teacher.Backbone.HeadPrefix;
        var studentHead = "backbone." + student.Backbone.HeadPrefix;
        var wd = recipe.Optimizer.WeightDecay;
        var scaleGroup = new StageGroup([model.Scale], LrScale: LrMultipliers ? 10 : 1, WeightDecay: 0);
        StageGroup[] teacherGroups = LrMultipliers
            ? CaffeGroups(teacher, name => !name.StartsWith(teacherHead, StringComparison.Ordinal), ["x_c", "x_d"], wd)
            : [new StageGroup([.. teacher.NamedParameters().Where(p => !p.Name.StartsWith(teacherHead, StringComparison.Ordinal)).Select(p => p.Parameter)])];
        StageGroup[] featureGroups = LrMultipliers
            ? CaffeGroups(student, name => !name.StartsWith(studentHead, StringComparison.Ordinal) && !name.StartsWith("classifier.", StringComparison.Ordinal), [], wd)
            : [new StageGroup([.. student.FeatureParameters()])];
        StageGroup[] predictGroups = LrMultipliers
            ? CaffeGroups(student, name => !name.StartsWith(studentHead, StringComparison.Ordinal), ["classifier"], wd)
            : [new StageGroup([.. student.UsedParameters()])];
        stages =
        [
            recipe.Stage("teacher", epochs[0], teacherGroups, [student]),
            recipe.Stage("feature", epochs[1], featureGroups, [teacher]),
            recipe.Stage("predict", epochs[2], Distill && !logitKd ? [.. predictGroups, scaleGroup] : predictGroups, [teacher]),
        ];
    }

    /// <inheritdoc/>
    public override string Name => Setup.Method;

    /// <inheritdoc/>
    public override MethodSetup Setup { get; }

    /// <inheritdoc/>
    public override Module Model => model;

    /// <summary>Teacher, student and the distillation scale.</summary>
    public KdWsdModel Network => model;

    /// <summary>What the teacher is, as a <see cref="TeacherFile"/> records it.</summary>
    public TeacherIdentity TeacherIdentity { get; }

    /// <summary>Writes the teacher's current weights to a <see cref="TeacherFile"/> (atomically), for the <c>teacher</c> option of later runs.</summary>
    /// <param name="path">The file.</param>
    public void SaveTeacher(string path) => TeacherFile.Save(path, model.Teacher, TeacherIdentity);

    /// <summary>Whether the student learns from the teacher (false: the student alone, the comparison baseline).</summary>
    public bool Distill { get; }

    /// <summary>How the prediction stage's terms are normalised (option <c>loss_norm</c>; <see cref="LossNormalization.Batch"/> by default, the reference's).</summary>
    public LossNormalization Normalization { get; }

    /// <summary>Whether the stages use the reference's per-layer learning-rate and weight-decay multipliers (option <c>lr_mult</c>, <see cref="CaffeGroups"/>).</summary>
    public bool LrMultipliers { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<TrainingStage> Stages => stages;

    /// <inheritdoc/>
    public override string PredictionHead => "student";

    /// <summary>The proposals file's boxes when the teacher is trained and distilled from them; null otherwise.</summary>
    public override ImageBoxes? TrainingBoxes => Distill ? proposalsFromFile?.Value : null;

    /// <summary>The epochs of the three stages (teacher, feature, predict) for a setup.</summary>
    /// <param name="setup">The setup.</param>
    /// <param name="distill">Whether the teacher is trained and distilled (otherwise everything goes to the last stage).</param>
    /// <returns>Three epoch counts.</returns>
    /// <exception cref="ArgumentException">When they cannot be formed.</exception>
    public static int[] StageEpochs(MethodSetup setup, bool distill)
    {
        ArgumentNullException.ThrowIfNull(setup);
        if (setup.Options.TryGetValue("stage_epochs", out var text))
        {
            var parts = text.Split(',', StringSplitOptions.TrimEntries);
            var values = new int[parts.Length];
            if (parts.Length != 3 || parts.Select((p, i) => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out values[i])).Any(ok => !ok))
            {
                throw new ArgumentException($"KD-WSD: stage_epochs must be three non-negative integers like \"4,1,5\", got \"{text}\".");
            }

            return values;
        }

        if (!distill)
        {
            return [0, 0, setup.Epochs];
        }

        var k = Math.Max(1, (int)Math.Round(setup.Epochs / 10.0, MidpointRounding.AwayFromZero));
        if (setup.Options.ContainsKey("teacher"))
        {
            // A trained teacher is given: only the two distillation stages remain.
            return setup.Epochs >= 2
                ? [0, k, setup.Epochs - k]
                : throw new ArgumentException($"KD-WSD with a given teacher trains in 2 stages and needs at least 2 epochs, got {setup.Epochs}.");
        }

        if (setup.Epochs < 3)
        {
            throw new ArgumentException($"KD-WSD trains in 3 stages and needs at least 3 epochs, got {setup.Epochs}.");
        }

        var teacher = Math.Max(1, (int)Math.Round((setup.Epochs - k) / 2.0, MidpointRounding.AwayFromZero));
        return [teacher, k, setup.Epochs - k - teacher];
    }

    /// <summary>
    /// Parameter groups with the reference's per-layer multipliers (Caffe's <c>lr_mult</c> / <c>decay_mult</c>):
    /// <list type="table">
    /// <item><term>weights of the layers new to the net (<paramref name="newLayers"/>)</term><description>lr x10, weight decay x10</description></item>
    /// <item><term>biases of the new layers</term><description>lr x20, weight decay 0</description></item>
    /// <item><term>biases of the other convolutions and fully connected layers (a VGG's convolutions, fc6, fc7)</term><description>lr x2, weight decay 0</description></item>
    /// <item><term>everything else: their weights, batch-norm parameters</term><description>lr x1, the stage's weight decay</description></item>
    /// </list>
    /// </summary>
    /// <param name="module">The module whose parameters are grouped (a teacher or a student).</param>
    /// <param name="trains">Which parameters (by dotted name in <paramref name="module"/>, e.g. <c>fc6.bias</c>) the stage trains.</param>
    /// <param name="newLayers">Names of the new layers (a child of <paramref name="module"/>, e.g. <c>x_c</c>) at lr x10 / x20.</param>
    /// <param name="weightDecay">The stage's weight decay (x10 for the new weights).</param>
    /// <returns>The groups, in that order (empty ones left out), each trained parameter in exactly one, in the module's order.</returns>
    /// <remarks>
    /// From Yochengliu/MLIC-KD-WSD: <c>wsddn/wsddn_train.prototxt</c> (teacher: conv1_1 ... fc7 at lr_mult 1 / decay_mult
    /// 1, biases 2 / 0; fc8_c and fc8_d, our <c>x_c</c> and <c>x_d</c>, at 10 / 10, biases 20 / 0),
    /// <c>kd/train_stage1.prototxt</c> (feature stage: the student's conv1_1 ... fc7 at 1 / 1, biases 2 / 0) and
    /// <c>kd/train_stage2.prototxt</c> (prediction stage: the same, and fc8_mscoco, our <c>classifier</c>, at 10 / 10,
    /// biases 20 / 0; the scale fc8_mscoco_soft, our s, at 10 / 0, a group of its own in the stage). The reference's
    /// backbones are VGG16s, whose convolutions have biases (2 / 0), as with <c>--backbone vgg16</c> here; a ResNet's
    /// convolutions have none, and its batch-norm parameters, which VGG16 lacks, stay at 1 with the stage's weight decay,
    /// as in the <c>lr_mult=none</c> recipe.
    /// </remarks>
    public static StageGroup[] CaffeGroups(Module module, Func<string, bool> trains, IReadOnlyCollection<string> newLayers, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(trains);
        ArgumentNullException.ThrowIfNull(newLayers);

        // The biases of the layers a prototxt has (Convolution, InnerProduct), told apart from batch norm's by their owner.
        var layerBiases = module.Modules().Where(m => m is Conv2d or Linear)
            .SelectMany(m => m.NamedParameters(recurse: false).Where(p => p.Name == "bias").Select(p => (object)p.Parameter))
            .ToHashSet(ReferenceEqualityComparer.Instance);
        var (baseline, biases, newWeights, newBiases) = (new List<Tensor>(), new List<Tensor>(), new List<Tensor>(), new List<Tensor>());
        foreach (var (name, parameter) in module.NamedParameters().Where(p => trains(p.Name)))
        {
            var layer = name[..Math.Max(name.IndexOf('.', StringComparison.Ordinal), 0)];
            var bias = layerBiases.Contains(parameter);
            var list = newLayers.Contains(layer) ? (bias ? newBiases : newWeights)
                : bias ? biases
                : baseline;
            list.Add(parameter);
        }

        return
        [
            .. new[]
            {
                new StageGroup(baseline),
                new StageGroup(biases, LrScale: 2, WeightDecay: 0),
                new StageGroup(newWeights, LrScale: 10, WeightDecay: 10 * weightDecay),
                new StageGroup(newBiases, LrScale: 20, WeightDecay: 0),
            }.Where(g => g.Parameters.Count > 0),
        ];
    }

    /// <inheritdoc/>
    public override void EnterStage(int stage)
    {
        base.EnterStage(stage);
        teacherCache = null;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The teacher's image scores phi (<see cref="TeacherScores"/>, its own proposals) as logits <c>log(phi / (1 - phi))</c>
    /// (phi clamped to [1e-12, 1 - 1e-12] in float64), so the thresholded metrics cut at phi = 0.5. After the teacher
    /// stage the teacher no longer changes, so its evaluation of a dataset is kept until the next stage begins. With a
    /// proposals file the teacher scores each image's proposals from it; null when the file does not list every image of
    /// the dataset, and for the student alone (<c>distill=false</c>).
    /// </remarks>
    public override Evaluation? EvaluateTeacher(IMultiLabelDataset dataset, Vision.ITransform transform, TrainerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!Distill || ReferenceEquals(dataset, uncovered))
        {
            return null;
        }

        if (teacherCache is { } cached && CurrentStage > 0 && ReferenceEquals(cached.Dataset, dataset) && ReferenceEquals(cached.Transform, transform))
        {
            return cached.Result;
        }

        // Proposals from a file ride with their images, so every image needs its row in the file.
        var scored = proposalsFromFile is null ? dataset : DatasetViews.WithBoxes(dataset, proposalsFromFile.Value);
        Evaluation evaluation;
        try
        {
            evaluation = Evaluation.RunWith(this, scored, transform, options, (batch, images) =>
            {
                using var scope = DisposeScope.Enter();
                var phi = TeacherScores(images, batch).To(ScalarType.Float64).Clamp(1e-12, 1 - 1e-12);
                return (phi / (1.0 - phi)).Log().MoveToOuterScope();
            }, includeBoxes: proposalsFromFile is not null, cancellationToken: cancellationToken);
        }
        catch (InvalidDataException) when (proposalsFromFile is not null)
        {
            // The student's evaluation has just decoded these images, so what fails here is an image the proposals file
            // does not list (a file for the training images only): the teacher is not scored on this data.
            uncovered = dataset;
            return null;
        }

        teacherCache = (dataset, transform, evaluation);
        return evaluation;
    }

    /// <inheritdoc/>
    public override Tensor TrainingLoss(TrainingContext context, Batch batch, Tensor images, Tensor targets, int batchIndex)
    {
        ArgumentNullException.ThrowIfNull(context);
        return StageLoss(context.StageIndex, batch, images, targets);
    }

    /// <summary>The training loss of a stage for one batch (what <see cref="TrainingLoss"/> computes).</summary>
    /// <param name="stage">0 teacher, 1 feature, 2 predict.</param>
    /// <param name="batch">The batch, handed to the proposal source (may be null for the built-in windows).</param>
    /// <param name="images">Images <c>[N, 3, H, W]</c> on the model's device.</param>
    /// <param name="targets">Targets <c>[N, K]</c> in 1 / -1 / 0.</param>
    /// <returns>A 0-d loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">For a stage outside 0..2.</exception>
    public Tensor StageLoss(int stage, Batch? batch, Tensor images, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(targets);
        using var scope = DisposeScope.Enter();
        var result = stage switch
        {
            0 => TeacherLoss(batch, images, targets),
            1 => FeatureLoss(batch, images),
            2 => PredictionLoss(batch, images, targets),
            _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "KD-WSD has stages 0 (teacher), 1 (feature) and 2 (predict)."),
        };
        return result.MoveToOuterScope();
    }

    /// <inheritdoc/>
    public override Tensor Predict(Tensor images) => model.Student.Forward(images);

    /// <summary>The teacher's image scores phi <c>[N, K]</c> in (0, 1) for images (its own proposals), without gradients.</summary>
    /// <param name="images">Images <c>[N, 3, H, W]</c> on the model's device.</param>
    /// <param name="batch">The batch, for a proposal source that reads per-image proposals.</param>
    /// <returns>phi.</returns>
    public Tensor TeacherScores(Tensor images, Batch? batch = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var noGrad = Autograd.NoGrad();
        using var scope = DisposeScope.Enter();
        using var output = model.Teacher.Forward(images, Proposals(batch, images));
        return WsddnTeacher.ImageScores(output.Xc, output.Xd).MoveToOuterScope();
    }

    /// <summary>
    /// The teacher's CorLoc on a dataset with boxes (FashionScenes): each image's top proposal per present class, scored
    /// by <see cref="WsddnTeacher.Detections"/>, against the image's true boxes after the transform; see <see cref="CorLoc"/>.
    /// </summary>
    /// <param name="dataset">Images with boxes (their <see cref="Vision.Box.Class"/> set).</param>
    /// <param name="transform">The evaluation transform (it must keep boxes in step with the image, as resizing does).</param>
    /// <param name="options">Device, evaluation batch size and workers.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>CorLoc in [0, 1]; NaN when no image has a box.</returns>
    public double TeacherCorLoc(IMultiLabelDataset dataset, Vision.ITransform transform, TrainerOptions options, CancellationToken cancellationToken = default) =>
        TeacherLocalization(dataset, transform, options, cancellationToken).CorLoc;

    /// <summary>
    /// The teacher's CorLoc (see <see cref="TeacherCorLoc"/>) and, from the same proposals, the best CorLoc they allow
    /// (<see cref="CorLoc.UpperBound"/>).
    /// </summary>
    /// <param name="dataset">Images with boxes (their <see cref="Vision.Box.Class"/> set).</param>
    /// <param name="transform">The evaluation transform (it must keep boxes in step with the image, as resizing does).</param>
    /// <param name="options">Device, evaluation batch size and workers.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>Both shares in [0, 1]; NaN when no image has a box.</returns>
    public (double CorLoc, double UpperBound) TeacherLocalization(IMultiLabelDataset dataset, Vision.ITransform transform, TrainerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(options);
        var withProposals = proposalsFromFile is null ? dataset : DatasetViews.WithBoxes(dataset, proposalsFromFile.Value);
        var loader = new DataLoader(withProposals, transform, DataLoaderOptions.ForEvaluation(options.EvalBatchSize, options.Workers) with { IncludeBoxes = true });
        var detections = new List<IReadOnlyList<RegionDetection>>();
        var proposed = new List<IReadOnlyList<Vision.Box>>();
        var truth = new List<IReadOnlyList<Vision.Box>>();
        var wasTraining = model.Training;
        model.Eval();
        try
        {
            foreach (var batch in loader.Epoch(0, cancellationToken))
            {
                using (batch)
                using (DisposeScope.Enter())
                {
                    var images = batch.Images.To(options.Device);
                    var boxes = Proposals(batch, images);
                    detections.AddRange(model.Teacher.Detections(images, boxes));
                    var r = (int)boxes.Size(1);
                    var flat = boxes.To(Device.Cpu, ScalarType.Float32).Contiguous().ToArray<float>();
                    for (var n = 0; n < images.Size(0); n++)
                    {
                        proposed.Add([.. Enumerable.Range(0, r).Select(j => new Vision.Box(flat[4 * ((n * r) + j)], flat[(4 * ((n * r) + j)) + 1], flat[(4 * ((n * r) + j)) + 2], flat[(4 * ((n * r) + j)) + 3]))]);
                    }

                    var given = batch.Boxes ?? throw new InvalidOperationException("The loader returned no boxes.");
                    truth.AddRange(proposalsFromFile is null ? given : given.Select(b => (IReadOnlyList<Vision.Box>)[.. b.Where(x => x.Class >= 0)]));
                }
            }
        }
        finally
        {
            model.Train(wasTraining);
        }

        return (CorLoc.Compute(detections, truth), CorLoc.UpperBound(proposed, truth));
    }

    // Per image, its R windows of highest edge-density objectness (best first); an image with fewer windows than R
    // repeats its last one, so every image has R rows (a repeated box changes neither the max pooling nor CorLoc).
    private Tensor ObjectnessProposals(Tensor images)
    {
        using var scope = DisposeScope.Enter();
        var n = (int)images.Size(0);
        var r = objectness!.Options.MaxBoxes;
        var rows = new float[n * r * 4];
        var cpu = images.To(Device.Cpu);
        for (var i = 0; i < n; i++)
        {
            var (boxes, _) = objectness.Generate(cpu.Narrow(0, i, 1).Squeeze(0));
            for (var j = 0; j < r; j++)
            {
                var b = boxes[Math.Min(j, boxes.Count - 1)];
                var at = 4 * ((i * r) + j);
                (rows[at], rows[at + 1], rows[at + 2], rows[at + 3]) = (b.X1, b.Y1, b.X2, b.Y2);
            }
        }

        return Tensor.FromArray(rows, [n, r, 4]).To(images.Device).MoveToOuterScope();
    }

    /// <summary>The proposals of a batch on the images' device, <c>[N, R, 4]</c>.</summary>
    /// <param name="batch">The batch (may be null for the built-in windows).</param>
    /// <param name="images">Its images.</param>
    /// <returns>The proposals.</returns>
    public Tensor Proposals(Batch? batch, Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (objectness is not null)
        {
            return ObjectnessProposals(images);
        }

        using var boxes = proposals(batch, (int)images.Size(0), (int)images.Size(2), (int)images.Size(3));
        return boxes.To(images.Device, ScalarType.Float32);
    }

    private Tensor TeacherLoss(Batch? batch, Tensor images, Tensor targets)
    {
        using var output = model.Teacher.Forward(images, Proposals(batch, images));
        var phi = WsddnTeacher.ImageScores(output.Xc, output.Xd);
        return clampedMeanWsddn ? WsddnLoss.ClampedMean(phi, targets) : WsddnLoss.Compute(phi, targets);
    }

    private Tensor FeatureLoss(Batch? batch, Tensor images)
    {
        var boxes = Proposals(batch, images);
        Tensor target;
        using (Autograd.NoGrad())
        {
            using var output = model.Teacher.Forward(images, boxes);
            target = output.Fc7.Alias();
        }

        // The student sees the same input as the teacher here, so the proposals need no rescaling.
        var features = model.Student.RegionFeatures(images, boxes);
        var (n, r) = (features.Size(0), features.Size(1));
        return (features - target).Pow(2.0).Sum() / (2.0 * n * r);
    }

    private Tensor PredictionLoss(Batch? batch, Tensor images, Tensor targets)
    {
        var logits = model.Student.Forward(images);
        var groundTruth = loss.Compute(logits, targets, Normalization);
        if (!Distill)
        {
            return groundTruth;
        }

        Tensor xc, xd;
        using (Autograd.NoGrad())
        {
            using var output = model.Teacher.Forward(images, Proposals(batch, images));
            (xc, xd) = (output.Xc.Alias(), output.Xd.Alias());
        }

        if (logitKd)
        {
            // Standard logit distillation on the teacher's phi read as a probability: T^2 BCE(z / T, sigmoid(logit(phi) / T)).
            var phi = WsddnTeacher.ImageScores(xc, xd).Clamp(WsddnLoss.Epsilon, 1 - WsddnLoss.Epsilon);
            var teacherLogits = (phi / (1.0 - phi)).Log();
            var soft = (teacherLogits / kdTemperature).Sigmoid();
            var kd = Functional.BinaryCrossEntropyWithLogits(logits / kdTemperature, soft, reduction: Reduction.None);
            return groundTruth + (kdTemperature * kdTemperature * LossNormalizations.Reduce(kd, Normalization));
        }

        // Every entry has a teacher target, known label or not: with loss_norm=batch this term is summed over all C classes
        // while the ground-truth term sums over the known ones only (the reference's two SigmoidCrossEntropyLoss layers,
        // both / N), so with a share p of known labels the ground truth weighs about p times what it does with mean.
        var target = WsddnTeacher.ImageScores(xc, xd, teacherTemperature);
        var distill = Functional.BinaryCrossEntropyWithLogits(logits * model.Scale, target, reduction: Reduction.None);
        return groundTruth + LossNormalizations.Reduce(distill, Normalization);
    }
}
