using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.PartialLabels.Blending;

/// <summary>
/// Prototype-perspective, location-sensitive representation blending (PPRB, DSRB): for each image, up to K (topK, default
/// 1) classes chosen uniformly among those that are unknown (y = 0) and present in the <see cref="PrototypeBank"/> get a
/// prototype from another quadrant than the one where the image's own map peaks:
/// <code>
/// q      = peak quadrant of F_n,c                  (<see cref="Quadrants"/>)
/// q'     = (q − r) mod 4,  r uniform in {1, 2, 3}
/// F''_n,c = β F_n,c + (1 − β) P_c,q'
/// y''_n,c = 1 − β
/// </code>
/// Known labels are never blended, and an image without an unknown class with prototypes is left as it is. β is one
/// learnable scalar (parameter <c>beta</c>, initially 0.5) kept in [0, 1].
/// </summary>
/// <remarks>
/// Same as <c>mixupPrototype_featuremap</c> of HCPLab-SYSU/HCP-MLR-PL's <c>DSRB</c>, except that the reference's top-k over
/// <c>rand · (y == 0)</c> falls back to known classes when an image has fewer than k unknown ones (and overwrites their
/// labels); here it blends fewer. Random draws come from the given <see cref="Random"/>, image by image: the classes
/// (partial Fisher–Yates), then one r per chosen class.
/// </remarks>
public sealed class PrototypeBlending : Module
{
    /// <summary>Creates the module.</summary>
    /// <param name="topK">Classes blended per image (reference 1).</param>
    /// <param name="initialBeta">β at the start, in [0, 1].</param>
    /// <param name="learnable">Whether β is trained (default true).</param>
    /// <exception cref="ArgumentOutOfRangeException">For topK below 1 or an initial β outside [0, 1].</exception>
    public PrototypeBlending(int topK = 1, double initialBeta = 0.5, bool learnable = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        TopK = topK;
        Beta = RegisterParameter("beta", BlendCoefficient.Create(initialBeta, "beta"))!;
        Beta.RequiresGrad = learnable;
    }

    /// <summary>Classes blended per image.</summary>
    public int TopK { get; }

    /// <summary>β, a 0-d parameter.</summary>
    public Tensor Beta { get; }

    /// <summary>Blends the maps of a batch with prototypes.</summary>
    /// <param name="maps">Per-location maps <c>[B, C, HW, D]</c> on the bank's grid.</param>
    /// <param name="targets">Targets <c>[B, C]</c> in {1, −1, 0}.</param>
    /// <param name="bank">The prototypes (best moved once to the maps' device with <see cref="PrototypeBank.MoveTo"/>).</param>
    /// <param name="rng">The source of the random choices.</param>
    /// <returns>The blended maps and targets, the mask and the choices.</returns>
    /// <exception cref="ArgumentException">When the shapes do not fit each other or the bank.</exception>
    public PrototypeBlendResult Blend(Tensor maps, Tensor targets, PrototypeBank bank, Random rng)
    {
        ArgumentNullException.ThrowIfNull(bank);
        ArgumentNullException.ThrowIfNull(rng);
        BlendShapes.Check(nameof(PrototypeBlending), maps, targets, 4);
        var hw = (long)bank.GridHeight * bank.GridWidth;
        if (maps.Size(1) != bank.NumClasses || maps.Size(2) != hw || maps.Size(3) != bank.FeatureDim)
        {
            throw new ArgumentException(
                $"{nameof(PrototypeBlending)}: the bank holds [{bank.NumClasses}, 4, {hw}, {bank.FeatureDim}] prototypes ({bank.GridHeight} x {bank.GridWidth} grid), the maps are [{string.Join(", ", maps.Shape)}]",
                nameof(maps));
        }

        var b = (int)maps.Size(0);
        var c = bank.NumClasses;
        var y = BlendShapes.HostTargets(targets);
        var own = Quadrants.OfMaps(maps, bank.GridHeight, bank.GridWidth);
        var choices = new List<PrototypeChoice>();
        var candidates = new List<int>(c);
        for (var n = 0; n < b; n++)
        {
            candidates.Clear();
            for (var k = 0; k < c; k++)
            {
                if (y[(n * c) + k] == 0f && bank.IsPresent(k))
                {
                    candidates.Add(k);
                }
            }

            foreach (var k in SparseBlend.Choose(candidates, TopK, rng))
            {
                var q = own[(n * c) + k];
                var shifted = (((q - rng.Next(1, 4)) % Quadrants.Count) + Quadrants.Count) % Quadrants.Count;
                choices.Add(new PrototypeChoice(n, k, q, shifted));
            }
        }

        using var scope = DisposeScope.Enter();
        var beta = BlendCoefficient.Effective(Beta);
        var result = SparseBlend.Apply(
            maps,
            targets,
            beta,
            [.. choices.Select(x => (long)x.Image)],
            [.. choices.Select(x => (long)x.Class)],
            () =>
            {
                var flat = bank.Prototypes.Reshape(c * Quadrants.Count, hw, bank.FeatureDim).To(maps.Device, maps.DType);
                var index = Tensor.FromArray(choices.Select(x => ((long)x.Class * Quadrants.Count) + x.PrototypeQuadrant).ToArray()).To(maps.Device);
                return flat.IndexSelect(0, index);
            });
        return new PrototypeBlendResult(
            result.Features.MoveToOuterScope(),
            result.Targets.MoveToOuterScope(),
            result.Mask.MoveToOuterScope(),
            choices);
    }
}
