namespace Srn.PartialLabels.Methods;

/// <summary>The methods built on the SSGRL network (docs/methods.md, "Partial-label methods").</summary>
public enum BlendingVariant
{
    /// <summary>SSGRL: the shared network trained with the partial BCE, no blending.</summary>
    Ssgrl,

    /// <summary>SARB (AAAI 2022): instance blending, k-means prototypes of category vectors, the contrastive term.</summary>
    Sarb,

    /// <summary>DSRB: instance blending (IPRB), location-sensitive quadrant prototypes (PPRB), the contrastive term.</summary>
    Dsrb,
}
