namespace Srn.Data;

/// <summary>How a WIDER-Attribute attribute annotated 0 ("unspecified": not recognisable on this person) is labelled.</summary>
public enum WiderUnspecified
{
    /// <summary>Unknown (0): ignored by the masked losses and by average precision, as the dataset's mAP (Li et al., ECCV 2016; SRN's evaluation) ignores it. The default.</summary>
    Unknown,

    /// <summary>Absent (-1).</summary>
    Negative,
}
