using Srn.Models;
using Srn.Torch;
using Srn.Vision;
using Srn.Vision.Transforms;

namespace Srn.Training;

/// <summary>
/// The input pipelines of the papers, scaled to any input size S, each ending in float conversion and the backbone's
/// normalisation:
/// <list type="bullet">
/// <item><see cref="SrnTrain"/>: SRN's (resize to 8S/7 square, corner-or-centre crop with sides from
/// {8/7, 1, 6/7, 3/4, 4/7} x S paired as TSN's data layer pairs them, resize to S, random flip; at S = 224: 256 and
/// {256, 224, 192, 168, 128});</item>
/// <item><see cref="HcpTrain"/>: HCP-MLR-PL's (resize to 8S/7, random crop from {8/7, 1, 6/7, 5/7, 4/7} x S,
/// resize to S, flip; at S = 448: 512 and {512, 448, 384, 320, 256});</item>
/// <item><see cref="Test"/>: resize the whole image to S x S, no crop, bilinear (SRN's test resize is skimage's
/// bilinear <c>resize</c>);</item>
/// <item><see cref="HcpTest"/>: the same with PIL's bicubic, HCP-MLR-PL's test transform.</item>
/// </list>
/// </summary>
public static class ImageRecipes
{
    private static readonly int[] SrnCrops = [256, 224, 192, 168, 128];
    private static readonly int[] HcpCrops = [512, 448, 384, 320, 256];

    /// <summary>SRN's training augmentation.</summary>
    /// <param name="size">Input side S.</param>
    /// <param name="config">The backbone config (mean and std).</param>
    /// <param name="sampling">How the crop's sizes and positions are drawn (<see cref="SrnCropSampling.Tsn"/>, the reference's, by default).</param>
    /// <returns>The transform.</returns>
    public static ITransform SrnTrain(int size, ModelConfig config, SrnCropSampling sampling = SrnCropSampling.Tsn) =>
        Finish(new SrnMultiScaleCrop(size, Scale(size, 256, 224), [.. SrnCrops.Select(c => Scale(size, c, 224))], sampling: sampling), config, flip: true);

    /// <summary>HCP-MLR-PL's training augmentation (SSGRL, SARB, DSRB).</summary>
    /// <param name="size">Input side S.</param>
    /// <param name="config">The backbone config (mean and std).</param>
    /// <returns>The transform.</returns>
    public static ITransform HcpTrain(int size, ModelConfig config) =>
        Finish(new HcpMultiScaleCrop(size, Scale(size, 512, 448), [.. HcpCrops.Select(c => Scale(size, c, 448))]), config, flip: true);

    /// <summary>The evaluation transform: resize to S x S, bilinear (antialiased).</summary>
    /// <param name="size">Input side S.</param>
    /// <param name="config">The backbone config (mean and std).</param>
    /// <returns>The transform.</returns>
    public static ITransform Test(int size, ModelConfig config) => Finish(new Resize(size, size), config, flip: false);

    /// <summary>HCP-MLR-PL's evaluation transform (SSGRL, SARB, DSRB): resize to S x S with PIL's bicubic.</summary>
    /// <param name="size">Input side S.</param>
    /// <param name="config">The backbone config (mean and std).</param>
    /// <returns>The transform.</returns>
    /// <remarks>
    /// The reference (<c>utils/dataloader.py</c>) tests with <c>transforms.Resize((cropSize, cropSize), interpolation=PIL.Image.BICUBIC)</c>
    /// on PIL images, i.e. PIL's <c>Image.resize</c>: bicubic with a = -0.5, always antialiased, the width pass rounded to
    /// uint8 before the height pass. This is <see cref="Resize"/> with bicubic, antialiasing and <see cref="Resize.PillowRounding"/>,
    /// within one level of PIL's on every pixel.
    /// </remarks>
    public static ITransform HcpTest(int size, ModelConfig config) =>
        Finish(new Resize(size, size, InterpolationMode.Bicubic, antialias: true, pillowRounding: true), config, flip: false);

    private static int Scale(int size, int value, int reference) => Math.Max(1, (int)Math.Round((double)size * value / reference, MidpointRounding.AwayFromZero));

    private static Compose Finish(ITransform geometry, ModelConfig config, bool flip)
    {
        ArgumentNullException.ThrowIfNull(config);
        return flip
            ? new Compose(geometry, new RandomHorizontalFlip(), new ToFloat(), new Normalize(config.Mean, config.Std))
            : new Compose(geometry, new ToFloat(), new Normalize(config.Mean, config.Std));
    }
}
