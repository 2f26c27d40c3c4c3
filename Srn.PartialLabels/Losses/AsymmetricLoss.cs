using System.Globalization;
using Srn.Torch;
using Srn.Training.Losses;

namespace Srn.PartialLabels.Losses;

/// <summary>
/// The asymmetric loss of Ridnik et al. ("Asymmetric Loss For Multi-Label Classification", ICCV 2021), <c>asl</c>, with
/// unknown labels masked out. With y = t for t &gt; 0 (1 or a soft positive) and y = 0 for t &lt; 0, exactly the official
/// formula (Alibaba-MIIL/ASL, <c>AsymmetricLoss.forward</c>):
/// <code>
/// p   = sigmoid(s)
/// p-  = min(1 - p + clip, 1)                                       asymmetric clipping (skipped when clip = 0)
/// l   = y log(max(p, eps)) + (1 - y) log(max(p-, eps))
/// pt  = p y + p- (1 - y)
/// w   = (1 - pt)^(gamma+ y + gamma- (1 - y))                       asymmetric focusing (skipped when both gammas are 0)
/// L   = -sum over known entries of w l  / (number of known entries)    (Reduction.Mean, the default; 0 when none)
///     = -sum over known entries of w l                                  (Reduction.Sum, the official reduction)
/// </code>
/// Defaults are the paper's: gamma- = 4, gamma+ = 0, clip = 0.05, eps = 1e-8.
/// </summary>
/// <remarks>
/// <para>
/// Reduction: the official code returns the sum over the whole batch. The default here is the mean over the known
/// entries instead, the reduction of <see cref="PartialBce"/>, so that swapping losses keeps the scale every other
/// setting was tuned for (learning rate, weight decay relative to the loss, the 0.05 contrastive weight, the blending
/// terms) and does not change with the batch size, the class count or the known-label proportion. A sum would make a
/// 10%-known batch's loss about ten times smaller than a 100%-known one. <see cref="Reduction.Sum"/> reproduces the
/// official magnitude.
/// </para>
/// <para>
/// The focusing weight w is treated as a constant in the backward pass by default, as the official training script
/// does (<c>disable_torch_grad_focal_loss=True</c>: w is computed under <c>torch.set_grad_enabled(False)</c>);
/// <c>detachFocusingWeight: false</c> differentiates through w as well, the form the paper's gradient analysis uses.
/// Unknown entries are computed with y = 0 and multiplied by 0, so they add nothing to the loss or the gradient;
/// every term is finite (the logs are clamped), so no NaN reaches the gradient.
/// </para>
/// </remarks>
public sealed class AsymmetricLoss : IMultiLabelLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="gammaNegative">gamma-, the focusing exponent of negatives (at least 0).</param>
    /// <param name="gammaPositive">gamma+, the focusing exponent of positives (at least 0).</param>
    /// <param name="clip">The probability margin m shifted off negatives, in [0, 1).</param>
    /// <param name="eps">The floor of the probabilities inside the logs, in (0, 1).</param>
    /// <param name="reduction"><see cref="Reduction.Mean"/> over the known entries (the default) or <see cref="Reduction.Sum"/> (official).</param>
    /// <param name="detachFocusingWeight">Whether w is a constant for the gradient (official training) or is differentiated.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range, or the reduction is <see cref="Reduction.None"/>.</exception>
    public AsymmetricLoss(
        double gammaNegative = 4.0,
        double gammaPositive = 0.0,
        double clip = 0.05,
        double eps = 1e-8,
        Reduction reduction = Reduction.Mean,
        bool detachFocusingWeight = true)
    {
        Check(gammaNegative >= 0 && double.IsFinite(gammaNegative), nameof(gammaNegative), gammaNegative, "at least 0");
        Check(gammaPositive >= 0 && double.IsFinite(gammaPositive), nameof(gammaPositive), gammaPositive, "at least 0");
        Check(clip >= 0 && clip < 1, nameof(clip), clip, "in [0, 1)");
        Check(eps > 0 && eps < 1, nameof(eps), eps, "in (0, 1)");
        if (reduction is not (Reduction.Mean or Reduction.Sum))
        {
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "asl: the reduction must be Mean (over the known entries) or Sum; the loss is a scalar.");
        }

        GammaNegative = gammaNegative;
        GammaPositive = gammaPositive;
        Clip = clip;
        Eps = eps;
        Reduction = reduction;
        DetachFocusingWeight = detachFocusingWeight;
    }

    /// <summary>The shared instance with the paper's settings and the mean over known entries.</summary>
    public static AsymmetricLoss Instance { get; } = new();

    /// <summary>gamma-, the focusing exponent of negatives.</summary>
    public double GammaNegative { get; }

    /// <summary>gamma+, the focusing exponent of positives.</summary>
    public double GammaPositive { get; }

    /// <summary>The probability margin shifted off negatives.</summary>
    public double Clip { get; }

    /// <summary>The floor of the probabilities inside the logs.</summary>
    public double Eps { get; }

    /// <summary>Mean over the known entries, or sum.</summary>
    public Reduction Reduction { get; }

    /// <summary>Whether the focusing weight is a constant for the gradient.</summary>
    public bool DetachFocusingWeight { get; }

    /// <inheritdoc/>
    public string Name => "asl";

    /// <inheritdoc/>
    public Tensor Compute(Tensor logits, Tensor targets) => Reduce(logits, targets, perImage: false);

    /// <inheritdoc/>
    /// <remarks>The sum over the known entries divided by B, whatever <see cref="Reduction"/> says.</remarks>
    public Tensor ComputeSumPerImage(Tensor logits, Tensor targets) => Reduce(logits, targets, perImage: true);

    private Tensor Reduce(Tensor logits, Tensor targets, bool perImage)
    {
        LossShapes.Check(Name, logits, targets);
        logits = LossShapes.FullPrecision(logits);
        using var scope = DisposeScope.Enter();
        var known = targets.Ne(0.0).To(logits.DType);
        var y = targets.Clamp(0.0, 1.0);
        var antiY = 1.0 - y;
        var positive = logits.Sigmoid();
        var negative = 1.0 - positive;
        if (Clip > 0)
        {
            negative = (negative + Clip).Clamp(max: 1.0);
        }

        var loss = (y * positive.Clamp(min: Eps).Log()) + (antiY * negative.Clamp(min: Eps).Log());
        if (GammaNegative > 0 || GammaPositive > 0)
        {
            var (p, q) = DetachFocusingWeight ? (positive.Detach(), negative.Detach()) : (positive, negative);
            var pt = (p * y) + (q * antiY);
            var exponent = (y * GammaPositive) + (antiY * GammaNegative);
            loss *= (1.0 - pt).Pow(exponent);
        }

        var total = -(loss * known).Sum();
        var result = perImage ? total / (double)Math.Max(logits.Shape[0], 1)
            : Reduction == Reduction.Sum ? total : total / known.Sum().Clamp(min: 1.0);
        return result.MoveToOuterScope();
    }

    private static void Check(bool ok, string name, double value, string range)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"asl: {name} must be {range}; got {value}."));
        }
    }
}
