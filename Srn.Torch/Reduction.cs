namespace Srn.Torch;

/// <summary>How a loss reduces its per-element values. Same as PyTorch's <c>reduction=</c> strings.</summary>
public enum Reduction
{
    /// <summary>No reduction: the loss of every element (<c>'none'</c>).</summary>
    None = 0,

    /// <summary>The mean over the elements, or the weighted mean where the loss takes weights (<c>'mean'</c>).</summary>
    Mean = 1,

    /// <summary>The sum over the elements (<c>'sum'</c>).</summary>
    Sum = 2,
}
