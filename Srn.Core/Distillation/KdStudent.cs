using Srn.Models;
using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.Distillation;

/// <summary>
/// KD-WSD's student: a registry ResNet classifier whose global-pool head is widened into fc layers shaped like the
/// teacher's, so that one set of weights serves both distillation and classification (a Faster R-CNN "C4" split):
/// <code>
/// embed(m)   = ReLU(fc7'(ReLU(fc6'(avgpool(layer4(m))))))       m: a stride-16 (layer3) map
/// logits(x)  = classifier(embed(layer3(x)))                      whole image: a plain ResNet classifier
/// regions(x) = embed(RoIPool_7x7(layer3(x), proposals))           stage 1: matched to the teacher's fc7
/// </code>
/// The ResNet's own fc is unused. The student has no dropout (a plain classifier) and runs no RoI op at test time.
/// </summary>
/// <remarks>
/// layer4 on a 7 x 7 RoI grid gives a 4 x 4 map that the same global average pool reduces, so layer4, fc6' and fc7' see
/// regions in stage 1 and the whole image afterwards. PyTorch: torchvision's ResNet with <c>fc</c> replaced by
/// <c>Sequential(Linear, ReLU, Linear, ReLU, Linear)</c> and <c>torchvision.ops.roi_pool</c> on <c>layer3</c>.
/// </remarks>
public sealed class KdStudent : Module
{
    private readonly Module<(Tensor Input, Tensor Boxes), Tensor> roi;

    /// <summary>Builds the student around a backbone (new layers initialised from the global generator).</summary>
    /// <param name="backbone">A registry ResNet; the student owns it.</param>
    /// <param name="numClasses">K.</param>
    /// <param name="hidden">Width of fc6' and fc7' (the teacher's fc7 width).</param>
    /// <param name="poolSize">Side of the RoI grid (7).</param>
    /// <param name="useRoIAlign">RoIAlign (sampling ratio 2) instead of RoI max pooling.</param>
    /// <exception cref="ArgumentOutOfRangeException">For a non-positive size.</exception>
    public KdStudent(ResNet backbone, int numClasses, int hidden, int poolSize = 7, bool useRoIAlign = false)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        var size = new IntPair(poolSize, poolSize);
        Backbone = RegisterModule("backbone", backbone);
        roi = useRoIAlign
            ? RegisterModule("roi", new RoIAlign(size, 1.0 / WsddnTeacher.Stride, samplingRatio: 2))
            : RegisterModule<Module<(Tensor Input, Tensor Boxes), Tensor>>("roi", new RoIPool(size, 1.0 / WsddnTeacher.Stride));
        Fc6 = RegisterModule("fc6", new Linear(backbone.NumFeatures, hidden));
        Fc7 = RegisterModule("fc7", new Linear(hidden, hidden));
        Classifier = RegisterModule("classifier", new Linear(hidden, numClasses));
        Hidden = hidden;
    }

    /// <summary>The ResNet (stem, layer1..layer4; its fc unused).</summary>
    public ResNet Backbone { get; }

    /// <summary>fc6'.</summary>
    public Linear Fc6 { get; }

    /// <summary>fc7'.</summary>
    public Linear Fc7 { get; }

    /// <summary>The K-way classifier on fc7'.</summary>
    public Linear Classifier { get; }

    /// <summary>Width of fc6' and fc7'.</summary>
    public int Hidden { get; }

    /// <summary>The parameters stage 1 trains: the backbone without its unused fc, fc6' and fc7' (not the classifier).</summary>
    /// <returns>The parameters.</returns>
    public IEnumerable<Tensor> FeatureParameters() =>
        Backbone.NamedParameters().Where(p => !p.Name.StartsWith("fc.", StringComparison.Ordinal)).Select(p => p.Parameter)
            .Concat(Fc6.Parameters()).Concat(Fc7.Parameters());

    /// <summary>Every parameter the student uses: <see cref="FeatureParameters"/> and the classifier.</summary>
    /// <returns>The parameters.</returns>
    public IEnumerable<Tensor> UsedParameters() => FeatureParameters().Concat(Classifier.Parameters());

    /// <summary>Logits of whole images.</summary>
    /// <param name="images">Images <c>[N, 3, H, W]</c>.</param>
    /// <returns><c>[N, K]</c>.</returns>
    public Tensor Forward(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = DisposeScope.Enter();
        return Classifier.Forward(Embed(Backbone.ForwardFeatures(images, 3))).MoveToOuterScope();
    }

    /// <summary>fc7' features of each image's proposals, the stage-1 counterpart of the teacher's fc7.</summary>
    /// <param name="images">Images <c>[N, 3, H, W]</c> (the student's input).</param>
    /// <param name="proposals">Boxes <c>[N, R, 4]</c> in the student's input pixels.</param>
    /// <returns><c>[N, R, hidden]</c>.</returns>
    /// <exception cref="ArgumentException">When the proposals are not <c>[N, R, 4]</c>.</exception>
    public Tensor RegionFeatures(Tensor images, Tensor proposals)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(proposals);
        var (n, r) = WsddnTeacher.CheckProposals(images, proposals);
        using var scope = DisposeScope.Enter();
        var features = Backbone.ForwardFeatures(images, 3);
        var pooled = roi.Forward((features, WsddnTeacher.Rois(proposals, n, r, features)));
        return Embed(pooled).View(n, r, Hidden).MoveToOuterScope();
    }

    // layer4, global average pooling, fc6', fc7' (with ReLUs): shared by regions and whole images.
    private Tensor Embed(Tensor map)
    {
        var pooled = Backbone.AvgPool.Forward(Backbone.Stage(4).Forward(map)).Flatten(1);
        return Fc7.Forward(Fc6.Forward(pooled).Relu()).Relu();
    }
}
