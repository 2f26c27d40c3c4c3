using Srn.Models;
using Srn.Torch;
using Srn.Torch.NN;
using Srn.Vision;

namespace Srn.Distillation;

/// <summary>
/// WSDDN (Bilen and Vedaldi 2016), the weakly-supervised detector KD-WSD distils from: a registry backbone's stride-16
/// region map (<see cref="Models.Backbone.ForwardRegionMap"/>: a ResNet's stem + layer1..layer3, whose layer4 and fc are
/// unused; a VGG's conv5_3, the reference's, whose classifier is unused), RoI pooling of each image's R proposals at
/// spatial scale 1/16 into a 7 x 7 grid, <c>fc6 -> ReLU -> dropout -> fc7 -> ReLU -> dropout</c>, and two K-way layers x_c
/// (classification stream) and x_d (detection stream). With a VGG whose classifier has the head's shape (VGG16 and
/// <c>hidden</c> 4096), fc6 and fc7 start as copies of the VGG's own fc6 and fc7 (its ImageNet weights, as in WSDDN). The image score is
/// <code>phi[n, k] = sum_r softmax_k(x_c / T)[n, r, k] * softmax_r(x_d / T)[n, r, k]   in (0, 1)</code>
/// with T = 1 for training and detection and T = 0.5 for KD-WSD's tempered target.
/// </summary>
/// <remarks>
/// The reference (Caffe, VGG16 conv5_3) has no PyTorch original; torchvision's <c>RoIPool</c> / <c>RoIAlign</c> and
/// <c>torch.softmax</c> are the pieces. Proposals are boxes in input pixels, the same count R for every image.
/// </remarks>
public sealed class WsddnTeacher : Module
{
    /// <summary>Feature stride of the pooled map (ResNet layer3, VGG conv5_3).</summary>
    public const int Stride = Backbone.RegionStride;

    private readonly Module<(Tensor Input, Tensor Boxes), Tensor> roi;

