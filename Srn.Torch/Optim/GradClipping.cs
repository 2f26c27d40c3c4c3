namespace Srn.Torch.Optim;

/// <summary>Gradient clipping. Same as <c>torch.nn.utils.clip_grad_norm_</c>.</summary>
public static class GradClipping
{
    /// <summary>
    /// Rescales the gradients of <paramref name="parameters"/> in place so that their total norm, taken over all of them
    /// as one vector, is at most <paramref name="maxNorm"/>: with N = ‖(‖g₁‖_p, …, ‖g_k‖_p)‖_p (max |g| for p = ∞),
    /// every g ← g · min(1, maxNorm / (N + 10⁻⁶)). Parameters without a gradient are ignored.
    /// </summary>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="maxNorm">Largest allowed total norm.</param>
    /// <param name="normType">The p of the p-norm; <see cref="double.PositiveInfinity"/> for the max-norm.</param>
    /// <param name="errorIfNonfinite">Throw when the total norm is NaN or infinite instead of scaling by it.</param>
    /// <returns>The total norm before clipping: a 0-dim tensor on the first gradient's device (float32 0 when no parameter
    /// has a gradient); owned by the caller or the current <see cref="DisposeScope"/>.</returns>
    /// <remarks>Same as <c>torch.nn.utils.clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite)</c> of PyTorch 1.13.</remarks>
    /// <exception cref="ArgumentNullException">When <paramref name="parameters"/> or one of them is null.</exception>
    /// <exception cref="InvalidOperationException">When <paramref name="errorIfNonfinite"/> is set and the total norm is not finite.</exception>
    public static Tensor ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Tensor? total = null;
        using (DisposeScope.Enter())
        {
            var grads = new List<Tensor>();
            foreach (var p in parameters)
            {
                ArgumentNullException.ThrowIfNull(p, nameof(parameters));
                if (p.Grad is { } g)
                {
                    grads.Add(g);
                }
            }

            if (grads.Count > 0)
            {
                total = Clip(grads, maxNorm, normType, errorIfNonfinite).MoveToOuterScope();
            }
        }

        return total ?? Tensor.Scalar(0f);
    }

    /// <summary>The clipping itself, inside the caller's scope (every temporary is freed with it).</summary>
    private static Tensor Clip(List<Tensor> grads, double maxNorm, double normType, bool errorIfNonfinite)
    {
        var device = grads[0].Device;
        Tensor total;
        if (double.IsPositiveInfinity(normType))
        {
            var norms = grads.Select(g => g.Detach().Abs().Max().To(device)).ToList();
            total = norms.Count == 1 ? norms[0] : Tensor.Stack(norms).Max();
        }
        else
        {
            total = Tensor.Stack(grads.Select(g => g.Detach().Norm(normType).To(device)).ToList()).Norm(normType);
        }

        if (errorIfNonfinite && !total.IsFinite().Item<bool>())
        {
            throw new InvalidOperationException(
                $"The total norm of order {Optimizer.Format(normType)} for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite: false`");
        }

        // PyTorch computes max_norm / (N + 1e-6) as reciprocal(N + 1e-6) * max_norm (Tensor.__rtruediv__).
        var coefficient = ((total + 1e-6).Reciprocal() * maxNorm).Clamp(max: 1.0);
        foreach (var g in grads)
        {
            g.Detach().Mul_(coefficient.To(g.Device));
        }

        return total;
    }
}
