using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.Models;

/// <summary>Residual block kinds.</summary>
public enum ResNetBlock
{
    /// <summary>Two 3x3 convolutions (ResNet-18/34).</summary>
    Basic,

    /// <summary>1x1-3x3-1x1 with expansion 4 (ResNet-50/101/152).</summary>
    Bottleneck,
}

/// <summary>The shape of a ResNet: block kind, blocks per stage, and widths.</summary>
/// <param name="Block">Block kind.</param>
/// <param name="Layers">Blocks in each of the four stages.</param>
/// <param name="StemWidth">Channels of the 7x7 stem convolution.</param>
/// <param name="Widths">The <c>planes</c> of each stage (outputs are planes x expansion).</param>
public sealed record ResNetConfig(ResNetBlock Block, int[] Layers, long StemWidth, long[] Widths) : BackboneArchitecture
{
    /// <inheritdoc/>
    public override string Family => "ResNet";

    /// <inheritdoc/>
    public override long NumFeatures => StageChannels(4);

    /// <summary>Output channels per unit of planes.</summary>
    public long Expansion => Block == ResNetBlock.Basic ? BasicBlock.Expansion : Bottleneck.Expansion;

    /// <summary>Output channels of stage 1..4 (index 0..3).</summary>
    public long StageChannels(int stage) => Widths[stage - 1] * Expansion;

    /// <summary>layer1..layer4 with their channels and strides 4, 8, 16, 32.</summary>
    /// <returns>The four stages.</returns>
    public override IReadOnlyList<StageInfo> Stages() =>
        [.. Enumerable.Range(1, 4).Select(i => new StageInfo($"layer{i}", StageChannels(i), 1 << (i + 1)))];

    /// <inheritdoc/>
    public override Backbone Create(long numClasses) => new ResNet(this, numClasses);
}

/// <summary>
/// A ResNet identical to torchvision's (<c>torchvision.models.resnet.ResNet</c>): same child names, so
/// torchvision state dicts load unchanged; same strides, BN eps/momentum, and initialisation (kaiming-normal
/// fan-out convolutions, unit/zero batch norm, default Linear), drawn in the same order, so the same seed gives
/// the same weights. Stages are <c>layer1..layer4</c> at strides 4, 8, 16 and 32.
/// </summary>
public sealed class ResNet : Backbone
{
    private readonly Sequential[] stages;
    private long inPlanes;

    /// <summary>Builds the network and initialises it from the global generator.</summary>
    /// <param name="config">Depth and widths.</param>
    /// <param name="numClasses">Classifier outputs.</param>
    /// <param name="zeroInitResidual">Zero the last BN of each block (torchvision's option).</param>
    /// <exception cref="ArgumentException">For a config without four stages.</exception>
    public ResNet(ResNetConfig config, long numClasses = 1000, bool zeroInitResidual = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Layers.Length != 4 || config.Widths.Length != 4)
        {
            throw new ArgumentException("a ResNet config needs four stages (Layers and Widths of length 4)", nameof(config));
        }