    /// <summary>Builds the teacher around a backbone (its parameters initialised from the global generator).</summary>
    /// <param name="backbone">A registry backbone; the teacher owns it.</param>
    /// <param name="numClasses">K.</param>
    /// <param name="options">Head sizes and pooling; <see cref="WsddnOptions"/>'s defaults when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">For fewer than one class or a non-positive width.</exception>
    public WsddnTeacher(Backbone backbone, int numClasses, WsddnOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        Options = options ?? new WsddnOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.Hidden, 1, nameof(options));
        var size = new IntPair(Options.PoolSize, Options.PoolSize);
        Backbone = RegisterModule("backbone", backbone);
        roi = Options.UseRoIAlign
            ? RegisterModule("roi", new RoIAlign(size, 1.0 / Stride, samplingRatio: 2))
            : RegisterModule<Module<(Tensor Input, Tensor Boxes), Tensor>>("roi", new RoIPool(size, 1.0 / Stride));
        var inputs = backbone.RegionChannels * Options.PoolSize * Options.PoolSize;
        Fc6 = RegisterModule("fc6", new Linear(inputs, Options.Hidden));
        Fc7 = RegisterModule("fc7", new Linear(Options.Hidden, Options.Hidden));
        Drop6 = RegisterModule("drop6", new Dropout(Options.Dropout));
        Drop7 = RegisterModule("drop7", new Dropout(Options.Dropout));
        Classification = RegisterModule("x_c", new Linear(Options.Hidden, numClasses));
        Detection = RegisterModule("x_d", new Linear(Options.Hidden, numClasses));
        NumClasses = numClasses;
        CopyVggHead(backbone, Fc6, Fc7);
    }

    /// <summary>Head sizes and pooling.</summary>
    public WsddnOptions Options { get; }

    /// <summary>Number of classes K.</summary>
    public int NumClasses { get; }

    /// <summary>The backbone (its stride-16 region map).</summary>
    public Backbone Backbone { get; }

    /// <summary>fc6.</summary>
    public Linear Fc6 { get; }

    /// <summary>fc7.</summary>
    public Linear Fc7 { get; }

    /// <summary>Dropout after fc6.</summary>
    public Dropout Drop6 { get; }

    /// <summary>Dropout after fc7.</summary>
    public Dropout Drop7 { get; }

    /// <summary>The classification stream x_c.</summary>
    public Linear Classification { get; }

    /// <summary>The detection stream x_d.</summary>
    public Linear Detection { get; }

    /// <summary>Region features and the two streams for a batch.</summary>
    /// <param name="images">Images <c>[N, 3, H, W]</c>.</param>
    /// <param name="proposals">Boxes <c>[N, R, 4]</c> (x1, y1, x2, y2) in input pixels, any device (moved to the images').</param>
    /// <returns>fc7 features, x_c and x_d, each <c>[N, R, *]</c>.</returns>
    /// <exception cref="ArgumentException">When the proposals are not <c>[N, R, 4]</c> with the images' N, or R is 0.</exception>
    public WsddnOutput Forward(Tensor images, Tensor proposals)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(proposals);
        var (n, r) = CheckProposals(images, proposals);
        using var scope = DisposeScope.Enter();
        var features = Backbone.ForwardRegionMap(images);
        var pooled = roi.Forward((features, Rois(proposals, n, r, features))).Flatten(1);
        var fc7 = Fc7.Forward(Drop6.Forward(Fc6.Forward(pooled).Relu())).Relu();
        var hidden = Drop7.Forward(fc7);
        var xc = Classification.Forward(hidden).View(n, r, NumClasses);
        var xd = Detection.Forward(hidden).View(n, r, NumClasses);
        return new WsddnOutput(fc7.View(n, r, Options.Hidden).MoveToOuterScope(), xc.MoveToOuterScope(), xd.MoveToOuterScope());
    }

    /// <summary>
    /// The image scores <c>phi = sum_r softmax_k(x_c / T) * softmax_r(x_d / T)</c>, each in (0, 1).
    /// </summary>
    /// <param name="xc">x_c, <c>[N, R, K]</c>.</param>
    /// <param name="xd">x_d, <c>[N, R, K]</c>.</param>
    /// <param name="temperature">T &gt; 0: 1 for WSDDN, 0.5 for KD-WSD's target (scores doubled).</param>
    /// <returns><c>[N, K]</c>.</returns>
    /// <exception cref="ArgumentException">When the shapes differ or are not 3-d, or T is not positive.</exception>
    public static Tensor ImageScores(Tensor xc, Tensor xd, double temperature = 1.0)
    {
        using var scope = DisposeScope.Enter();
        return RegionScores(xc, xd, temperature).Sum(1).MoveToOuterScope();
    }

    /// <summary>The region scores <c>softmax_k(x_c / T) * softmax_r(x_d / T)</c>, <c>[N, R, K]</c>; they sum over r to phi.</summary>
    /// <param name="xc">x_c, <c>[N, R, K]</c>.</param>
    /// <param name="xd">x_d, <c>[N, R, K]</c>.</param>
    /// <param name="temperature">T &gt; 0.</param>
    /// <returns>The region scores.</returns>
    /// <exception cref="ArgumentException">When the shapes differ or are not 3-d, or T is not positive.</exception>
    public static Tensor RegionScores(Tensor xc, Tensor xd, double temperature = 1.0)
    {
        ArgumentNullException.ThrowIfNull(xc);
        ArgumentNullException.ThrowIfNull(xd);
        if (xc.Dim != 3 || !xc.Shape.SequenceEqual(xd.Shape))
        {
            throw new ArgumentException($"x_c and x_d must both be [N, R, K], got [{string.Join(", ", xc.Shape)}] and [{string.Join(", ", xd.Shape)}].", nameof(xc));
        }

        if (!(temperature > 0) || double.IsInfinity(temperature))
        {
            throw new ArgumentException($"The temperature must be positive and finite, got {temperature}.", nameof(temperature));
        }

        using var scope = DisposeScope.Enter();
        var c = (temperature == 1.0 ? xc : xc / temperature).Softmax(2);
        var d = (temperature == 1.0 ? xd : xd / temperature).Softmax(1);
        return (c * d).MoveToOuterScope();
    }

    /// <summary>
    /// Per image and class, the <paramref name="topK"/> proposals with the highest region scores (T = 1). Runs without
    /// gradients; call it in eval mode (dropout off).
    /// </summary>
    /// <param name="images">Images <c>[N, 3, H, W]</c>.</param>
    /// <param name="proposals">Boxes <c>[N, R, 4]</c> in input pixels.</param>
    /// <param name="topK">Boxes kept per class, at least 1 (at most R).</param>
    /// <returns>Per image, K * min(topK, R) detections, class by class, best first within a class.</returns>
    /// <exception cref="ArgumentException">As for <see cref="Forward"/>.</exception>
    public IReadOnlyList<IReadOnlyList<RegionDetection>> Detections(Tensor images, Tensor proposals, int topK = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        using var noGrad = Autograd.NoGrad();
        using var scope = DisposeScope.Enter();
        using var output = Forward(images, proposals);
        var scores = RegionScores(output.Xc, output.Xd).To(Device.Cpu, ScalarType.Float32).ToArray<float>();
        var boxes = proposals.To(Device.Cpu, ScalarType.Float32).Contiguous().ToArray<float>();
        var (n, r, k) = ((int)output.Xc.Size(0), (int)output.Xc.Size(1), NumClasses);
        var result = new IReadOnlyList<RegionDetection>[n];
        for (var i = 0; i < n; i++)
        {
            var list = new List<RegionDetection>();
            for (var c = 0; c < k; c++)
            {
                var best = Enumerable.Range(0, r)
                    .OrderByDescending(j => scores[(((i * r) + j) * k) + c])
                    .ThenBy(j => j)
                    .Take(topK);
                foreach (var j in best)
                {
                    var o = ((i * r) + j) * 4;
                    list.Add(new RegionDetection(new Box(boxes[o], boxes[o + 1], boxes[o + 2], boxes[o + 3], c), scores[(((i * r) + j) * k) + c]));
                }
            }

            result[i] = list;
        }

        return result;
    }

    /// <summary>
    /// Copies a VGG's fc6 and fc7 (<c>classifier.0</c>, <c>classifier.3</c>) into a region head's fc6 and fc7 when their
    /// shapes are the same (VGG16 with a 4096-wide head on 7 x 7 RoIs), as WSDDN and Fast R-CNN start from the ImageNet
    /// classifier; otherwise (a ResNet, another width) leaves the head as initialised.
    /// </summary>
    /// <returns>Whether the weights were copied.</returns>
    internal static bool CopyVggHead(Backbone backbone, Linear fc6, Linear fc7)
    {
        if (backbone is not Vgg vgg || !vgg.Fc6.Weight.Shape.SequenceEqual(fc6.Weight.Shape) || !vgg.Fc7.Weight.Shape.SequenceEqual(fc7.Weight.Shape))
        {
            return false;
        }

        using (Autograd.NoGrad())
        {
            fc6.Weight.Copy_(vgg.Fc6.Weight);
            fc6.Bias!.Copy_(vgg.Fc6.Bias!);
            fc7.Weight.Copy_(vgg.Fc7.Weight);
            fc7.Bias!.Copy_(vgg.Fc7.Bias!);
        }

        return true;
    }

    /// <summary>Checks proposals against images and returns (N, R).</summary>
    internal static (long N, long R) CheckProposals(Tensor images, Tensor proposals)
    {
        if (images.Dim != 4)
        {
            throw new ArgumentException($"Images must be [N, 3, H, W], got [{string.Join(", ", images.Shape)}].", nameof(images));
        }

        if (proposals.Dim != 3 || proposals.Size(0) != images.Size(0) || proposals.Size(2) != 4 || proposals.Size(1) == 0)
        {
            throw new ArgumentException(
                $"Proposals must be [N, R, 4] with N = {images.Size(0)} images and R > 0, got [{string.Join(", ", proposals.Shape)}].", nameof(proposals));
        }

        return (proposals.Size(0), proposals.Size(1));
    }

    /// <summary>The [N R, 5] rows (image index, x1, y1, x2, y2) of RoI pooling, in the features' dtype and device.</summary>
    internal static Tensor Rois(Tensor proposals, long n, long r, Tensor features)
    {
        using var scope = DisposeScope.Enter();
        var boxes = proposals.To(features.Device, features.DType);
        var index = Tensor.Arange(0, n, dtype: features.DType, device: features.Device).View(n, 1, 1).Expand(n, r, 1);
        return Tensor.Cat([index, boxes], 2).Reshape(n * r, 5).MoveToOuterScope();
    }
}
