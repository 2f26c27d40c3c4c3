namespace Srn.Torch.Optim;

/// <summary>How <see cref="OneCycleLR"/> moves between two values as the phase fraction p goes from 0 to 1.
/// Same as its <c>anneal_strategy</c> argument.</summary>
public enum AnnealStrategy
{
    /// <summary>Cosine: end + (start − end)/2 · (1 + cos(π·p)). PyTorch's <c>'cos'</c>.</summary>
    Cos,

    /// <summary>Linear: start + (end − start)·p. PyTorch's <c>'linear'</c>.</summary>
    Linear,
}