        Config = config;
        inPlanes = config.StemWidth;
        Conv1 = RegisterModule("conv1", new Conv2d(3, config.StemWidth, 7, 2, 3, bias: false));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(config.StemWidth));
        RegisterModule("relu", new ReLU(inplace: true));
        MaxPool = RegisterModule("maxpool", new MaxPool2d(3, 2, 1));
        stages = new Sequential[4];
        for (var i = 0; i < 4; i++)
        {
            stages[i] = RegisterModule($"layer{i + 1}", MakeStage(config.Widths[i], config.Layers[i], i == 0 ? 1 : 2));
        }

        AvgPool = RegisterModule("avgpool", new AdaptiveAvgPool2d(1));
        Fc = RegisterModule("fc", new Linear(config.StageChannels(4), numClasses));
        InitWeights(zeroInitResidual);
    }

    /// <summary>Depth and widths.</summary>
    public ResNetConfig Config { get; }

    /// <summary>Stem convolution, 7x7 stride 2.</summary>
    public Conv2d Conv1 { get; }

    /// <summary>Stem batch norm.</summary>
    public BatchNorm2d Bn1 { get; }

    /// <summary>Stem max pooling, 3x3 stride 2.</summary>
    public MaxPool2d MaxPool { get; }

    /// <summary>Global average pooling before the classifier.</summary>
    public AdaptiveAvgPool2d AvgPool { get; }

    /// <summary>The classifier (see <see cref="ResetClassifier"/>).</summary>
    public Linear Fc { get; private set; }

    /// <summary>Channels of the final features (input of the classifier).</summary>
    public override long NumFeatures => Config.StageChannels(4);

    /// <summary>Channels of layer3, the stride-16 map.</summary>
    public override long RegionChannels => Config.StageChannels(3);

    /// <inheritdoc/>
    public override string HeadPrefix => "fc.";

    /// <inheritdoc/>
    public override string ClassifierPrefix => "fc.";

    /// <inheritdoc/>
    public override Linear ClassifierLayer => Fc;

    /// <summary>Stage <paramref name="stage"/> (1..4), torchvision's <c>layer1..layer4</c>.</summary>
    /// <param name="stage">1 to 4.</param>
    /// <returns>The stage.</returns>
    public Sequential Stage(int stage) => stages[CheckStage(stage) - 1];

    /// <summary>The stem: conv1, bn1, ReLU, max pooling (stride 4 overall).</summary>
    /// <param name="x">Images [N, 3, H, W], normalised.</param>
    /// <returns>[N, stem width, H/4, W/4].</returns>
    public Tensor ForwardStem(Tensor x)
    {
        using var y = BlockOps.ConvBnRelu(Conv1, Bn1, x);
        return MaxPool.Forward(y);
    }

    /// <summary>The stem and the four stages: the final feature map (layer4), stride 32.</summary>
    /// <param name="x">Images [N, 3, H, W].</param>
    /// <returns>[N, NumFeatures, H/32, W/32].</returns>
    public override Tensor ForwardFeatures(Tensor x) => ForwardFeatures(x, 4);

    /// <summary>The stem and stages 1..<paramref name="lastStage"/>: the feature map of any stage.</summary>
    /// <param name="x">Images [N, 3, H, W].</param>
    /// <param name="lastStage">1 to 4 (4: the final feature map).</param>
    /// <returns>[N, StageChannels(lastStage), H/stride, W/stride].</returns>
    public Tensor ForwardFeatures(Tensor x, int lastStage)
    {
        CheckStage(lastStage);
        var y = ForwardStem(x);
        for (var i = 0; i < lastStage; i++)
        {
            y = BlockOps.Then(y, stages[i].Forward);
        }

        return y;
    }

    /// <summary>The outputs of all four stages, for feature pyramids and attention readers.</summary>
    /// <param name="x">Images [N, 3, H, W].</param>
    /// <returns>Four feature maps, strides 4, 8, 16, 32.</returns>
    public Tensor[] ForwardStages(Tensor x)
    {
        var outputs = new Tensor[4];
        using var stem = ForwardStem(x);
        var y = stem;
        for (var i = 0; i < 4; i++)
        {
            y = outputs[i] = stages[i].Forward(y);
        }

        return outputs;
    }

    /// <summary>Global average pooling and the classifier.</summary>
    /// <param name="features">Final features [N, NumFeatures, h, w].</param>
    /// <returns>Logits [N, classes].</returns>
    public override Tensor ForwardHead(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        using var pooled = AvgPool.Forward(features);
        using var flat = pooled.Flatten(1);
        return Fc.Forward(flat);
    }

    /// <summary>Replaces the classifier by a fresh one with <paramref name="numClasses"/> outputs (default Linear init).</summary>
    /// <param name="numClasses">Number of classes.</param>
    public override void ResetClassifier(long numClasses) => Fc = ReplaceModule("fc", new Linear(NumFeatures, numClasses));

    /// <summary>The stem and layer1..layer3: the stride-16 map SRN's branches and KD-WSD's RoI pooling read.</summary>
    /// <param name="x">Images [N, 3, H, W].</param>
    /// <returns>[N, RegionChannels, H/16, W/16].</returns>
    public override Tensor ForwardRegionMap(Tensor x) => ForwardFeatures(x, 3);

    /// <summary>layer4 and global average pooling, flattened, for whole-image maps and RoI grids alike.</summary>
    /// <param name="map">A layer3 map or RoI grids.</param>
    /// <param name="roiGrid">Unused: both go through layer4 (a 7 x 7 grid gives a 4 x 4 map that the pool reduces).</param>
    /// <param name="gridSize">Unused.</param>
    /// <returns>[N, NumFeatures].</returns>
    public override Tensor EmbedRegionMap(Tensor map, bool roiGrid, int gridSize)
    {
        ArgumentNullException.ThrowIfNull(map);
        using var deep = Stage(4).Forward(map);
        using var pooled = AvgPool.Forward(deep);
        return pooled.Flatten(1);
    }

    /// <inheritdoc/>
    public override long EmbeddingSize(int gridSize) => NumFeatures;

    private static int CheckStage(int stage) =>
        stage is >= 1 and <= 4 ? stage : throw new ArgumentOutOfRangeException(nameof(stage), stage, "ResNet stages are 1 to 4 (layer1..layer4)");

    // torchvision's _make_layer: the downsample is built before the first block, which matters for the order
    // in which construction draws from the generator.
    private Sequential MakeStage(long planes, int blocks, long stride)
    {
        var expansion = Config.Expansion;
        Sequential? downsample = null;
        if (stride != 1 || inPlanes != planes * expansion)
        {
            downsample = new Sequential(BlockOps.Conv1x1(inPlanes, planes * expansion, stride), new BatchNorm2d(planes * expansion));
        }

        var stage = new Sequential(NewBlock(inPlanes, planes, stride, downsample));
        inPlanes = planes * expansion;
        for (var i = 1; i < blocks; i++)
        {
            stage.Append(NewBlock(inPlanes, planes, 1, null));
        }

        return stage;
    }

    private Module<Tensor, Tensor> NewBlock(long inputPlanes, long planes, long stride, Sequential? downsample) =>
        Config.Block == ResNetBlock.Basic
            ? new BasicBlock(inputPlanes, planes, stride, downsample)
            : new Bottleneck(inputPlanes, planes, stride, downsample);

    private void InitWeights(bool zeroInitResidual)
    {
        foreach (var module in Modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    Init.KaimingNormal_(conv.Weight, mode: FanMode.FanOut, nonlinearity: Nonlinearity.Relu);
                    break;
                case BatchNorm2d bn:
                    Init.Ones_(bn.Weight!);
                    Init.Zeros_(bn.Bias!);
                    break;
            }
        }

        if (zeroInitResidual)
        {
            foreach (var module in Modules())
            {
                var lastBn = module switch
                {
                    Bottleneck b => b.Bn3,
                    BasicBlock b => b.Bn2,
                    _ => null,
                };
                if (lastBn is not null)
                {
                    Init.Zeros_(lastBn.Weight!);
                }
            }
        }
    }
}
