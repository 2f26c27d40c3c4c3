using Srn.Torch;

namespace Srn.PartialLabels.Blending;

/// <summary>The learnable blending coefficients α and β: scalars kept in [0, 1].</summary>
internal static class BlendCoefficient
{
    /// <summary>A 0-d float32 tensor holding <paramref name="value"/>, for registration as a parameter.</summary>
    public static Tensor Create(double value, string name)
    {
        if (double.IsNaN(value) || value < 0 || value > 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"the initial {name} must be in [0, 1]");
        }

        return Tensor.Full([], value);
    }

    /// <summary>
    /// The coefficient to blend with: the parameter itself is first brought back into [0, 1] in place when an optimizer
    /// step left it outside (the reference's <c>alpha.data.clamp_(0, 1)</c>), then clamped in the graph, which is the
    /// identity with gradient 1 on [0, 1] — so the coefficient always stays in [0, 1] and always receives a gradient.
    /// </summary>
    /// <remarks>
    /// The in-place step runs only when the value is out of range, so a parameter already used in the current graph is
    /// never modified under it (autograd would reject that at backward).
    /// </remarks>
    public static Tensor Effective(Tensor parameter)
    {
        var value = parameter.ToDoubleArray()[0]; // any floating dtype (the module may have been converted)
        if (double.IsNaN(value))
        {
            throw new InvalidOperationException("a blending coefficient became NaN (the training diverged)");
        }

        if (value is < 0 or > 1)
        {
            using (Autograd.NoGrad())
            {
                parameter.Clamp_(0.0, 1.0);
            }
        }

        return parameter.Clamp(0.0, 1.0);
    }
}
