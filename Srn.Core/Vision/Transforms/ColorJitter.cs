using Srn.Torch;

namespace Srn.Vision.Transforms;

/// <summary>
/// Randomly changes brightness, contrast, saturation and hue, in a random order. Same as
/// <c>torchvision.transforms.ColorJitter</c> on tensors (3-channel RGB or 1-channel images, float32 in [0, 1] or uint8).
/// </summary>
/// <remarks>
/// <para>
/// Factors: brightness b ~ U[max(0, 1 - B), 1 + B], contrast c ~ U[max(0, 1 - C), 1 + C], saturation
/// s ~ U[max(0, 1 - S), 1 + S], hue h ~ U[-H, H] (H &lt;= 0.5); a parameter of 0 disables its adjustment. Draws, in
/// order, from the sample's random source: a uniformly random permutation of the four adjustments (Fisher-Yates), then
/// b, c, s, h (only the enabled ones), as torchvision's <c>get_params</c> draws them from torch's generator; the
/// adjustments then run in the permuted order.
/// </para>
/// <para>
/// The adjustments are torchvision's formulas, op for op, with <c>blend(x, y, r) = clamp(r x + (1 - r) y, 0, max)</c>
/// converted back to the image's dtype (max = 1 for float, 255 for uint8; truncation for uint8) and
/// <c>gray = 0.2989 R + 0.587 G + 0.114 B</c>:
/// brightness <c>blend(x, 0, b)</c>; contrast <c>blend(x, mean(gray), c)</c>; saturation <c>blend(x, gray, s)</c>;
/// hue: to HSV, <c>H' = (H + h) mod 1</c>, back to RGB.
/// </para>
/// </remarks>
public sealed class ColorJitter : ITransform
{
    private readonly (double Lo, double Hi)? brightness;
    private readonly (double Lo, double Hi)? contrast;
    private readonly (double Lo, double Hi)? saturation;
    private readonly (double Lo, double Hi)? hue;

    /// <summary>A colour jitter with the given strengths.</summary>
    /// <param name="brightness">B &gt;= 0: the brightness factor is drawn from [max(0, 1 - B), 1 + B]; 0 disables it.</param>
    /// <param name="contrast">C &gt;= 0: the contrast factor is drawn from [max(0, 1 - C), 1 + C]; 0 disables it.</param>
    /// <param name="saturation">S &gt;= 0: the saturation factor is drawn from [max(0, 1 - S), 1 + S]; 0 disables it.</param>
    /// <param name="hue">H in [0, 0.5]: the hue shift is drawn from [-H, H]; 0 disables it.</param>
    /// <exception cref="ArgumentOutOfRangeException">When a strength is negative (or not finite), or <paramref name="hue"/> exceeds 0.5.</exception>
    public ColorJitter(double brightness = 0, double contrast = 0, double saturation = 0, double hue = 0)
    {
        this.brightness = FactorRange(brightness, nameof(brightness));
        this.contrast = FactorRange(contrast, nameof(contrast));
        this.saturation = FactorRange(saturation, nameof(saturation));
        if (!(hue >= 0 && hue <= 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(hue), hue, "the hue strength must be in [0, 0.5]");
        }

        this.hue = hue == 0 ? null : (-hue, hue);
    }

    /// <summary>Draws the order of the four adjustments (0 brightness, 1 contrast, 2 saturation, 3 hue) and their factors (null when disabled).</summary>
    /// <param name="rng">The random source.</param>
    /// <returns>The order and the factors.</returns>
    public (int[] Order, double? Brightness, double? Contrast, double? Saturation, double? Hue) GetParams(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int[] order = [0, 1, 2, 3];
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return (order, Draw(brightness, rng), Draw(contrast, rng), Draw(saturation, rng), Draw(hue, rng));
    }

    /// <inheritdoc/>
    public ImageSample Apply(ImageSample sample, Random rng)
    {
        ArgumentNullException.ThrowIfNull(sample);
        RequireColorImage(sample.Image, nameof(ColorJitter));
        var (order, b, c, s, h) = GetParams(rng);
        using var scope = DisposeScope.Enter();
        var x = sample.Image;
        foreach (var op in order)
        {
            x = op switch
            {
                0 when b is { } f => AdjustBrightness(x, f),
                1 when c is { } f => AdjustContrast(x, f),
                2 when s is { } f => AdjustSaturation(x, f),
                3 when h is { } f => AdjustHue(x, f),
                _ => x,
            };
        }

        return ImageOps.Escape(sample with { Image = x }, sample);
    }

