using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.Models;

/// <summary>
/// A registry image classifier seen as a backbone: a feature extractor (<see cref="ForwardFeatures"/>), a head that turns
/// its features into logits (<see cref="ForwardHead"/>), and the stride-16 region map that detection-style heads pool
/// proposals from (<see cref="ForwardRegionMap"/>, <see cref="EmbedRegionMap"/>). <see cref="ResNet"/> and <see cref="Vgg"/>
/// are the two families; both keep torchvision's state-dict names.
/// </summary>
/// <remarks>
/// <c>Forward(x)</c> is <c>ForwardHead(ForwardFeatures(x))</c>, torchvision's <c>model(x)</c>. Methods that need more than
/// this (SRN's and SSGRL's stage-wise reads) take a <see cref="ResNet"/>.
/// </remarks>
public abstract class Backbone : Module<Tensor, Tensor>
{
    /// <summary>The stride of <see cref="ForwardRegionMap"/>'s output: 16, the reference's conv5_3 and ResNet's layer3.</summary>
    public const int RegionStride = 16;

    /// <summary>Channels of <see cref="ForwardFeatures"/>' output.</summary>
    public abstract long NumFeatures { get; }

    /// <summary>Channels of <see cref="ForwardRegionMap"/>'s output.</summary>
    public abstract long RegionChannels { get; }

    /// <summary>
    /// The state-dict prefix of the layers after the features that only the model's own classification head uses
    /// (<c>fc.</c> for a ResNet, <c>classifier.</c> for a VGG): what a method that brings its own head leaves untrained.
    /// </summary>
    public abstract string HeadPrefix { get; }

    /// <summary>The state-dict prefix of the final, class-count-sized layer (<c>fc.</c>, <c>classifier.6.</c>).</summary>
    public abstract string ClassifierPrefix { get; }

    /// <summary>The final, class-count-sized layer (see <see cref="ResetClassifier"/>).</summary>
    public abstract Linear ClassifierLayer { get; }

    /// <summary>The final feature map, stride 32.</summary>
    /// <param name="x">Images [N, 3, H, W], normalised.</param>
    /// <returns>[N, NumFeatures, H/32, W/32].</returns>
    public abstract Tensor ForwardFeatures(Tensor x);

    /// <summary>The classification head on <see cref="ForwardFeatures"/>' output.</summary>
    /// <param name="features">Final features.</param>
    /// <returns>Logits [N, classes].</returns>
    public abstract Tensor ForwardHead(Tensor features);

    /// <summary>The stride-16 map that region heads pool proposals from (ResNet: through <c>layer3</c>; VGG: conv5_3 and its ReLU, before pool5).</summary>
    /// <param name="x">Images [N, 3, H, W], normalised.</param>
    /// <returns>[N, RegionChannels, H/16, W/16].</returns>
    public abstract Tensor ForwardRegionMap(Tensor x);

    /// <summary>
    /// What follows the region map, down to one vector per image or region, for heads that run the same weights on whole
    /// images and on RoI grids (KD-WSD's student). ResNet: <c>layer4</c> and global average pooling, for both. VGG: for a
    /// whole-image map pool5 and the average pool to <paramref name="gridSize"/> squared (torchvision's <c>avgpool</c> at 7),
    /// for a RoI grid nothing (Fast R-CNN's RoI pooling replaces pool5); then flattening.
    /// </summary>
    /// <param name="map">A region map [N, RegionChannels, h, w], or RoI grids [R, RegionChannels, g, g].</param>
    /// <param name="roiGrid">Whether <paramref name="map"/> holds RoI-pooled grids rather than whole-image maps.</param>
    /// <param name="gridSize">The side g of the RoI grids (7).</param>
    /// <returns>[N or R, <see cref="EmbeddingSize"/>(g)].</returns>
    public abstract Tensor EmbedRegionMap(Tensor map, bool roiGrid, int gridSize);

    /// <summary>The width of <see cref="EmbedRegionMap"/>'s vectors for RoI grids of side <paramref name="gridSize"/>.</summary>
    /// <param name="gridSize">The side of the RoI grids.</param>
    /// <returns>ResNet: NumFeatures; VGG: RegionChannels · gridSize².</returns>
    public abstract long EmbeddingSize(int gridSize);

    /// <summary>Replaces the final layer by a fresh one with <paramref name="numClasses"/> outputs (default Linear init).</summary>
    /// <param name="numClasses">Number of classes.</param>
    public abstract void ResetClassifier(long numClasses);

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input)
    {
        using var features = ForwardFeatures(input);
        return ForwardHead(features);
    }
}
