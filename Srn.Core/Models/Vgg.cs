using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.Models;

/// <summary>The shape of a VGG: torchvision's <c>cfg</c> list of 3x3 convolution widths and max poolings, and the classifier's width.</summary>
/// <param name="Layers">Output channels of each 3x3 convolution (padding 1, with bias, then ReLU) in order, <see cref="MaxPool"/> for a 2x2 stride-2 max pooling.</param>
/// <param name="Hidden">Width of the two hidden classifier layers (4096 in torchvision).</param>
/// <param name="Dropout">Dropout probability after each hidden classifier layer (0.5).</param>
public sealed record VggConfig(long[] Layers, long Hidden = 4096, double Dropout = 0.5) : BackboneArchitecture
{
    /// <summary>The entry of <see cref="Layers"/> that stands for a max pooling (torchvision's <c>"M"</c>).</summary>
    public const long MaxPool = 0;

    /// <summary>torchvision's configuration "D", VGG16: 13 convolutions in five blocks.</summary>
    public static IReadOnlyList<long> Vgg16Layers { get; } = [64, 64, MaxPool, 128, 128, MaxPool, 256, 256, 256, MaxPool, 512, 512, 512, MaxPool, 512, 512, 512, MaxPool];

    /// <inheritdoc/>
    public override string Family => "VGG";

    /// <summary>Channels of the last convolution: the features' and the region map's.</summary>
    public override long NumFeatures => Layers.Last(v => v != MaxPool);

    /// <summary>The output of each max pooling, named by its index in <c>features</c>, with channels and strides 2, 4, 8, ...</summary>
    /// <returns>The stages.</returns>
    public override IReadOnlyList<StageInfo> Stages()
    {
        var stages = new List<StageInfo>();
        long channels = 3;
        var module = 0;
        foreach (var v in Layers)
        {
            if (v == MaxPool)
            {
                stages.Add(new StageInfo($"features.{module}", channels, 1 << (stages.Count + 1)));
                module++;
            }
            else
            {
                channels = v;
                module += 2; // the convolution and its ReLU
            }
        }

        return stages;
    }

    /// <inheritdoc/>
    public override Backbone Create(long numClasses) => new Vgg(this, numClasses);
}

/// <summary>
/// A VGG identical to torchvision's (<c>torchvision.models.vgg.VGG</c> with <c>make_layers(cfg, batch_norm=False)</c>):
/// <c>features</c> (3x3 convolutions with bias and in-place ReLUs, 2x2 max poolings), <c>avgpool</c> (adaptive average
/// pooling to 7 x 7) and <c>classifier</c> (<c>Linear(512·7·7, 4096), ReLU, Dropout(0.5), Linear(4096, 4096), ReLU,
/// Dropout(0.5), Linear(4096, classes)</c>), with the same child names, so torchvision's <c>vgg16-397923af.pth</c> loads
/// unchanged, and the same initialisation drawn in the same order (each layer's default init at construction, then in
/// <c>modules()</c> order: kaiming-normal fan-out ReLU convolutions, N(0, 0.01) linear weights, zero biases).
/// </summary>
/// <remarks>
/// Region map (<see cref="ForwardRegionMap"/>): <c>features</c> without its last max pooling, i.e. conv5_3 and its ReLU at
/// stride 16, the map Fast R-CNN and WSDDN pool proposals from.
/// </remarks>
public sealed class Vgg : Backbone
{
    /// <summary>Side of the average pooling's output grid (torchvision's 7 x 7).</summary>
    public const int PoolSize = 7;

