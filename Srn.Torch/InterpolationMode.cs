namespace Srn.Torch;

/// <summary>
/// How values between grid points are computed: the <c>mode=</c> strings of <c>torch.nn.functional.interpolate</c>
/// and <c>torch.nn.functional.grid_sample</c>.
/// </summary>
public enum InterpolationMode
{
    /// <summary>The nearest point (<c>'nearest'</c>; PyTorch's legacy rounding for <see cref="Functional.Interpolate"/>).</summary>
    Nearest = 0,

    /// <summary>Bilinear interpolation of the four neighbours (<c>'bilinear'</c>).</summary>
    Bilinear = 1,

    /// <summary>Bicubic interpolation of the sixteen neighbours (<c>'bicubic'</c>).</summary>
    Bicubic = 2,

    /// <summary>Adaptive average pooling to the output size (<c>'area'</c>; <see cref="Functional.Interpolate"/> only).</summary>
    Area = 3,

    /// <summary>The nearest point with correct pixel-centre rounding, as Scikit-Image and PIL (<c>'nearest-exact'</c>; <see cref="Functional.Interpolate"/> only).</summary>
    NearestExact = 4,
}