    /// <summary>
    /// Scales brightness: <c>blend(x, 0, factor) = clamp(factor x, 0, max)</c>.
    /// Same as <c>torchvision.transforms.functional.adjust_brightness</c>.
    /// </summary>
    /// <param name="image">A [C, H, W] image, C = 1 or 3, float32 or uint8.</param>
    /// <param name="factor">Non-negative; 0 gives black, 1 the original.</param>
    /// <returns>A new tensor, caller-owned.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="factor"/> is negative.</exception>
    public static Tensor AdjustBrightness(Tensor image, double factor)
    {
        RequireColorImage(image, nameof(AdjustBrightness));
        RequireNonNegative(factor, nameof(factor));
        using var scope = DisposeScope.Enter();
        return Blend(image, image.ZerosLike(), factor).MoveToOuterScope();
    }

    /// <summary>
    /// Scales contrast: <c>blend(x, m, factor)</c> with m the mean of the grayscale image (of the image itself for one
    /// channel; a uint8 grayscale is truncated to uint8 before averaging). Same as
    /// <c>torchvision.transforms.functional.adjust_contrast</c>.
    /// </summary>
    /// <param name="image">A [C, H, W] image, C = 1 or 3, float32 or uint8.</param>
    /// <param name="factor">Non-negative; 0 gives a uniform gray, 1 the original.</param>
    /// <returns>A new tensor, caller-owned.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="factor"/> is negative.</exception>
    public static Tensor AdjustContrast(Tensor image, double factor)
    {
        RequireColorImage(image, nameof(AdjustContrast));
        RequireNonNegative(factor, nameof(factor));
        using var scope = DisposeScope.Enter();
        var gray = image.Size(0) == 3 ? Grayscale(image) : image;
        var mean = gray.To(ScalarType.Float32).Mean([-3, -2, -1], keepDim: true);
        return Blend(image, mean, factor).MoveToOuterScope();
    }

    /// <summary>
    /// Scales saturation: <c>blend(x, gray, factor)</c>; a one-channel image is returned unchanged (as a new handle).
    /// Same as <c>torchvision.transforms.functional.adjust_saturation</c>.
    /// </summary>
    /// <param name="image">A [C, H, W] image, C = 1 or 3, float32 or uint8.</param>
    /// <param name="factor">Non-negative; 0 gives grayscale, 1 the original.</param>
    /// <returns>A new tensor, caller-owned.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="factor"/> is negative.</exception>
    public static Tensor AdjustSaturation(Tensor image, double factor)
    {
        RequireColorImage(image, nameof(AdjustSaturation));
        RequireNonNegative(factor, nameof(factor));
        if (image.Size(0) == 1)
        {
            return image.Alias();
        }

        using var scope = DisposeScope.Enter();
        return Blend(image, Grayscale(image), factor).MoveToOuterScope();
    }

    /// <summary>
    /// Rotates hue: RGB to HSV, <c>H' = (H + factor) mod 1</c>, back to RGB (a uint8 image goes through float32 / 255
    /// and back with truncation); a one-channel image is returned unchanged (as a new handle).
    /// Same as <c>torchvision.transforms.functional.adjust_hue</c>.
    /// </summary>
    /// <param name="image">A [C, H, W] image, C = 1 or 3, float32 in [0, 1] or uint8.</param>
    /// <param name="factor">The shift in [-0.5, 0.5] (a full turn is 1).</param>
    /// <returns>A new tensor, caller-owned.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="factor"/> is outside [-0.5, 0.5].</exception>
    public static Tensor AdjustHue(Tensor image, double factor)
    {
        RequireColorImage(image, nameof(AdjustHue));
        if (!(factor >= -0.5 && factor <= 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "the hue factor must be in [-0.5, 0.5]");
        }

        if (image.Size(0) == 1)
        {
            return image.Alias();
        }

        using var scope = DisposeScope.Enter();
        var isByte = image.DType == ScalarType.UInt8;
        var x = isByte ? image.To(ScalarType.Float32) / 255.0 : image;
        var hsv = RgbToHsv(x);
        var h = (hsv[0] + factor) % 1L;
        var rgb = HsvToRgb(h, hsv[1], hsv[2]);
        if (isByte)
        {
            rgb = (rgb * 255.0).To(ScalarType.UInt8);
        }

        return rgb.MoveToOuterScope();
    }

