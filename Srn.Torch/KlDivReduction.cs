namespace Srn.Torch;

/// <summary>How <see cref="Functional.KlDiv"/> reduces its pointwise values. Same as the <c>reduction=</c> strings of <c>torch.nn.functional.kl_div</c>.</summary>
public enum KlDivReduction
{
    /// <summary>No reduction: the pointwise divergence (<c>'none'</c>).</summary>
    None = 0,

    /// <summary>The mean over every element (<c>'mean'</c>): divides by the batch size and the support size, which is not the KL divergence.</summary>
    Mean = 1,

    /// <summary>The sum over every element (<c>'sum'</c>).</summary>
    Sum = 2,

    /// <summary>The sum divided by the batch size, the first dimension (<c>'batchmean'</c>): the KL divergence per sample.</summary>
    BatchMean = 3,
}
