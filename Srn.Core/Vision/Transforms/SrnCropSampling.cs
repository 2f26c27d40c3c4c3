namespace Srn.Vision.Transforms;

/// <summary>How <see cref="SrnMultiScaleCrop"/> draws its window: which (height, width) pairs and which positions.</summary>
public enum SrnCropSampling
{
    /// <summary>
    /// The reference's (default): SRN trained with TSN's Caffe data layer (yjxiong/caffe's <c>DataTransformer</c>, the
    /// same scheme as tsn-pytorch's <c>GroupMultiScaleCrop</c>), which draws one (height, width) pair among the size
    /// pairs (i, j) with |i - j| &lt;= max_distort (1: 13 pairs for 5 sizes) and places it at one of TSN's fixed offsets,
    /// multiples of a quarter of the slack rounded down.
    /// </summary>
    Tsn = 0,

    /// <summary>
    /// Height and width drawn independently from the sizes (all 25 pairs for 5 sizes, aspect ratios up to 2), at the
    /// exact corners or the centre (rounded half to even): a literal reading of the paper's text.
    /// </summary>
    Independent = 1,
}
