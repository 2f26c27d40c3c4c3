using Srn.Data;
using Srn.Torch;
using Srn.Vision;

namespace Srn.Tests.Training;

/// <summary>
/// A small in-memory multi-label dataset for training tests: S x S uint8 images where class c, when present, paints a
/// bright square at its own spot and in its own colour over a noisy background. Learnable in a few epochs; deterministic.
/// </summary>
internal sealed class TinyScenes : IMultiLabelDataset
{
    private readonly byte[][] pixels;
    private readonly sbyte[][] labels;
    private readonly int size;

    public TinyScenes(int count, int classes = 4, int size = 32, int seed = 0)
    {
        this.size = size;
        Classes = [.. Enumerable.Range(0, classes).Select(c => $"c{c}")];
        var rng = new Random(seed);
        pixels = new byte[count][];
        labels = new sbyte[count][];
        var cell = size / 4;
        for (var i = 0; i < count; i++)
        {
            var img = new byte[3 * size * size];
            for (var k = 0; k < img.Length; k++)
            {
                img[k] = (byte)rng.Next(0, 60);
            }

            var row = new sbyte[classes];
            for (var c = 0; c < classes; c++)
            {
                row[c] = rng.NextDouble() < 0.4 ? (sbyte)1 : (sbyte)-1;
                if (row[c] == 1)
                {
                    var top = (c / 2 % 2 * 2 * cell) + rng.Next(0, cell);
                    var left = (c % 2 * 2 * cell) + rng.Next(0, cell);
                    for (var y = top; y < top + cell; y++)
                    {
                        for (var x = left; x < left + cell; x++)
                        {
                            img[(c % 3 * size * size) + (y * size) + x] = 250;
                        }
                    }
                }
            }

            pixels[i] = img;
            labels[i] = row;
        }
    }

    public int Count => pixels.Length;

    public IReadOnlyList<string> Classes { get; }

    public MultiLabelItem Load(int index)
    {
        var image = Tensor.FromArray(pixels[index], [3, size, size]);
        return new MultiLabelItem(new ImageSample(image), (sbyte[])labels[index].Clone(), $"img{index}");
    }
}
