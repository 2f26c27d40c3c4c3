using Srn.Data;
using Srn.Models;
using Srn.Torch;
using Srn.Torch.NN;
using Srn.Training.Losses;

namespace Srn.Training.Methods;

/// <summary>
/// The baseline: a registry classifier (a ResNet's global average pooling and fc, or a VGG's classifier) trained end to
/// end in one stage with a multi-label loss — the (masked) partial BCE by default, so it is the <c>partial-bce</c> method
/// of the partial-label papers. Any registry backbone works (<see cref="Backbones.CreateAny"/>).
/// </summary>
/// <remarks>
/// Options: <c>lr</c> (0.05), <c>weight_decay</c> (1e-4), <c>optimizer</c> (sgd | adam | adamw), <c>schedule</c>
/// (cosine | step | constant). SGD uses momentum 0.9. docs/methods.md gives the recipe.
/// </remarks>
public sealed class ResNetBaseline : TrainingMethod
{
    private readonly Backbone model;
    private readonly IMultiLabelLoss loss;
    private readonly TrainingStage[] stages;

    /// <summary>Builds the baseline.</summary>
    /// <param name="setup">The setup (its <see cref="MethodSetup.Method"/> names the method in results).</param>
    /// <param name="loss">The loss; the partial BCE when null.</param>
    public ResNetBaseline(MethodSetup setup, IMultiLabelLoss? loss = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        setup.CheckOptions(StageRecipe.OptionNames.Append("loss").ToArray());
        Setup = setup;
        this.loss = loss ?? PartialBce.Instance;
        model = Backbones.CreateAny(setup);
        var recipe = StageRecipe.From(setup, defaultLr: 0.05);
        stages = [recipe.Stage("cls", setup.Epochs, [new StageGroup([.. model.Parameters()])], [])];
    }

    /// <inheritdoc/>
    public override string Name => Setup.Method;

    /// <inheritdoc/>
    public override MethodSetup Setup { get; }

    /// <inheritdoc/>
    public override Module Model => model;

    /// <summary>The network (a <see cref="ResNet"/> or a <see cref="Vgg"/>).</summary>
    public Backbone Network => model;

    /// <inheritdoc/>
    public override IReadOnlyList<TrainingStage> Stages => stages;

    /// <inheritdoc/>
    public override Tensor TrainingLoss(TrainingContext context, Batch batch, Tensor images, Tensor targets, int batchIndex) =>
        loss.Compute(model.Forward(images), targets);

    /// <inheritdoc/>
    public override Tensor Predict(Tensor images) => model.Forward(images);
}
