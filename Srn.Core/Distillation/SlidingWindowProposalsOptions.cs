using System.Globalization;

namespace Srn.Distillation;

/// <summary>
/// The parameters of <see cref="SlidingWindowProposals"/>: which window sizes and shapes slide over an image, how densely,
/// how many are kept, and the ring of the edge-density objectness.
/// </summary>
/// <remarks>
/// With the defaults a square image gets 450 to 490 windows (all kept) and a 4:3 image about 640 (capped to 500); see
/// <see cref="SlidingWindowProposals"/> for the layout.
/// </remarks>
public sealed record SlidingWindowProposalsOptions
{
    /// <summary>
    /// Window scales as fractions of the image's shorter side, each in (0, 1]: a window of scale s and aspect a is
    /// <c>s * short * sqrt(a)</c> wide and <c>s * short / sqrt(a)</c> high (clipped to the image). Defaults to
    /// {0.2, 0.3, 0.45, 0.65, 0.9}.
    /// </summary>
    public IReadOnlyList<double> Scales { get; init; } = [0.2, 0.3, 0.45, 0.65, 0.9];

    /// <summary>Window aspect ratios, width / height, each positive. Defaults to {0.5, 1, 2}.</summary>
    public IReadOnlyList<double> Aspects { get; init; } = [0.5, 1.0, 2.0];

    /// <summary>The step between neighbouring windows as a fraction of the window's size along that axis, in (0, 1]. Defaults to 0.5.</summary>
    public double Stride { get; init; } = 0.5;

    /// <summary>The most windows kept per image (R), at least 1. Defaults to 500, the reference's EdgeBoxes count.</summary>
    public int MaxBoxes { get; init; } = 500;

    /// <summary>
    /// The width of the ring around a window that the objectness compares it with, as a fraction of the window's size along
    /// each axis, in (0, 1]. Defaults to 0.25.
    /// </summary>
    public double RingFraction { get; init; } = 0.25;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentNullException">A list is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Scales, nameof(Scales));
        ArgumentNullException.ThrowIfNull(Aspects, nameof(Aspects));
        Check(Scales.Count > 0, nameof(Scales), Scales.Count, "non-empty");
        foreach (var s in Scales)
        {
            Check(s > 0 && s <= 1, nameof(Scales), s, "fractions in (0, 1]");
        }

        Check(Aspects.Count > 0, nameof(Aspects), Aspects.Count, "non-empty");
        foreach (var a in Aspects)
        {
            Check(a > 0 && double.IsFinite(a), nameof(Aspects), a, "positive and finite");
        }

        Check(Stride > 0 && Stride <= 1, nameof(Stride), Stride, "in (0, 1]");
        Check(MaxBoxes >= 1, nameof(MaxBoxes), MaxBoxes, "at least 1");
        Check(RingFraction > 0 && RingFraction <= 1, nameof(RingFraction), RingFraction, "in (0, 1]");
    }

    private static void Check(bool ok, string name, object value, string range)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} must be {range}; got {value}."));
        }
    }
}
