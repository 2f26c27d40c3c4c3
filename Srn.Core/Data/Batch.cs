using Srn.Torch;
using Srn.Vision;

namespace Srn.Data;

/// <summary>
/// A collated batch: images [B, C, H, W], targets [B, classes] (float32 1 / -1 / 0), dataset indices [B] (int64) and,
/// when asked, each image's boxes. It owns its tensors (made on a worker thread, outside the consumer's scopes):
/// dispose it, e.g. <c>foreach (var batch in loader.Epoch(e)) using (batch) { ... }</c>.
/// </summary>
public sealed class Batch : IDisposable
{
    internal Batch(Tensor images, Tensor targets, Tensor indices, IReadOnlyList<IReadOnlyList<Box>>? boxes, IReadOnlyList<string> names, int skipped)
    {
        Images = images;
        Targets = targets;
        Indices = indices;
        Boxes = boxes;
        Names = names;
        Skipped = skipped;
    }

    /// <summary>Images [B, C, H, W].</summary>
    public Tensor Images { get; }

    /// <summary>Targets [B, classes]: 1 present, -1 absent, 0 unknown (float32, ready for masked losses).</summary>
    public Tensor Targets { get; }

    /// <summary>Dataset indices [B] (int64).</summary>
    public Tensor Indices { get; }

    /// <summary>Each image's boxes after augmentation, when the loader was asked for them; otherwise null.</summary>
    public IReadOnlyList<IReadOnlyList<Box>>? Boxes { get; }

    /// <summary>Each image's name.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Examples of this batch skipped as undecodable (see <see cref="DataLoaderOptions.SkipBadImages"/>).</summary>
    public int Skipped { get; }

    /// <summary>Number of examples.</summary>
    public int Count => Names.Count;

    /// <summary>Frees the batch's tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Targets.Dispose();
        Indices.Dispose();
    }
}
