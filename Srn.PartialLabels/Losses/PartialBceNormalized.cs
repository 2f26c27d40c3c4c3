using Srn.Torch;
using Srn.Training.Losses;

namespace Srn.PartialLabels.Losses;

/// <summary>
/// The partial binary cross-entropy normalised by the share of known labels (Durand, Mehrasa and Mori, "Learning a Deep
/// ConvNet for Multi-label Classification with Partial Labels", CVPR 2019), <c>partial-bce-norm</c>:
/// <code>
/// l(s, t)  = BCEWithLogits(s, t) for t &gt; 0 (1 or a soft positive),  -log(1 - sigmoid(s)) for t &lt; 0,  0 for t = 0
/// p_n      = (number of known labels of image n) / C
/// g(p)     = alpha p^gamma + beta,   g(0.1) = 5 and g(1) = 1:   alpha = 4 / (0.1^gamma - 1),  beta = 1 - alpha
/// L        = (1 / B) sum_n  g(p_n) / C * sum_c l(s_nc, t_nc)
/// </code>
/// With gamma = 1 (the default, the paper's choice): alpha = -4.444, beta = 5.444. With every label known, g = 1 and L
/// is the plain BCE averaged over all entries.
/// </summary>
/// <remarks>
/// An image with no known label has an empty sum and contributes 0, but still counts in the mean over the B images (as
/// in the paper's average over the training set); a batch with no known label gives 0 and a zero gradient. g is
/// evaluated at <c>max(p_n, 1 / C)</c> so that a negative gamma cannot produce <c>inf * 0</c> for such images; that
/// changes nothing for images with a known label. No single PyTorch function; it is
/// <c>(g(p) / C * (F.binary_cross_entropy_with_logits(s, t.clamp(0, 1), reduction='none') * (t != 0)).sum(1)).mean()</c>.
/// </remarks>
public sealed class PartialBceNormalized : IMultiLabelLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="gamma">The exponent of g; any finite value except 0 (g could not meet both g(0.1) = 5 and g(1) = 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">When gamma is 0, NaN or infinite.</exception>
    public PartialBceNormalized(double gamma = 1.0)
    {
        if (gamma == 0 || !double.IsFinite(gamma))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "partial-bce-norm: gamma must be finite and non-zero (g(p) = alpha p^gamma + beta with g(0.1) = 5, g(1) = 1).");
        }

        Gamma = gamma;
        Alpha = 4.0 / (Math.Pow(0.1, gamma) - 1.0);
        Beta = 1.0 - Alpha;
    }

    /// <summary>The shared instance with gamma = 1.</summary>
    public static PartialBceNormalized Instance { get; } = new();

    /// <summary>The exponent of g.</summary>
    public double Gamma { get; }

    /// <summary>alpha of g(p) = alpha p^gamma + beta.</summary>
    public double Alpha { get; }

    /// <summary>beta of g(p) = alpha p^gamma + beta.</summary>
    public double Beta { get; }

    /// <inheritdoc/>
    public string Name => "partial-bce-norm";

    /// <summary>g(p) = alpha p^gamma + beta.</summary>
    /// <param name="p">The share of known labels.</param>
    /// <returns>The weight.</returns>
    public double G(double p) => (Alpha * Math.Pow(p, Gamma)) + Beta;

    /// <inheritdoc/>
    public Tensor Compute(Tensor logits, Tensor targets)
    {
        LossShapes.Check(Name, logits, targets);
        logits = LossShapes.FullPrecision(logits);
        var (batch, classes) = (logits.Shape[0], logits.Shape[1]);
        using var scope = DisposeScope.Enter();
        var known = targets.Ne(0.0).To(logits.DType);
        var elementwise = Functional.BinaryCrossEntropyWithLogits(logits, targets.Clamp(0.0, 1.0), reduction: Reduction.None) * known;
        var share = known.Sum(1) / Math.Max(classes, 1);
        var g = (share.Clamp(min: 1.0 / Math.Max(classes, 1)).Pow(Gamma) * Alpha) + Beta;
        var perImage = elementwise.Sum(1) * g / Math.Max(classes, 1);
        return (perImage.Sum() / Math.Max(batch, 1)).MoveToOuterScope();
    }

    /// <inheritdoc/>
    /// <remarks>Each image's weighted sum without the division by C: <c>(1 / B) sum_i g(p_i) sum_c l_ic</c>, that is <see cref="Compute"/> times C.</remarks>
    public Tensor ComputeSumPerImage(Tensor logits, Tensor targets)
    {
        using var scope = DisposeScope.Enter();
        return (Compute(logits, targets) * (double)Math.Max(logits.Shape[1], 1)).MoveToOuterScope();
    }
}
