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
}
