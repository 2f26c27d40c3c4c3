using Srn.Torch;

namespace Srn.PartialLabels.Blending;

/// <summary>
/// Blends a few (image, class) entries of a batch with given prototypes: x'' = β x + (1 − β) p there, x elsewhere, and
/// targets 1 − β there. Only the chosen rows are computed; the rest is a copy, so gradients reach every entry.
/// </summary>
internal static class SparseBlend
{
    /// <param name="features">[B, C, ...].</param>
    /// <param name="targets">[B, C].</param>
    /// <param name="beta">0-d coefficient in [0, 1].</param>
    /// <param name="images">Image of each chosen entry.</param>
    /// <param name="classes">Class of each chosen entry.</param>
    /// <param name="prototypes">[K, ...] the prototype of each chosen entry (same device and trailing shape as the features).</param>
    public static BlendResult Apply(Tensor features, Tensor targets, Tensor beta, long[] images, long[] classes, Func<Tensor> prototypes)
    {
        using var scope = DisposeScope.Enter();
        var device = features.Device;
        var y = targets.To(features.Device, features.DType);
        var b = features.Size(0);
        var c = features.Size(1);
        var mask = Tensor.Zeros([b, c], ScalarType.Bool, device);
        if (images.Length == 0)
        {
            return new BlendResult(features.Alias().MoveToOuterScope(), y.Clone().MoveToOuterScope(), mask.MoveToOuterScope());
        }

        var rows = Tensor.FromArray(images).To(device);
        var cols = Tensor.FromArray(classes).To(device);
        TensorIndex[] at = [rows, cols];
        var selected = features.Index(at);                                  // [K, ...]
        // In the features' dtype, as Python's `features[idx] = ...` casts: under autocast the features are bfloat16 while
        // beta and the prototype bank stay float32.
        var blendedRows = ((beta * selected) + ((1.0 - beta) * prototypes())).To(features.DType);
        var blended = features.Clone();
        blended.IndexPut_(at, blendedRows);
        var blendedTargets = y.Clone();
        blendedTargets.IndexPut_(at, (1.0 - beta).Expand(images.Length).To(y.DType));
        mask.IndexPut_(at, 1.0);
        return new BlendResult(blended.MoveToOuterScope(), blendedTargets.MoveToOuterScope(), mask.MoveToOuterScope());
    }

    /// <summary>Draws up to <paramref name="count"/> distinct items uniformly (partial Fisher–Yates), in draw order.</summary>
    public static List<int> Choose(List<int> candidates, int count, Random rng)
    {
        var pool = new List<int>(candidates);
        var take = Math.Min(count, pool.Count);
        for (var i = 0; i < take; i++)
        {
            var j = i + rng.Next(pool.Count - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }

        pool.RemoveRange(take, pool.Count - take);
        return pool;
    }
}
