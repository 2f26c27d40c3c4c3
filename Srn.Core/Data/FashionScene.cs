using System.Collections.Immutable;
using Srn.Torch;
using Srn.Vision;

namespace Srn.Data;

/// <summary>One generated FashionScenes image: RGB pixels, its items with their boxes, and its labels.</summary>
public sealed class FashionScene
{
    private readonly byte[] pixels;

    internal FashionScene(SceneSplit split, int index, string style, int size, byte[] pixels, IReadOnlyList<SceneItem> items)
    {
        Split = split;
        Index = index;
        Style = style;
        Width = Height = size;
        this.pixels = pixels;
        Items = items;
        var labels = new sbyte[FashionMnist.ClassNames.Count];
        Array.Fill(labels, (sbyte)-1);
        foreach (var item in items)
        {
            labels[item.Class] = 1;
        }

        Labels = [.. labels];
    }

    /// <summary>The split the scene belongs to.</summary>
    public SceneSplit Split { get; }

    /// <summary>The scene's index in its split.</summary>
    public int Index { get; }

    /// <summary>The outfit style (winter, summer, evening, office, sport) or "scattered".</summary>
    public string Style { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels: RGB, row-major, height x width x 3 (HWC), one byte per channel.</summary>
    public ReadOnlyMemory<byte> Pixels => pixels;

    /// <summary>The items, in drawing order (later items are drawn over earlier ones).</summary>
    public IReadOnlyList<SceneItem> Items { get; }

    /// <summary>The label vector: 1 for each class that has a box, -1 for the others (never 0).</summary>
    public ImmutableArray<sbyte> Labels { get; }

    /// <summary>The boxes of the items, each with its class.</summary>
    public IEnumerable<Box> Boxes => Items.Select(i => i.Box);

    /// <summary>The pixels as a uint8 tensor [3, H, W] (torchvision.io's layout), ready for the transforms.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor ToTensor()
    {
        var chw = new byte[pixels.Length];
        var plane = Width * Height;
        for (var p = 0; p < plane; p++)
        {
            chw[p] = pixels[3 * p];
            chw[plane + p] = pixels[(3 * p) + 1];
            chw[(2 * plane) + p] = pixels[(3 * p) + 2];
        }

        return Tensor.FromArray(chw, [3, Height, Width]);
    }
}
