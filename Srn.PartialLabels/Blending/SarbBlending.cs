using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.PartialLabels.Blending;

/// <summary>
/// SARB's prototype-level blending (AAAI 2022): one prototype index k drawn for the whole batch, and in each image one
/// class chosen uniformly among those that are unknown (y = 0) and have prototypes:
/// <code>
/// f'_n,c = β f_n,c + (1 − β) p_c,k        y'_n,c = 1 − β
/// </code>
/// Other entries are unchanged; an image without such a class is left as it is. β is one learnable scalar (parameter
/// <c>beta</c>, initially 0.5) kept in [0, 1]. A class with fewer than K centres uses k mod its count.
/// </summary>
/// <remarks>
/// Same as the prototype mixup of HCPLab-SYSU/HCP-MLR-PL's <c>SARB.forward</c>, except that the reference's
/// <c>argmax(rand · (y == 0))</c> picks class 0 (possibly known) for an image without an unknown class; here it blends
/// nothing. Draws from the given <see cref="Random"/>: k first, then one class per image in image order.
/// </remarks>
public sealed class SarbBlending : Module
{
    /// <summary>Creates the module.</summary>
    /// <param name="initialBeta">β at the start, in [0, 1].</param>
    /// <param name="learnable">Whether β is trained (default true).</param>
    /// <exception cref="ArgumentOutOfRangeException">For an initial β outside [0, 1].</exception>
    public SarbBlending(double initialBeta = 0.5, bool learnable = true)
    {
        Beta = RegisterParameter("beta", BlendCoefficient.Create(initialBeta, "beta"))!;
        Beta.RequiresGrad = learnable;
    }

    /// <summary>β, a 0-d parameter.</summary>
    public Tensor Beta { get; }

    /// <summary>Blends one unknown class per image with a prototype.</summary>
    /// <param name="vectors">Category vectors <c>[B, C, D]</c>.</param>
    /// <param name="targets">Targets <c>[B, C]</c> in {1, −1, 0}.</param>
    /// <param name="prototypes">The k-means prototypes (best moved once to the vectors' device).</param>
    /// <param name="rng">The source of the random choices.</param>
    /// <returns>The blended vectors and targets, the mask and the choices.</returns>
    /// <exception cref="ArgumentException">When the shapes do not fit each other or the prototypes.</exception>
    public SarbBlendResult Blend(Tensor vectors, Tensor targets, KMeansPrototypes prototypes, Random rng)
    {
        ArgumentNullException.ThrowIfNull(prototypes);
        ArgumentNullException.ThrowIfNull(rng);
        BlendShapes.Check(nameof(SarbBlending), vectors, targets, 3);
        if (vectors.Size(1) != prototypes.NumClasses || vectors.Size(2) != prototypes.FeatureDim)
        {
            throw new ArgumentException(
                $"{nameof(SarbBlending)}: the prototypes are [{prototypes.NumClasses}, {prototypes.MaxClusters}, {prototypes.FeatureDim}], the vectors [{string.Join(", ", vectors.Shape)}]",
                nameof(vectors));
        }

        var b = (int)vectors.Size(0);
        var c = prototypes.NumClasses;
        var y = BlendShapes.HostTargets(targets);
        var cluster = rng.Next(prototypes.MaxClusters);
        var classes = new int[b];
        var candidates = new List<int>(c);
        for (var n = 0; n < b; n++)
        {
            candidates.Clear();
            for (var k = 0; k < c; k++)
            {
                if (y[(n * c) + k] == 0f && prototypes.IsPresent(k))
                {
                    candidates.Add(k);
                }
            }

            classes[n] = candidates.Count == 0 ? -1 : candidates[rng.Next(candidates.Count)];
        }

        var chosen = Enumerable.Range(0, b).Where(n => classes[n] >= 0).ToArray();
        using var scope = DisposeScope.Enter();
        var beta = BlendCoefficient.Effective(Beta);
        var result = SparseBlend.Apply(
            vectors,
            targets,
            beta,
            [.. chosen.Select(n => (long)n)],
            [.. chosen.Select(n => (long)classes[n])],
            () =>
            {
                var flat = prototypes.Prototypes.Reshape(c * prototypes.MaxClusters, prototypes.FeatureDim).To(vectors.Device, vectors.DType);
                var index = chosen.Select(n => ((long)classes[n] * prototypes.MaxClusters) + (cluster % prototypes.ClusterCount(classes[n]))).ToArray();
                return flat.IndexSelect(0, Tensor.FromArray(index).To(vectors.Device));
            });
        return new SarbBlendResult(
            result.Features.MoveToOuterScope(),
            result.Targets.MoveToOuterScope(),
            result.Mask.MoveToOuterScope(),
            cluster,
            classes);
    }
}
