using Srn.Torch;

namespace Srn.Training.Losses;

/// <summary>Reads the <c>loss_norm</c> method option and applies a <see cref="LossNormalization"/>.</summary>
public static class LossNormalizations
{
    /// <summary>The option's name.</summary>
    public const string OptionName = "loss_norm";

    /// <summary>Reads <c>loss_norm</c> (<c>batch</c> or <c>mean</c>, any case), or the default when absent.</summary>
    /// <param name="setup">The setup.</param>
    /// <param name="fallback">The method's default.</param>
    /// <returns>The normalisation.</returns>
    /// <exception cref="ArgumentException">For another value; the message names the option and the valid values.</exception>
    public static LossNormalization Read(MethodSetup setup, LossNormalization fallback)
    {
        ArgumentNullException.ThrowIfNull(setup);
        return !setup.Options.TryGetValue(OptionName, out var text) ? fallback
            : text.Trim().ToUpperInvariant() switch
            {
                "BATCH" => LossNormalization.Batch,
                "MEAN" => LossNormalization.Mean,
                _ => throw new ArgumentException($"Method '{setup.Method}': {OptionName} '{text}' is not one of batch, mean."),
            };
    }

    /// <summary>A loss with this normalisation: <see cref="IMultiLabelLoss.ComputeSumPerImage"/> or <see cref="IMultiLabelLoss.Compute"/>.</summary>
    /// <param name="loss">The loss.</param>
    /// <param name="logits">Logits <c>[B, C]</c>.</param>
    /// <param name="targets">Targets <c>[B, C]</c> (1 / -1 / 0, or soft positives).</param>
    /// <param name="normalization">The normalisation.</param>
    /// <returns>A 0-d tensor.</returns>
    public static Tensor Compute(this IMultiLabelLoss loss, Tensor logits, Tensor targets, LossNormalization normalization)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return normalization == LossNormalization.Batch ? loss.ComputeSumPerImage(logits, targets) : loss.Compute(logits, targets);
    }

    /// <summary>Reduces elementwise losses <c>[B, C]</c> (every entry counted): <c>sum / B</c> for <see cref="LossNormalization.Batch"/>, the mean otherwise.</summary>
    /// <param name="elementwise">The loss of each entry.</param>
    /// <param name="normalization">The normalisation.</param>
    /// <returns>A 0-d tensor; 0 for an empty batch with <see cref="LossNormalization.Batch"/>.</returns>
    /// <remarks>For terms with a target on every entry, such as a distillation term: <c>F.binary_cross_entropy_with_logits(x, y, reduction="sum") / B</c> or <c>reduction="mean"</c>.</remarks>
    public static Tensor Reduce(Tensor elementwise, LossNormalization normalization)
    {
        ArgumentNullException.ThrowIfNull(elementwise);
        return normalization == LossNormalization.Batch ? elementwise.Sum() / (double)Math.Max(elementwise.Size(0), 1) : elementwise.Mean();
    }
}