    private static (double Lo, double Hi)? FactorRange(double strength, string name)
    {
        if (!(strength >= 0 && double.IsFinite(strength)))
        {
            throw new ArgumentOutOfRangeException(name, strength, $"the {name} strength must be a non-negative number");
        }

        return strength == 0 ? null : (Math.Max(0, 1 - strength), 1 + strength);
    }

    private static double? Draw((double Lo, double Hi)? range, Random rng) =>
        range is { } r ? r.Lo + ((r.Hi - r.Lo) * rng.NextDouble()) : null;

    private static void RequireColorImage(Tensor image, string op)
    {
        ImageOps.RequireImage(image, op);
        if (image.Size(0) is not (1 or 3))
        {
            throw new ArgumentException($"{op}: expected a 1- or 3-channel image, got {image.Size(0)} channels", nameof(image));
        }
    }

    private static void RequireNonNegative(double factor, string name)
    {
        if (!(factor >= 0))
        {
            throw new ArgumentOutOfRangeException(name, factor, "the factor must be non-negative");
        }
    }

    // torchvision's _blend: (r * x + (1 - r) * y).clamp(0, max).to(x.dtype). Call inside a scope.
    private static Tensor Blend(Tensor x, Tensor y, double ratio)
    {
        var bound = x.DType == ScalarType.UInt8 ? 255.0 : 1.0;
        return ((ratio * x) + ((1.0 - ratio) * y)).Clamp(0, bound).To(x.DType);
    }

    // torchvision's rgb_to_grayscale (one output channel), in the image's dtype. Call inside a scope.
    private static Tensor Grayscale(Tensor image)
    {
        var gray = (0.2989 * image[0]) + (0.587 * image[1]) + (0.114 * image[2]);
        return gray.To(image.DType).Unsqueeze(-3);
    }

    // torchvision's _rgb2hsv (after Pillow): h, s, v planes. Call inside a scope.
    private static Tensor[] RgbToHsv(Tensor img)
    {
        var (r, g, b) = (img[0], img[1], img[2]);
        var maxc = img.Max(-3).Values;
        var minc = img.Min(-3).Values;
        var eqc = maxc.Eq(minc);
        var cr = maxc - minc;
        var ones = maxc.OnesLike();
        var s = cr / Tensor.Where(eqc, ones, maxc);
        var crDivisor = Tensor.Where(eqc, ones, cr);
        var rc = (maxc - r) / crDivisor;
        var gc = (maxc - g) / crDivisor;
        var bc = (maxc - b) / crDivisor;
        var hr = maxc.Eq(r) * (bc - gc);
        var hg = (maxc.Eq(g) & maxc.Ne(r)) * (2.0 + rc - bc);
        var hb = (maxc.Ne(g) & maxc.Ne(r)) * (4.0 + gc - rc);
        var h = hr + hg + hb;
        // torchvision takes torch.fmod here; the operand h / 6 + 1 lies in [5/6, 2), where fmod and remainder by 1
        // agree and are both exact (x or x - 1), so the binding's remainder gives the same bits.
        h = ((h / 6.0) + 1.0) % 1L;
        return [h, s, maxc];
    }

    // torchvision's _hsv2rgb. Call inside a scope.
    private static Tensor HsvToRgb(Tensor h, Tensor s, Tensor v)
    {
        var i = (h * 6.0).Floor();
        var f = (h * 6.0) - i;
        var iInt = i.To(ScalarType.Int32);
        var p = (v * (1.0 - s)).Clamp(0.0, 1.0);
        var q = (v * (1.0 - (s * f))).Clamp(0.0, 1.0);
        var t = (v * (1.0 - (s * (1.0 - f)))).Clamp(0.0, 1.0);
        iInt %= 6L;
        var mask = iInt.Unsqueeze(-3).Eq(Tensor.Arange(6).View(-1, 1, 1));
        var a1 = Tensor.Stack([v, q, p, p, t, v], -3);
        var a2 = Tensor.Stack([t, v, v, q, p, p], -3);
        var a3 = Tensor.Stack([p, p, t, v, v, q], -3);
        var a4 = Tensor.Stack([a1, a2, a3], -4);
        return Tensor.Einsum("...ijk, ...xijk -> ...xjk", mask.To(h.DType), a4);
    }
}
