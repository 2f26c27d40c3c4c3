using Srn.Models;
using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.Distillation;

/// <summary>
/// KD-WSD's student: a registry classifier whose head is widened into fc layers shaped like the teacher's, so that one set
/// of weights serves both distillation and classification (a Faster R-CNN "C4" split):
/// <code>
/// embed(m)   = ReLU(fc7'(ReLU(fc6'(E(m)))))                       m: the stride-16 region map (ResNet layer3, VGG conv5_3)
/// logits(x)  = classifier(embed(map(x)))                          whole image: a plain classifier
/// regions(x) = embed(RoIPool_7x7(map(x), proposals))               stage 1: matched to the teacher's fc7
/// </code>
/// E is <see cref="Backbone.EmbedRegionMap"/>: for a ResNet layer4 and global average pooling (on maps and RoI grids
/// alike), for a VGG pool5 and the 7 x 7 average pool on the whole image and nothing on a RoI grid (RoI pooling replaces
/// pool5, as in Fast R-CNN). The backbone's own head (ResNet fc, VGG classifier) is unused; with a VGG whose classifier
/// has the head's shape (VGG16, <c>hidden</c> 4096), fc6' and fc7' start as copies of its fc6 and fc7. The student has no
/// dropout (a plain classifier) and runs no RoI op at test time.
/// </summary>
/// <remarks>
/// layer4 on a 7 x 7 RoI grid gives a 4 x 4 map that the same global average pool reduces, so layer4, fc6' and fc7' see
/// regions in stage 1 and the whole image afterwards. PyTorch: torchvision's ResNet with <c>fc</c> replaced by
/// <c>Sequential(Linear, ReLU, Linear, ReLU, Linear)</c> and <c>torchvision.ops.roi_pool</c> on <c>layer3</c>; for VGG16,
/// torchvision's VGG with <c>classifier[6]</c> replaced and <c>roi_pool</c> on <c>features[:30]</c>.
/// </remarks>
public sealed class KdStudent : Module
{
    private readonly Module<(Tensor Input, Tensor Boxes), Tensor> roi;

    /// <summary>Builds the student around a backbone (new layers initialised from the global generator).</summary>
    /// <param name="backbone">A registry backbone; the student owns it.</param>
    /// <param name="numClasses">K.</param>
    /// <param name="hidden">Width of fc6' and fc7' (the teacher's fc7 width).</param>
    /// <param name="poolSize">Side of the RoI grid (7).</param>
    /// <param name="useRoIAlign">RoIAlign (sampling ratio 2) instead of RoI max pooling.</param>
    /// <exception cref="ArgumentOutOfRangeException">For a non-positive size.</exception>
    public KdStudent(Backbone backbone, int numClasses, int hidden, int poolSize = 7, bool useRoIAlign = false)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        var size = new IntPair(poolSize, poolSize);
        Backbone = RegisterModule("backbone", backbone);
        roi = useRoIAlign
            ? RegisterModule("roi", new RoIAlign(size, 1.0 / WsddnTeacher.Stride, samplingRatio: 2))
            : RegisterModule<Module<(Tensor Input, Tensor Boxes), Tensor>>("roi", new RoIPool(size, 1.0 / WsddnTeacher.Stride));
        Fc6 = RegisterModule("fc6", new Linear(backbone.EmbeddingSize(poolSize), hidden));
        Fc7 = RegisterModule("fc7", new Linear(hidden, hidden));
        Classifier = RegisterModule("classifier", new Linear(hidden, numClasses));
        Hidden = hidden;
        PoolSize = poolSize;
        WsddnTeacher.CopyVggHead(backbone, Fc6, Fc7);
    }

    /// <summary>The backbone (its region map and what follows it; its own head unused).</summary>
    public Backbone Backbone { get; }

    /// <summary>fc6'.</summary>
    public Linear Fc6 { get; }

    /// <summary>fc7'.</summary>
    public Linear Fc7 { get; }

    /// <summary>The K-way classifier on fc7'.</summary>
    public Linear Classifier { get; }

    /// <summary>Width of fc6' and fc7'.</summary>
    public int Hidden { get; }

    /// <summary>Side of the RoI grid.</summary>
    public int PoolSize { get; }

    /// <summary>The parameters stage 1 trains: the backbone without its unused head, fc6' and fc7' (not the classifier).</summary>
    /// <returns>The parameters.</returns>
    public IEnumerable<Tensor> FeatureParameters() =>
        Backbone.NamedParameters().Where(p => !p.Name.StartsWith(Backbone.HeadPrefix, StringComparison.Ordinal)).Select(p => p.Parameter)
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
        return Classifier.Forward(Embed(Backbone.ForwardRegionMap(images), roiGrid: false)).MoveToOuterScope();
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
        var features = Backbone.ForwardRegionMap(images);
        var pooled = roi.Forward((features, WsddnTeacher.Rois(proposals, n, r, features)));
        return Embed(pooled, roiGrid: true).View(n, r, Hidden).MoveToOuterScope();
    }

    // The backbone after its region map (ResNet: layer4 and global average pooling), fc6', fc7' (with ReLUs): shared by
    // regions and whole images.
    private Tensor Embed(Tensor map, bool roiGrid)
    {
        var pooled = Backbone.EmbedRegionMap(map, roiGrid, PoolSize);
        return Fc7.Forward(Fc6.Forward(pooled).Relu()).Relu();
    }
}
