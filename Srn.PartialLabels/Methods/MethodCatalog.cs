using Srn.PartialLabels.Losses;
using Srn.Training;
using Srn.Training.Losses;
using Srn.Training.Methods;

namespace Srn.PartialLabels.Methods;

/// <summary>
/// Every training method by name, for the sweep, <c>srn train</c> and <c>srn eval</c>, and for C# users who pick a method
/// by string. <see cref="Create"/> builds one from a <see cref="MethodSetup"/> (the same setup a checkpoint stores).
/// </summary>
public static class MethodCatalog
{
    private static readonly Dictionary<string, (string Description, Func<MethodSetup, TrainingMethod> Create)> Methods =
        new(StringComparer.Ordinal)
        {
            ["partial-bce"] = ("ResNet (global pool + fc) trained with the partial BCE: the partial-label baseline", s => new ResNetBaseline(s, Loss(s))),
            ["resnet"] = ("the same ResNet baseline under its architecture's name (loss option, partial BCE by default)", s => new ResNetBaseline(s, Loss(s))),
            ["srn"] = ("SRN: spatial regularization over per-label attention maps, four stages (Zhu et al. 2017)", s => new SrnMethod(s, Loss(s))),
            ["ssgrl"] = ("SSGRL: semantic decoupling and a gated graph network over label embeddings (Chen et al. 2019)", s => new BlendingMethod(s, BlendingVariant.Ssgrl, Loss(s))),
            ["sarb"] = ("SARB: SSGRL + instance blending + k-means prototype blending + contrastive term (Pu et al. 2022)", s => new BlendingMethod(s, BlendingVariant.Sarb, Loss(s))),
            ["dsrb"] = ("DSRB: SSGRL + instance (IPRB) and location-sensitive prototype (PPRB) blending + contrastive term (Pu et al. 2024)", s => new BlendingMethod(s, BlendingVariant.Dsrb, Loss(s))),
            ["sst"] = ("SST: SSGRL + co-occurrence branch; hard pseudo labels from intra-image co-occurrence and a memory of other images' positives (Chen et al. 2022)", s => new SemanticTransferMethod(s, TransferVariant.Sst, Loss(s))),
            ["hst"] = ("HST: SSGRL + co-occurrence branch; soft pseudo labels with learnt margins from co-occurrence and k-means prototypes (Chen et al. 2024)", s => new SemanticTransferMethod(s, TransferVariant.Hst, Loss(s))),
            ["kd-wsd"] = ("KD-WSD: a WSDDN teacher distilled into a ResNet student at feature and prediction level, three stages (Liu et al. 2018)", s => new KdWsdMethod(s, Loss(s))),
            ["kd-wsd-student"] = ("KD-WSD's student (ResNet with fc6/fc7 head) trained alone, without the teacher: the KD-WSD comparison", s => new KdWsdMethod(s, Loss(s), distillByDefault: false)),
        };

    /// <summary>
    /// The version of each method's built-in recipe: the option defaults and training code that change its results
    /// without being a run setting. It is part of every run's identity (<see cref="Runs.RunIdentity"/>), so a checkpoint made
    /// under other defaults is never resumed or evaluated as this run. Bump a method's version with every such change and
    /// say what changed in docs/methods.md. Version 1 is the recipes of 2026-12-08 (SRN's and KD-WSD's Caffe loss
    /// normalisation, KD-WSD's lr multipliers and WSDDN loss, SARB's scikit-learn k-means, SST and HST).
    /// </summary>
    private static readonly Dictionary<string, int> RecipeVersions = new(StringComparer.Ordinal)
    {
        ["partial-bce"] = 1, ["resnet"] = 1, ["srn"] = 1, ["ssgrl"] = 1, ["sarb"] = 1, ["dsrb"] = 1, ["sst"] = 1, ["hst"] = 1,
        ["kd-wsd"] = 1, ["kd-wsd-student"] = 1,
    };

    /// <summary>The recipe version of a method (see <see cref="RecipeVersions"/>), as the run identity records it.</summary>
    /// <param name="name">Method name.</param>
    /// <returns>The version, e.g. "1".</returns>
    /// <exception cref="ArgumentException">For an unknown method.</exception>
    public static string RecipeVersion(string name) =>
        RecipeVersions.TryGetValue(name ?? string.Empty, out var v)
            ? v.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : throw new ArgumentException($"Unknown method '{name}'. Methods: {string.Join(", ", Methods.Keys)}.");

    /// <summary>The method names.</summary>
    public static IReadOnlyCollection<string> Names => Methods.Keys;

    /// <summary>A one-line description of a method.</summary>
    /// <param name="name">Method name.</param>
    /// <returns>The description.</returns>
    /// <exception cref="ArgumentException">For an unknown name (the message lists the known ones).</exception>
    public static string Describe(string name) => Find(name).Description;

    /// <summary>Builds a method.</summary>
    /// <param name="setup">The setup; <see cref="MethodSetup.Method"/> picks the method.</param>
    /// <returns>The method, its parameters initialised from the setup's seed.</returns>
    /// <exception cref="ArgumentException">For an unknown method or option.</exception>
    public static TrainingMethod Create(MethodSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        return Find(setup.Method).Create(setup);
    }

    private static (string Description, Func<MethodSetup, TrainingMethod> Create) Find(string name) =>
        Methods.TryGetValue(name ?? string.Empty, out var m)
            ? m
            : throw new ArgumentException($"Unknown method '{name}'. Methods: {string.Join(", ", Methods.Keys)}.");

    // The loss option: any of LossRegistry's, the partial BCE by default.
    private static IMultiLabelLoss Loss(MethodSetup setup) =>
        setup.Options.TryGetValue("loss", out var name) ? LossRegistry.Create(name) : PartialBce.Instance;
}
