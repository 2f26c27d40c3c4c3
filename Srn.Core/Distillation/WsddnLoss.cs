using Srn.Torch;

namespace Srn.Distillation;

/// <summary>
/// WSDDN's image-level loss on scores that are already probabilities, with partial labels masked:
/// <code>
/// p = clamp(phi, 1e-4, 1 - 1e-4)
/// l = -log p  for t &gt; 0,   -log(1 - p)  for t &lt; 0,   ignored for t = 0
/// L = sum of l over known entries / number of known entries   (0 when none)
/// </code>
/// </summary>
/// <remarks>
/// Same as <c>torch.nn.functional.binary_cross_entropy(phi.clamp(1e-4, 1 - 1e-4)[m], t[m].clamp(0))</c> on
/// <c>m = t != 0</c>; the clamp (as in the reference's Caffe layer) keeps the log finite and stops the gradient of
/// saturated scores.
/// </remarks>
public static class WsddnLoss
{
    /// <summary>Lower clamp of phi.</summary>
    public const double Epsilon = 1e-4;

    /// <summary>Computes the loss.</summary>
    /// <param name="phi">Image scores <c>[N, K]</c> in [0, 1].</param>
    /// <param name="targets">Targets <c>[N, K]</c>: 1, -1, 0 (unknown).</param>
    /// <returns>A 0-d tensor.</returns>
    /// <exception cref="ArgumentException">When the shapes differ.</exception>
    public static Tensor Compute(Tensor phi, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(phi);
        ArgumentNullException.ThrowIfNull(targets);
        if (!phi.Shape.SequenceEqual(targets.Shape))
        {
            throw new ArgumentException($"WSDDN loss: scores [{string.Join(", ", phi.Shape)}] and targets [{string.Join(", ", targets.Shape)}] differ.", nameof(targets));
        }

        using var scope = DisposeScope.Enter();
        var p = phi.Clamp(Epsilon, 1 - Epsilon);
        var known = targets.Ne(0.0).To(phi.DType);
        var positive = targets.Clamp(0.0, 1.0).To(phi.DType);
        var elementwise = Functional.BinaryCrossEntropy(p, positive, reduction: Reduction.None);
        return ((elementwise * known).Sum() / known.Sum().Clamp(min: 1.0)).MoveToOuterScope();
    }
}
