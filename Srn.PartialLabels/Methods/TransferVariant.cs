namespace Srn.PartialLabels.Methods;

/// <summary>The semantic-transfer methods built on the SSGRL network (docs/methods.md, "Partial-label methods").</summary>
public enum TransferVariant
{
    /// <summary>
    /// SST (Chen et al., AAAI 2022): hard pseudo labels for unknown classes from intra-image co-occurrence and from a memory
    /// of other images' known positives, with fixed margins lowered by a schedule.
    /// </summary>
    Sst,

    /// <summary>
    /// HST (Chen et al., IJCV 2024): soft pseudo labels from intra-image co-occurrence and from k-means prototypes, with
    /// learnt margins, and a prototype-level contrastive term.
    /// </summary>
    Hst,
}