    /// <summary>Builds the network and initialises it from the global generator.</summary>
    /// <param name="config">Convolution widths, poolings and classifier width.</param>
    /// <param name="numClasses">Classifier outputs.</param>
    /// <exception cref="ArgumentException">For a config without a convolution, with a negative width, or whose last entry is not a max pooling.</exception>
    public Vgg(VggConfig config, long numClasses = 1000)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.Layers.Any(v => v > 0) || config.Layers.Any(v => v < 0) || config.Layers[^1] != VggConfig.MaxPool)
        {
            throw new ArgumentException("a VGG config needs positive convolution widths and must end with a max pooling (VggConfig.MaxPool)", nameof(config));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(config.Hidden, 1, nameof(config));
        Config = config;
        Features = RegisterModule("features", MakeFeatures(config.Layers));
        AvgPool = RegisterModule("avgpool", new AdaptiveAvgPool2d(PoolSize));
        Classifier = RegisterModule("classifier", new Sequential(
            new Linear(NumFeatures * PoolSize * PoolSize, config.Hidden),
            new ReLU(inplace: true),
            new Dropout(config.Dropout),
            new Linear(config.Hidden, config.Hidden),
            new ReLU(inplace: true),
            new Dropout(config.Dropout),
            new Linear(config.Hidden, numClasses)));
        InitWeights();
    }

    /// <summary>Convolution widths, poolings and classifier width.</summary>
    public VggConfig Config { get; }

    /// <summary>torchvision's <c>features</c>: convolutions, ReLUs and max poolings, children "0", "1", ...</summary>
    public Sequential Features { get; }

    /// <summary>Average pooling to 7 x 7 before the classifier.</summary>
    public AdaptiveAvgPool2d AvgPool { get; }

    /// <summary>torchvision's <c>classifier</c>: fc6 ("0"), ReLU, dropout, fc7 ("3"), ReLU, dropout, the class layer ("6").</summary>
    public Sequential Classifier { get; }

    /// <summary>fc6, <c>classifier.0</c>.</summary>
    public Linear Fc6 => (Linear)Classifier[0];

    /// <summary>fc7, <c>classifier.3</c>.</summary>
    public Linear Fc7 => (Linear)Classifier[3];

    /// <inheritdoc/>
    public override long NumFeatures => Config.NumFeatures;

    /// <inheritdoc/>
    public override long RegionChannels => Config.NumFeatures;

    /// <inheritdoc/>
    public override string HeadPrefix => "classifier.";

    /// <inheritdoc/>
    public override string ClassifierPrefix => "classifier.6.";

    /// <inheritdoc/>
    public override Linear ClassifierLayer => (Linear)Classifier[6];

    /// <summary>All of <c>features</c>, the last max pooling included.</summary>
    /// <param name="x">Images [N, 3, H, W], normalised.</param>
    /// <returns>[N, NumFeatures, H/32, W/32] for five poolings.</returns>
    public override Tensor ForwardFeatures(Tensor x) => Features.Forward(x);

    /// <summary>Average pooling to 7 x 7, flattening and the classifier, as torchvision's <c>forward</c> after <c>features</c>.</summary>
    /// <param name="features">[N, NumFeatures, h, w].</param>
    /// <returns>Logits [N, classes].</returns>
    public override Tensor ForwardHead(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        using var pooled = AvgPool.Forward(features);
        using var flat = pooled.Flatten(1);
        return Classifier.Forward(flat);
    }

    /// <summary><c>features</c> without its last max pooling: conv5_3 and its ReLU, stride 16 for VGG16.</summary>
    /// <param name="x">Images [N, 3, H, W], normalised.</param>
    /// <returns>[N, RegionChannels, H/16, W/16].</returns>
    public override Tensor ForwardRegionMap(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = x;
        for (var i = 0; i < Features.Count - 1; i++)
        {
            var next = Features[i].Forward(y);
            if (!ReferenceEquals(y, x))
            {
                y.Dispose();
            }

            y = next;
        }

        return ReferenceEquals(y, x) ? x.Alias() : y;
    }

    /// <summary>
    /// Whole-image maps: the last max pooling (pool5), the average pool to <paramref name="gridSize"/> squared and flattening;
    /// RoI grids (already <paramref name="gridSize"/> squared, RoI pooling standing in for pool5, as in Fast R-CNN): flattening.
    /// </summary>
    /// <param name="map">A region map or RoI grids.</param>
    /// <param name="roiGrid">Whether <paramref name="map"/> holds RoI grids.</param>
    /// <param name="gridSize">The grid side (7: torchvision's average pool, and fc6's input).</param>
    /// <returns>[N, RegionChannels · gridSize²].</returns>
    /// <exception cref="ArgumentException">When a RoI grid is not <paramref name="gridSize"/> squared.</exception>
    public override Tensor EmbedRegionMap(Tensor map, bool roiGrid, int gridSize)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (roiGrid)
        {
            return map.Dim == 4 && map.Size(2) == gridSize && map.Size(3) == gridSize
                ? map.Flatten(1)
                : throw new ArgumentException($"RoI grids must be [R, C, {gridSize}, {gridSize}], got [{string.Join(", ", map.Shape)}]", nameof(map));
        }

        using var pooled = Features[Features.Count - 1].Forward(map);
        using var grid = Functional.AdaptiveAvgPool2d(pooled, gridSize);
        return grid.Flatten(1);
    }

    /// <inheritdoc/>
    public override long EmbeddingSize(int gridSize) => RegionChannels * gridSize * gridSize;

    /// <summary>Replaces the class layer (<c>classifier.6</c>) by a fresh one with <paramref name="numClasses"/> outputs (default Linear init).</summary>
    /// <param name="numClasses">Number of classes.</param>
    public override void ResetClassifier(long numClasses) => Classifier.Replace(6, new Linear(Config.Hidden, numClasses));

    private static Sequential MakeFeatures(long[] layers)
    {
        var features = new Sequential();
        long inChannels = 3;
        foreach (var v in layers)
        {
            if (v == VggConfig.MaxPool)
            {
                features.Append(new MaxPool2d(2, 2));
            }
            else
            {
                features.Append(new Conv2d(inChannels, v, 3, padding: 1));
                features.Append(new ReLU(inplace: true));
                inChannels = v;
            }
        }

        return features;
    }

    private void InitWeights()
    {
        foreach (var module in Modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    Init.KaimingNormal_(conv.Weight, mode: FanMode.FanOut, nonlinearity: Nonlinearity.Relu);
                    Init.Zeros_(conv.Bias!);
                    break;
                case Linear linear:
                    Init.Normal_(linear.Weight, 0, 0.01);
                    Init.Zeros_(linear.Bias!);
                    break;
            }
        }
    }
}
