using System.Globalization;

namespace Srn.Data;

/// <summary>The parameters of a FashionScenes generation (docs/fashion-scenes.md). The same options and data give the same bytes.</summary>
public sealed record FashionScenesOptions
{
    /// <summary>The seed of every random choice. Defaults to 0.</summary>
    public int Seed { get; init; }

    /// <summary>The number of training scenes (at least 10, so every class occurs). Defaults to 10,000.</summary>
    public int TrainScenes { get; init; } = 10_000;

    /// <summary>The number of test scenes (at least 10). Defaults to 2,000.</summary>
    public int TestScenes { get; init; } = 2_000;

    /// <summary>The side of the square canvas in pixels (56..1024); item sizes scale with it. Defaults to 112.</summary>
    public int CanvasSize { get; init; } = 112;

    /// <summary>The fraction of scenes whose items are scattered at random positions instead of following an outfit. Defaults to 0.25.</summary>
    public double ScatteredFraction { get; init; } = 0.25;

    /// <summary>The amplitude of the background noise in grey levels (0..64): each channel of each background pixel moves by up to this much. Defaults to 10.</summary>
    public int BackgroundNoise { get; init; } = 10;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    public void Validate()
    {
        var classes = FashionMnist.ClassNames.Count;
        Check(TrainScenes >= classes, nameof(TrainScenes), TrainScenes, $"at least {classes}, so that every class occurs");
        Check(TestScenes >= classes, nameof(TestScenes), TestScenes, $"at least {classes}, so that every class occurs");
        Check(CanvasSize is >= 56 and <= 1024, nameof(CanvasSize), CanvasSize, "between 56 and 1024");
        Check(ScatteredFraction is >= 0 and <= 1, nameof(ScatteredFraction), ScatteredFraction, "between 0 and 1");
        Check(BackgroundNoise is >= 0 and <= 64, nameof(BackgroundNoise), BackgroundNoise, "between 0 and 64");
    }

    /// <summary>The number of scenes of a split.</summary>
    /// <param name="split">The split.</param>
    /// <returns><see cref="TrainScenes"/> or <see cref="TestScenes"/>.</returns>
    public int ScenesOf(SceneSplit split) => split == SceneSplit.Train ? TrainScenes : TestScenes;

    private static void Check(bool ok, string name, object value, string range)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} must be {range}; got {value}."));
        }
    }
}
