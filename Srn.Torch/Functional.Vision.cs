using Srn.Torch.Interop;

namespace Srn.Torch;

/// <summary>The resampling used by image pipelines (Native/src/vision.cpp).</summary>
public static partial class Functional
{
    /// <summary>
    /// Resizes a batch of images (N, C, H, W) with antialiased bilinear or bicubic interpolation. When shrinking by a
    /// factor s &gt; 1 along an axis, the interpolation kernel is widened by s (support 1 becomes s for bilinear, 2
    /// becomes 2s for bicubic) and its weights renormalised, so every input pixel contributes (as PIL's resize does);
    /// when enlarging it is the plain kernel. Same as <c>torch.nn.functional.interpolate(..., antialias=True)</c>.
    /// </summary>
    /// <param name="input">The input, (N, C, H, W), floating point.</param>
    /// <param name="size">The output (H, W). Exactly one of <paramref name="size"/> and <paramref name="scaleFactor"/> is given.</param>
    /// <param name="scaleFactor">The factor applied to both H and W (output size <c>floor(in * scale)</c>; the factor itself is used in the sampling).</param>
    /// <param name="mode">Bilinear or Bicubic, the modes that antialias.</param>
    /// <param name="alignCorners">Whether the corner pixels of input and output are aligned (their centres coincide) rather than their outer edges.</param>
    /// <returns>The resized tensor.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> is null.</exception>
    /// <exception cref="ArgumentException">When both or neither of size and scale factor are given.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="mode"/> is not Bilinear or Bicubic, or the scale factor is not positive.</exception>
    /// <exception cref="TorchException">When the input is not a 4-d floating-point tensor or the output size is not positive.</exception>
    public static unsafe Tensor InterpolateAntialias(Tensor input, IntPair? size = null, double? scaleFactor = null, InterpolationMode mode = InterpolationMode.Bilinear, bool alignCorners = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckSizeOrScale(size, scaleFactor);

        if (mode is not (InterpolationMode.Bilinear or InterpolationMode.Bicubic))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "interpolate: anti-aliasing is only supported for the Bilinear and Bicubic modes");
        }

        var s = stackalloc long[2];
        long* sizePtr = null;
        if (size is { } sz)
        {
            Put(s, sz);
            sizePtr = s;
        }

        var scale = scaleFactor ?? 0;
        return Tensor.Wrap(NativeMethods.srn_interpolate_antialias(input.Handle, sizePtr, scale, scale, (int)mode, alignCorners ? 1 : 0));
    }

    /// <summary>F.interpolate's rule: exactly one of an output size and a (positive) scale factor.</summary>
    private static void CheckSizeOrScale(IntPair? size, double? scaleFactor)
    {
        if (size is null == scaleFactor is null)
        {
            throw new ArgumentException("interpolate: exactly one of size or scaleFactor must be given", nameof(size));
        }

        if (scaleFactor is { } f && !(f > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(scaleFactor), f, "scale factor must be positive");
        }
    }
}
