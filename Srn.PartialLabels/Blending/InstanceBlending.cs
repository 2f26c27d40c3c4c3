using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.PartialLabels.Blending;

/// <summary>
/// Instance-perspective representation blending (IPRB; SARB's instance-level blending): image n borrows from its partner
/// m = B − 1 − n (the batch reversed; the loader shuffles) the classes it does not know and the partner knows present.
/// For each (n, c):
/// <code>
/// μ_n,c  = α   when y_n,c = 0 (unknown) and y_m,c = 1 (known positive), else 1
/// F'_n,c = μ_n,c F_n,c + (1 − μ_n,c) F_m,c          (per location, or on category vectors)
/// y'_n,c = μ_n,c y_n,c + (1 − μ_n,c) y_m,c          (1 − α at blended entries)
/// </code>
/// α is one learnable scalar (parameter <c>alpha</c>, initially 0.5) kept in [0, 1]. The loss is partial BCE of the
/// network's logits on F' against y'.
/// </summary>
/// <remarks>
/// Same as <c>mixupLabel</c> + the instance mixup of HCPLab-SYSU/HCP-MLR-PL's <c>SARB</c> (vectors) and
/// <c>mixupInstance_featuremap</c> of its <c>DSRB</c> (maps); summing blended maps over positions equals blending the
/// vectors.
/// </remarks>
public sealed class InstanceBlending : Module
{
    /// <summary>Creates the module.</summary>
    /// <param name="initialAlpha">α at the start, in [0, 1].</param>
    /// <param name="learnable">Whether α is trained (the reference's <c>isAlphaLearnable</c>, default true).</param>
    /// <exception cref="ArgumentOutOfRangeException">For an initial α outside [0, 1].</exception>
    public InstanceBlending(double initialAlpha = 0.5, bool learnable = true)
    {
        Alpha = RegisterParameter("alpha", BlendCoefficient.Create(initialAlpha, "alpha"))!;
        Alpha.RequiresGrad = learnable;
    }

    /// <summary>α, a 0-d parameter.</summary>
    public Tensor Alpha { get; }

    /// <summary>Blends each image with its partner.</summary>
    /// <param name="features">Maps <c>[B, C, HW, D]</c> or category vectors <c>[B, C, D]</c>.</param>
    /// <param name="targets">Targets <c>[B, C]</c> in {1, −1, 0}, floating point.</param>
    /// <returns>The blended features and targets (on the features' device, in their dtype), and the blended entries.</returns>
    /// <exception cref="ArgumentException">When the shapes do not fit.</exception>
    public BlendResult Blend(Tensor features, Tensor targets)
    {
        BlendShapes.Check(nameof(InstanceBlending), features, targets, 3, 4);
        using var scope = DisposeScope.Enter();
        var alpha = BlendCoefficient.Effective(Alpha);
        var y = targets.To(features.Device, features.DType);
        var partnerY = y.Flip(0);
        var mask = y.Eq(0.0) & partnerY.Eq(1.0);
        var mu = Tensor.Where(mask, alpha, 1.0);                         // [B, C]
        var blendedTargets = (mu * y) + ((1.0 - mu) * partnerY);
        var muF = features.Dim == 4 ? mu.Unsqueeze(-1).Unsqueeze(-1) : mu.Unsqueeze(-1);
        var blended = (muF * features) + ((1.0 - muF) * features.Flip(0));
        return new BlendResult(blended.MoveToOuterScope(), blendedTargets.MoveToOuterScope(), mask.MoveToOuterScope());
    }
}
