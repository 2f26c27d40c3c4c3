namespace Srn.Metrics;

/// <summary>What a score matrix holds, which decides the threshold of the thresholded metrics.</summary>
/// <remarks>
/// Average precision depends only on the order of the scores, so it is the same for logits and probabilities
/// (the sigmoid is monotone). The thresholded metrics predict a label when its probability is at least 0.5,
/// which for a logit x is exactly x &gt;= 0 (sigmoid(x) &gt;= 0.5 iff x &gt;= 0), so logits are thresholded at 0
/// and never passed through a sigmoid.
/// </remarks>
public enum ScoreKind
{
    /// <summary>
    /// Decide from the values: if any score lies outside [0, 1] (including an infinity) the scores are logits,
    /// otherwise probabilities. A model whose logits all happen to fall in [0, 1] is then read as probabilities,
    /// so pass <see cref="Logits"/> or <see cref="Probabilities"/> when the kind is known.
    /// </summary>
    Auto = 0,

    /// <summary>Probabilities in [0, 1]; a label is predicted when its score is &gt;= 0.5.</summary>
    Probabilities = 1,

    /// <summary>Logits (any real value); a label is predicted when its score is &gt;= 0.</summary>
    Logits = 2,
}
