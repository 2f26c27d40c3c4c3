using Srn.Torch;

namespace Srn.Distillation;

/// <summary>
/// WSDDN's image-level loss on scores that are already probabilities (phi in [0, 1]), with partial labels masked. Two
/// forms, with t = 1 for a positive and 0 for a negative (targets 1 / -1), unknown entries (target 0) left out:
/// <code>
/// Compute (the reference's):
///   l      = -t log max(p, 1e-4) - (1 - t) log max(1 - p, 1e-4)
///   L      = sum of l over the known entries / N                       (N: the batch size)
///   dL/dp  = (-t / max(p, 1e-4) + (1 - t) / max(1 - p, 1e-4)) / N       on known entries, 0 on unknown ones
/// ClampedMean:
///   p'     = clamp(p, 1e-4, 1 - 1e-4)
///   L      = mean over the known entries of -t log p' - (1 - t) log(1 - p')   (0 when none is known)
///   dL/dp  = 0 where p is outside [1e-4, 1 - 1e-4]                     (clamp's gradient)
/// </code>
/// </summary>
/// <remarks>
/// <see cref="Compute"/> is the loss layer of the reference (Yochengliu/MLIC-KD-WSD,
/// <c>caffe-MLIC/src/caffe/layers/cross_entropy_loss_layer.cpp</c>, <c>CrossEntropyLossLayer</c>, the loss of
/// <c>wsddn/wsddn_train.prototxt</c>): the forward pass sums <c>-log(max(p, 0.0001))</c> or <c>-log(max(1 - p, 0.0001))</c>
/// over every entry of the batch and divides by <c>num</c> (the batch size); the backward pass is written by hand as
/// <c>t / max(p, 0.0001) + (1 - t) / min(p - 1, -0.0001)</c>, scaled by <c>-1 / num</c>. So a saturated score keeps a
/// gradient of magnitude <c>1e4 / N</c> pushing it back, where a clamp (<see cref="ClampedMean"/>, the same as
/// <c>F.binary_cross_entropy(phi.clamp(1e-4, 1 - 1e-4)[m], t[m].clamp(0))</c> on <c>m = t != 0</c>) has none. Partial
/// labels: unknown entries add nothing to the sum and get no gradient, and the sum is still divided by N (the layer
/// has no mask; this is its sum restricted to the known entries).
/// </remarks>
public static class WsddnLoss
{
    /// <summary>The floor of p and 1 - p in both forms (the reference's <c>Dtype(0.0001)</c>).</summary>
    public const double Epsilon = 1e-4;

    /// <summary>The reference's loss: summed over the known entries, divided by the batch size, with its hand-written gradient.</summary>
    /// <param name="phi">Image scores <c>[N, K]</c> in [0, 1] (a low-precision tensor is computed in float32).</param>
    /// <param name="targets">Targets <c>[N, K]</c>: 1, -1, 0 (unknown).</param>
    /// <returns>A 0-d tensor; 0 for an empty batch or one without a known entry.</returns>
    /// <exception cref="ArgumentException">When the shapes differ.</exception>
    public static Tensor Compute(Tensor phi, Tensor targets)
    {
        Check(phi, targets);
        using var scope = DisposeScope.Enter();
        phi = FullPrecision(phi);
        var known = targets.Ne(0.0).To(phi.DType);
        var t = targets.Clamp(0.0, 1.0).To(phi.DType);
        var p = phi.Detach();
        var positive = p.Clamp(min: Epsilon);
        var negative = (1.0 - p).Clamp(min: Epsilon);
        var value = -(t * positive.Log()) - ((1.0 - t) * negative.Log());
        var slope = (-t / positive) + ((1.0 - t) / negative);

        // phi - p is exactly 0, so the value is the layer's forward; its derivative in phi is the layer's backward,
        // which the clamp's own derivative (0 outside the range) would not give.
        var elementwise = value + ((phi - p) * slope);
        return ((elementwise * known).Sum() / (double)Math.Max(phi.Size(0), 1)).MoveToOuterScope();
    }

    /// <summary>The clamped BCE averaged over the known entries (this library's first form; no gradient at saturation).</summary>
    /// <param name="phi">Image scores <c>[N, K]</c> in [0, 1] (a low-precision tensor is computed in float32).</param>
    /// <param name="targets">Targets <c>[N, K]</c>: 1, -1, 0 (unknown).</param>
    /// <returns>A 0-d tensor; 0 when no entry is known.</returns>
    /// <exception cref="ArgumentException">When the shapes differ.</exception>
    public static Tensor ClampedMean(Tensor phi, Tensor targets)
    {
        Check(phi, targets);
        using var scope = DisposeScope.Enter();
        phi = FullPrecision(phi);
        var p = phi.Clamp(Epsilon, 1 - Epsilon);
        var known = targets.Ne(0.0).To(phi.DType);
        var positive = targets.Clamp(0.0, 1.0).To(phi.DType);
        var elementwise = Functional.BinaryCrossEntropy(p, positive, reduction: Reduction.None);
        return ((elementwise * known).Sum() / known.Sum().Clamp(min: 1.0)).MoveToOuterScope();
    }

    private static void Check(Tensor phi, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(phi);
        ArgumentNullException.ThrowIfNull(targets);
        if (!phi.Shape.SequenceEqual(targets.Shape) || phi.Shape.Length != 2)
        {
            throw new ArgumentException($"WSDDN loss: scores and targets must both be [batch, classes]; got scores [{string.Join(", ", phi.Shape)}] and targets [{string.Join(", ", targets.Shape)}].", nameof(targets));
        }
    }

    // A loss is computed in float32 even when the network ran under autocast (bfloat16 or float16 scores).
    private static Tensor FullPrecision(Tensor phi) => phi.DType is ScalarType.BFloat16 or ScalarType.Float16 ? phi.To(ScalarType.Float32) : phi;
}
