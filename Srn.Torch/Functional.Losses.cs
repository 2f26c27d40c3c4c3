using Srn.Torch.Interop;

namespace Srn.Torch;

public static partial class Functional
{
    /// <summary>
    /// Binary cross-entropy between probabilities and targets:
    /// <c>l_i = -w_i * (y_i * log(x_i) + (1 - y_i) * log(1 - x_i))</c>, each log clamped to at least -100,
    /// then reduced. Same as <c>torch.nn.functional.binary_cross_entropy</c>.
    /// </summary>
    /// <param name="input">Probabilities in [0, 1], any shape.</param>
    /// <param name="target">Targets in [0, 1], the same shape as <paramref name="input"/>.</param>
    /// <param name="weight">Optional rescaling weight, broadcast to the target's shape.</param>
    /// <param name="reduction">None, Mean (over all elements) or Sum.</param>
    /// <returns>The loss: a scalar, or shaped like <paramref name="input"/> for <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> or <paramref name="target"/> is null.</exception>
    /// <exception cref="TorchException">When input and target shapes differ, the weight does not broadcast, or an input is outside [0, 1].</exception>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        return Tensor.Wrap(NativeMethods.srn_binary_cross_entropy(input.Handle, target.Handle, Tensor.HandleOrNull(weight), (int)reduction));
    }

    /// <summary>
    /// Binary cross-entropy on logits, computed stably from the logits themselves:
    /// <c>l_i = -w_i * (p_c * y_i * log(sigmoid(x_i)) + (1 - y_i) * log(1 - sigmoid(x_i)))</c>, where <c>p_c</c> is the
    /// positive weight of the element's class, then reduced. Same as <c>torch.nn.functional.binary_cross_entropy_with_logits</c>.
    /// </summary>
    /// <param name="input">Logits, any shape.</param>
    /// <param name="target">Targets in [0, 1], the same shape as <paramref name="input"/>.</param>
    /// <param name="weight">Optional rescaling weight, broadcastable to the input's shape.</param>
    /// <param name="posWeight">Optional weight of positive examples, broadcast along the last (class) dimension.</param>
    /// <param name="reduction">None, Mean (over all elements) or Sum.</param>
    /// <returns>The loss: a scalar, or shaped like <paramref name="input"/> for <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> or <paramref name="target"/> is null.</exception>
    /// <exception cref="TorchException">When input and target shapes differ, or a weight does not broadcast.</exception>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Tensor? posWeight = null, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        return Tensor.Wrap(NativeMethods.srn_binary_cross_entropy_with_logits(
            input.Handle, target.Handle, Tensor.HandleOrNull(weight), Tensor.HandleOrNull(posWeight), (int)reduction));
    }

    /// <summary>
    /// Cross-entropy between logits and class targets. With class indices <c>y_n</c>:
    /// <c>l_n = -w_{y_n} * log(softmax(x_n)_{y_n})</c>, and Mean divides by <c>sum_n w_{y_n}</c> over non-ignored samples.
    /// With class probabilities <c>y_{n,c}</c>: <c>l_n = -sum_c w_c * y_{n,c} * log(softmax(x_n)_c)</c>, and Mean divides by N.
    /// Label smoothing <c>e</c> replaces the target with <c>(1 - e) * target + e / C</c>.
    /// Same as <c>torch.nn.functional.cross_entropy</c>.
    /// </summary>
    /// <param name="input">Logits, (N, C), (C) or (N, C, d1, ...).</param>
    /// <param name="target">Either int64 class indices in [0, C), shaped (N), () or (N, d1, ...); or float class probabilities shaped like <paramref name="input"/>.</param>
    /// <param name="weight">Optional per-class weight, shape (C).</param>
    /// <param name="ignoreIndex">A class-index target that contributes neither loss nor gradient (index targets only).</param>
    /// <param name="reduction">None, Mean or Sum.</param>
    /// <param name="labelSmoothing">Amount of smoothing in [0, 1].</param>
    /// <returns>The loss: a scalar, or per sample for <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> or <paramref name="target"/> is null.</exception>
    /// <exception cref="TorchException">When a target class is out of range, shapes disagree, or the label smoothing is outside [0, 1].</exception>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        return Tensor.Wrap(NativeMethods.srn_cross_entropy(input.Handle, target.Handle, Tensor.HandleOrNull(weight), ignoreIndex, (int)reduction, labelSmoothing));
    }

    /// <summary>
    /// Kullback-Leibler divergence of the target from the input, the input given as log-probabilities:
    /// <c>l = y * (log(y) - x)</c>, or <c>l = exp(y) * (y - x)</c> when <paramref name="logTarget"/>, then reduced.
    /// Same as <c>torch.nn.functional.kl_div</c>.
    /// </summary>
    /// <param name="input">Log-probabilities, any shape.</param>
    /// <param name="target">Probabilities (or log-probabilities when <paramref name="logTarget"/>), the same shape.</param>
    /// <param name="reduction">None, Mean (over every element), Sum, or BatchMean (sum over the batch size: the true KL divergence per sample).</param>
    /// <param name="logTarget">Whether the target is given as log-probabilities.</param>
    /// <returns>The loss: a scalar, or pointwise for <see cref="KlDivReduction.None"/>.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> or <paramref name="target"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">For an unknown reduction.</exception>
    /// <exception cref="TorchException">When the shapes do not broadcast.</exception>
    public static Tensor KlDiv(Tensor input, Tensor target, KlDivReduction reduction = KlDivReduction.Mean, bool logTarget = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (!Enum.IsDefined(reduction))
        {
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "unknown KL-divergence reduction");
        }

        return Tensor.Wrap(NativeMethods.srn_kl_div(input.Handle, target.Handle, (int)reduction, logTarget ? 1 : 0));
    }

    /// <summary>
    /// Mean squared error: <c>l_i = (x_i - y_i)^2</c> after broadcasting input and target, then reduced.
    /// Same as <c>torch.nn.functional.mse_loss</c>.
    /// </summary>
    /// <param name="input">The prediction.</param>
    /// <param name="target">The target, broadcastable with <paramref name="input"/> (normally the same shape).</param>
    /// <param name="reduction">None, Mean or Sum.</param>
    /// <returns>The loss: a scalar, or the broadcast shape for <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentNullException">When <paramref name="input"/> or <paramref name="target"/> is null.</exception>
    /// <exception cref="TorchException">When the shapes do not broadcast.</exception>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        return Tensor.Wrap(NativeMethods.srn_mse_loss(input.Handle, target.Handle, (int)reduction));
    }
}
