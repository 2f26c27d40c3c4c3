using Srn.Torch;

namespace Srn.Training.Losses;

/// <summary>Argument checks shared by the multi-label losses.</summary>
public static class LossShapes
{
    /// <summary>Checks that logits and targets are both <c>[B, C]</c> with the same shape.</summary>
    /// <param name="loss">The loss's name, for the message.</param>
    /// <param name="logits">Logits.</param>
    /// <param name="targets">Targets.</param>
    /// <exception cref="ArgumentNullException">When either is null.</exception>
    /// <exception cref="ArgumentException">When either is not 2-D or the shapes differ.</exception>
    public static void Check(string loss, Tensor logits, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        var a = logits.Shape;
        var b = targets.Shape;
        if (a.Length != 2 || b.Length != 2 || a[0] != b[0] || a[1] != b[1])
        {
            throw new ArgumentException(
                $"{loss}: logits and targets must both be [batch, classes]; got logits [{string.Join(", ", a)}] and targets [{string.Join(", ", b)}].");
        }
    }

    /// <summary>
    /// The logits in float32: a loss is computed in full precision even when the network ran under autocast (bfloat16 or
    /// float16 logits), as PyTorch's recipes do with <c>loss_fn(output.float(), target)</c>; float32 and float64 pass as they are.
    /// </summary>
    /// <param name="logits">Logits of any floating type.</param>
    /// <returns>The same tensor, or a float32 copy of a low-precision one (differentiable).</returns>
    public static Tensor FullPrecision(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        return logits.DType is ScalarType.BFloat16 or ScalarType.Float16 ? logits.To(ScalarType.Float32) : logits;
    }
}
