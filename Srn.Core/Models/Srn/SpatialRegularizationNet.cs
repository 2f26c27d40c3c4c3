using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.Models;

/// <summary>
/// SRN, the Spatial Regularization Network (Zhu et al., CVPR 2017; docs/methods.md, "SRN") on a registry ResNet:
/// <code>
/// X     = f_cnn(I)                 stem .. layer3 (stride 16; 1024 x 14 x 14 for ResNet-101 at 224)
/// y_cls = fc(avgpool(layer4(X)))
/// A     = spatial_softmax(f_att(X))                  per label, over the H x W positions
/// S     = conv1(X)                                   confidence maps
/// y_att = sum_ij A .* S
/// y_sr  = f_sr(A .* sigmoid(S))
/// y     = alpha y_cls + (1 - alpha) y_sr             alpha 0.5, optionally learnt
/// </code>
/// State-dict keys: <c>backbone.</c> + torchvision's ResNet keys, <c>attention.</c>, <c>confidence.</c>,
/// <c>regularizer.</c>, and <c>alpha</c> when it is learnt.
/// </summary>
public sealed class SpatialRegularizationNet : Module<Tensor, SrnOutput>
{
    private readonly Tensor? alpha;

    /// <summary>Builds SRN for an input size.</summary>
    /// <param name="backbone">The backbone (owned by the network from now on); its classifier must have C outputs.</param>
    /// <param name="imageSize">Square input side; fixes conv4's kernel to the stage-3 map size.</param>
    /// <param name="options">Branch widths, alpha, variant.</param>
    /// <exception cref="ArgumentException">When the backbone's classifier does not match, or the input is too small.</exception>
    public SpatialRegularizationNet(ResNet backbone, int imageSize, SrnOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        Options = options ?? new SrnOptions();
        if (imageSize < 32)
        {
            throw new ArgumentException($"SRN needs an input of at least 32 pixels, got {imageSize}.", nameof(imageSize));
        }

        Backbone = RegisterModule("backbone", backbone);
        NumClasses = backbone.Fc.OutFeatures;
        MapSize = FeatureMapSize(imageSize, 3);
        ImageSize = imageSize;
        var x = backbone.Config.StageChannels(3);
        Attention = RegisterModule("attention", new AttentionBranch(x, Options.AttentionWidth, NumClasses, Options.BatchNorm));
        Confidence = RegisterModule("confidence", new ConfidenceBranch(x, NumClasses, Options.BatchNorm));
        Regularizer = RegisterModule("regularizer", new SpatialRegularizer(NumClasses, Options.RegularizerWidth, Options.FiltersPerGroup, MapSize, Options.BatchNorm));
        if (Options.LearnAlpha)
        {
            alpha = RegisterParameter("alpha", Tensor.Full([], Options.Alpha).RequiresGrad_());
        }
    }

    /// <summary>The options.</summary>
    public SrnOptions Options { get; }

    /// <summary>The ResNet: f_cnn is its stem to layer3, f_cls its layer4, pooling and fc.</summary>
    public ResNet Backbone { get; }

    /// <summary>f_att.</summary>
    public AttentionBranch Attention { get; }

    /// <summary>The confidence branch.</summary>
    public ConfidenceBranch Confidence { get; }

    /// <summary>f_sr.</summary>
    public SpatialRegularizer Regularizer { get; }

    /// <summary>C.</summary>
    public long NumClasses { get; }

    /// <summary>The input size the network was built for.</summary>
    public int ImageSize { get; }

    /// <summary>H = W of X and of the attention maps.</summary>
    public long MapSize { get; }

    /// <summary>The learnt alpha parameter, or null when alpha is fixed.</summary>
    public Tensor? AlphaParameter => alpha;

    /// <summary>The side of a ResNet stage's feature map for a square input (conv 7x7/2, max-pool 3x3/2, then stride-2 stages).</summary>
    /// <param name="imageSize">Input side.</param>
    /// <param name="stage">1..4.</param>
    /// <returns>The side.</returns>
    public static long FeatureMapSize(long imageSize, int stage)
    {
        static long Half(long h) => ((h - 1) / 2) + 1;
        var h = Half(Half(imageSize));
        for (var s = 2; s <= stage; s++)
        {
            h = Half(h);
        }

        return h;
    }

    /// <summary>The parameters of f_cnn (stem and stages 1-3).</summary>
    /// <returns>The parameters.</returns>
    public IEnumerable<Tensor> FeatureParameters() =>
        Backbone.NamedParameters().Where(p => !p.Name.StartsWith("layer4.", StringComparison.Ordinal) && !p.Name.StartsWith("fc.", StringComparison.Ordinal)).Select(p => p.Parameter);

    /// <summary>The parameters of f_cls (layer4 and fc).</summary>
    /// <returns>The parameters.</returns>
    public IEnumerable<Tensor> ClassifierParameters() =>
        Backbone.NamedParameters().Where(p => p.Name.StartsWith("layer4.", StringComparison.Ordinal) || p.Name.StartsWith("fc.", StringComparison.Ordinal)).Select(p => p.Parameter);

    /// <summary>Computes the requested heads.</summary>
    /// <param name="images">[B, 3, ImageSize, ImageSize].</param>
    /// <param name="heads">Which outputs.</param>
    /// <returns>The outputs (the fused logits only with <see cref="SrnHeads.All"/>).</returns>
    public SrnOutput Forward(Tensor images, SrnHeads heads)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = DisposeScope.Enter();
        var x = Backbone.ForwardFeatures(images, 3);
        Tensor? cls = null, att = null, sr = null, fused = null, a = null, s = null;
        if (heads.HasFlag(SrnHeads.Classification))
        {
            cls = Backbone.ForwardHead(Backbone.Stage(4).Forward(x));
        }

        if ((heads & (SrnHeads.Attention | SrnHeads.Regularization)) != 0)
        {
            a = AttentionBranch.SpatialSoftmax(Attention.Forward(x));
            s = Confidence.Forward(x);
            if (heads.HasFlag(SrnHeads.Attention))
            {
                att = (a * s).Sum([2, 3]);
            }

            if (heads.HasFlag(SrnHeads.Regularization))
            {
                sr = Regularizer.Forward(a * s.Sigmoid());
            }
        }

        if (cls is not null && sr is not null)
        {
            fused = alpha is null
                ? (cls * Options.Alpha) + (sr * (1 - Options.Alpha))
                : sr + ((cls - sr) * alpha.Clamp(0.0, 1.0));
        }

        return new SrnOutput(Keep(cls), Keep(att), Keep(sr), Keep(fused), Keep(a), Keep(s));
    }

    /// <inheritdoc/>
    protected override SrnOutput ForwardCore(Tensor input) => Forward(input, SrnHeads.All);

    private static Tensor? Keep(Tensor? t) => t?.MoveToOuterScope();
}
