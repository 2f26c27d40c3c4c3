using Srn.Torch;

namespace Srn.Vision;

/// <summary>Renders a low-resolution map (attention, activation) as a colour heat map blended over its image, as in the SRN paper's figures.</summary>
public static class HeatMap
{
    /// <summary>
    /// Upsamples <paramref name="map"/> bilinearly to the image, rescales it to [0, 1] (min to max), colours it with a
    /// jet-like map (blue low, red high) and blends: out = (1 - opacity) image + opacity colour.
    /// </summary>
    /// <param name="image">uint8 <c>[3, H, W]</c>.</param>
    /// <param name="map">Real <c>[h, w]</c>.</param>
    /// <param name="opacity">Weight of the colour, in [0, 1].</param>
    /// <returns>uint8 <c>[3, H, W]</c>.</returns>
    /// <exception cref="ArgumentException">When the shapes are not [3, H, W] and [h, w].</exception>
    public static Tensor Blend(Tensor image, Tensor map, double opacity = 0.5)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(map);
        if (image.Shape is not [3, var height, var width] || map.Dim != 2)
        {
            throw new ArgumentException($"Heat map: expected an image [3, H, W] and a map [h, w], got [{string.Join(", ", image.Shape)}] and [{string.Join(", ", map.Shape)}].");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(opacity, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(opacity, 1);
        using var scope = DisposeScope.Enter();
        var m = map.To(ScalarType.Float32).Reshape([1, 1, map.Shape[0], map.Shape[1]]);
        var up = Functional.Interpolate(m, (height, width), mode: InterpolationMode.Bilinear, alignCorners: false).Reshape([height, width]);
        var v = (up - up.Min()) / (up.Max() - up.Min()).Clamp(min: 1e-12);
        var colour = Tensor.Stack([Channel(v, 3), Channel(v, 2), Channel(v, 1)]);
        var blended = (image.To(ScalarType.Float32) * (1 - opacity)) + (colour * (255 * opacity));
        return blended.Round().Clamp(0, 255).To(ScalarType.UInt8).MoveToOuterScope();
    }

    // Jet: each channel is a tent of height 1.5 clipped to [0, 1], centred at 3/4 (red), 1/2 (green), 1/4 (blue).
    private static Tensor Channel(Tensor v, double centre) => ((v * 4.0) - centre).Abs().Neg().Add(1.5).Clamp(0.0, 1.0);
}
