using Srn.Torch;

namespace Srn.Vision.Transforms;

/// <summary>
/// The geometry shared by the transforms: torchvision's tensor resize and crop on [C, H, W] images, and the matching
/// box arithmetic. Every method returns a new tensor the caller owns (a view where torchvision returns one); none
/// disposes its input.
/// </summary>
internal static class ImageOps
{
    /// <summary>Throws unless <paramref name="image"/> is a [C, H, W] uint8 or float32 tensor (the pipeline contract).</summary>
    internal static void RequireImage(Tensor image, string transform)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Dim != 3)
        {
            throw new ArgumentException($"{transform}: expected an image tensor [C, H, W], got shape [{string.Join(", ", image.Shape)}]", nameof(image));
        }

        if (image.DType is not (ScalarType.UInt8 or ScalarType.Float32))
        {
            throw new ArgumentException($"{transform}: expected a uint8 or float32 image, got {image.DType}", nameof(image));
        }
    }

    /// <summary>Throws unless <paramref name="mode"/> is one torchvision's tensor resize supports.</summary>
    internal static void RequireResizeMode(InterpolationMode mode, string paramName)
    {
        if (mode is not (InterpolationMode.Nearest or InterpolationMode.Bilinear or InterpolationMode.Bicubic))
        {
            throw new ArgumentOutOfRangeException(paramName, mode, "image resizing supports the Nearest, Bilinear and Bicubic modes");
        }
    }

    /// <summary>
    /// torchvision's <c>functional_tensor.resize</c> of a [C, H, W] image to (height, width): a uint8 image is
    /// converted to float32, interpolated (align_corners false; antialiased when asked, for bilinear and bicubic),
    /// clamped to [0, 255] for bicubic, rounded half to even and converted back. With <paramref name="pillowRounding"/>
    /// a uint8 image resized antialiased (bilinear or bicubic) is resampled as Pillow's 8-bit resampler does: the width
    /// pass, then the height pass (each only when that side changes), each clamped to [0, 255] and rounded half up to
    /// uint8. The caller owns the result.
    /// </summary>
    internal static Tensor Resize(Tensor image, long height, long width, InterpolationMode mode, bool antialias, bool pillowRounding = false)
    {
        using var scope = DisposeScope.Enter();
        var isByte = image.DType == ScalarType.UInt8;
        var x = (isByte ? image.To(ScalarType.Float32) : image).Unsqueeze(0);
        if (isByte && pillowRounding && antialias && mode != InterpolationMode.Nearest)
        {
            // Pillow (ImagingResample) stores its horizontal pass in uint8 before the vertical one, and rounds half up
            // (clip8); a bicubic overshoot clipped between the passes is what a single float pass differs by (up to ~20
            // levels at sharp edges), and half-even rounding of the many exact halves of an upscale adds 1 here and there.
            if (width != image.Size(2))
            {
                x = (Functional.InterpolateAntialias(x, size: (image.Size(1), width), mode: mode, alignCorners: false) + 0.5).Floor().Clamp(0, 255);
            }

            if (height != image.Size(1))
            {
                x = (Functional.InterpolateAntialias(x, size: (height, width), mode: mode, alignCorners: false) + 0.5).Floor().Clamp(0, 255);
            }

            return x.Squeeze(0).To(ScalarType.UInt8).MoveToOuterScope();
        }

        Tensor y = mode switch
        {
            InterpolationMode.Nearest => Functional.Interpolate(x, size: (height, width), mode: InterpolationMode.Nearest),
            _ when antialias => Functional.InterpolateAntialias(x, size: (height, width), mode: mode, alignCorners: false),
            _ => Functional.Interpolate(x, size: (height, width), mode: mode, alignCorners: false),
        };
        y = y.Squeeze(0);
        if (isByte)
        {
            if (mode == InterpolationMode.Bicubic)
            {
                y = y.Clamp(0, 255);
            }

            y = y.Round().To(ScalarType.UInt8);
        }

        return y.MoveToOuterScope();
    }

    /// <summary>
    /// torchvision's <c>functional_tensor.crop</c>: the window (top, left, height, width) of a [C, H, W] image, a view
    /// when it lies inside the image, zero-padded where it extends past the image. The caller owns the result.
    /// </summary>
    internal static Tensor Crop(Tensor image, long top, long left, long height, long width)
    {
        var h = image.Size(-2);
        var w = image.Size(-1);
        var bottom = top + height;
        var right = left + width;
        var y0 = Math.Max(top, 0);
        var x0 = Math.Max(left, 0);
        var y1 = Math.Min(bottom, h);
        var x1 = Math.Min(right, w);
        if (y1 <= y0 || x1 <= x0)
        {
            throw new ArgumentException($"crop window (top {top}, left {left}, {height}x{width}) does not overlap the {h}x{w} image");
        }

        using var scope = DisposeScope.Enter();
        var inside = image.Narrow(-2, y0, y1 - y0).Narrow(-1, x0, x1 - x0);
        if (y0 == top && x0 == left && y1 == bottom && x1 == right)
        {
            return inside.MoveToOuterScope();
        }

        // (left, right, top, bottom) as torch.nn.functional.pad wants them.
        return Functional.Pad(inside, [x0 - left, right - x1, y0 - top, bottom - y1]).MoveToOuterScope();
    }

    /// <summary>The output (height, width) of torchvision's resize to a shorter side of <paramref name="size"/> (<c>_compute_resized_output_size</c>).</summary>
    internal static (long Height, long Width) ShorterSideSize(long height, long width, int size, int? maxSize)
    {
        var (shorter, longer) = width <= height ? (width, height) : (height, width);
        long newShort = size;
        var newLong = (long)((double)(size * longer) / shorter);
        if (maxSize is { } max && newLong > max)
        {
            (newShort, newLong) = ((long)((double)(max * newShort) / newLong), max);
        }

        return width <= height ? (newLong, newShort) : (newShort, newLong);
    }

    /// <summary>Python's <c>int(round(x / 2.0))</c> for an integer x: halves round to even, as torchvision's centre crop.</summary>
    internal static long HalfRoundedToEven(long x) => (long)Math.Round(x / 2.0, MidpointRounding.ToEven);

    /// <summary>Boxes after a resize from (height, width) to (newHeight, newWidth): x scaled by newWidth / width, y by newHeight / height.</summary>
    internal static IReadOnlyList<Box>? ScaleBoxes(IReadOnlyList<Box>? boxes, long height, long width, long newHeight, long newWidth)
    {
        if (boxes is null)
        {
            return null;
        }

        var sx = (double)newWidth / width;
        var sy = (double)newHeight / height;
        var result = new Box[boxes.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var b = boxes[i];
            result[i] = b with { X1 = (float)(b.X1 * sx), Y1 = (float)(b.Y1 * sy), X2 = (float)(b.X2 * sx), Y2 = (float)(b.Y2 * sy) };
        }

        return result;
    }

    /// <summary>
    /// Boxes after cropping the window (top, left, height, width): shifted by (-left, -top), clipped to [0, width] x
    /// [0, height], and dropped when nothing of them is left (clipped width or height &lt;= 0).
    /// </summary>
    internal static IReadOnlyList<Box>? CropBoxes(IReadOnlyList<Box>? boxes, long top, long left, long height, long width)
    {
        if (boxes is null)
        {
            return null;
        }

        var result = new List<Box>(boxes.Count);
        foreach (var b in boxes)
        {
            var x1 = Math.Clamp(b.X1 - left, 0f, width);
            var y1 = Math.Clamp(b.Y1 - top, 0f, height);
            var x2 = Math.Clamp(b.X2 - left, 0f, width);
            var y2 = Math.Clamp(b.Y2 - top, 0f, height);
            if (x2 > x1 && y2 > y1)
            {
                result.Add(b with { X1 = x1, Y1 = y1, X2 = x2, Y2 = y2 });
            }
        }

        return result;
    }

    /// <summary>Boxes after a horizontal flip of an image <paramref name="width"/> wide: x1' = W - x2, x2' = W - x1.</summary>
    internal static IReadOnlyList<Box>? FlipBoxes(IReadOnlyList<Box>? boxes, long width)
    {
        if (boxes is null)
        {
            return null;
        }

        var result = new Box[boxes.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var b = boxes[i];
            result[i] = b with { X1 = width - b.X2, X2 = width - b.X1 };
        }

        return result;
    }

    /// <summary>The sample resized to (height, width) with its boxes scaled; the sample itself when its size already is that (as torchvision).</summary>
    internal static ImageSample ResizeSample(ImageSample sample, long height, long width, InterpolationMode mode, bool antialias, bool pillowRounding = false)
    {
        var (h, w) = (sample.Height, sample.Width);
        if (h == height && w == width)
        {
            return sample;
        }

        var image = Resize(sample.Image, height, width, mode, antialias, pillowRounding);
        return new ImageSample(image, ScaleBoxes(sample.Boxes, h, w, height, width));
    }

    /// <summary>
    /// The sample cropped to <paramref name="window"/> with its boxes shifted, clipped and filtered; when the window is
    /// the whole image the image tensor is shared (boxes are still clipped to it).
    /// </summary>
    internal static ImageSample CropSample(ImageSample sample, CropWindow window)
    {
        var boxes = CropBoxes(sample.Boxes, window.Top, window.Left, window.Height, window.Width);
        if (window.Top == 0 && window.Left == 0 && window.Height == sample.Height && window.Width == sample.Width)
        {
            return sample with { Boxes = boxes };
        }

        return new ImageSample(Crop(sample.Image, window.Top, window.Left, window.Height, window.Width), boxes);
    }

    /// <summary>
    /// Hands <paramref name="result"/> to the caller of a transform: its image, when it is not the input's, leaves the
    /// transform's <see cref="DisposeScope"/> (which frees every intermediate) for the enclosing one, or becomes
    /// caller-owned when there is none. Call it inside the transform's scope.
    /// </summary>
    internal static ImageSample Escape(ImageSample result, ImageSample input)
    {
        if (!ReferenceEquals(result.Image, input.Image))
        {
            result.Image.MoveToOuterScope();
        }

        return result;
    }
}
