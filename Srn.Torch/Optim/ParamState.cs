using System.Diagnostics.CodeAnalysis;

namespace Srn.Torch.Optim;

/// <summary>
/// The optimizer's state for one parameter: named tensors (momentum buffer, moment averages, …) and, for
/// optimizers that count them, the number of steps taken. Created empty; an optimizer fills it lazily on the
/// parameter's first step with a gradient.
/// </summary>
/// <remarks>
/// Same as <c>optimizer.state[param]</c> in PyTorch. The state owns its tensors: they are detached from every
/// <see cref="DisposeScope"/> and freed by <see cref="Dispose"/> (which the optimizer's own Dispose calls).
/// </remarks>
public sealed class ParamState : IDisposable
{
    private readonly Dictionary<string, Tensor> tensors = new(StringComparer.Ordinal);

    /// <summary>The number of steps this parameter has taken, or null for optimizers that keep no count (SGD).
    /// Same as <c>state['step']</c>.</summary>
    public long? Step { get; set; }

    /// <summary>True before the first update: no tensor and no step count. Same as <c>len(state) == 0</c>.</summary>
    public bool IsEmpty => tensors.Count == 0 && Step is null;

    /// <summary>The state tensors by name (owned by this state; do not dispose them).</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors => tensors;

    /// <summary>The state tensor named <paramref name="name"/>.</summary>
    /// <param name="name">For example <c>"exp_avg"</c>.</param>
    /// <returns>The tensor (owned by this state).</returns>
    /// <exception cref="KeyNotFoundException">When there is no such tensor.</exception>
    public Tensor this[string name] =>
        tensors.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"the parameter's optimizer state has no tensor '{name}'");

    /// <summary>Looks up a state tensor.</summary>
    /// <param name="name">The name.</param>
    /// <param name="tensor">The tensor, when present.</param>
    /// <returns>True when present.</returns>
    public bool TryGet(string name, [NotNullWhen(true)] out Tensor? tensor) => tensors.TryGetValue(name, out tensor);

    /// <summary>Stores <paramref name="value"/> under <paramref name="name"/>, taking ownership: it is detached from its
    /// scope, and a tensor previously stored under that name is disposed.</summary>
    /// <param name="name">The name.</param>
    /// <param name="value">The tensor.</param>
    /// <returns><paramref name="value"/>.</returns>
    public Tensor Set(string name, Tensor value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        value.DetachFromScope();
        if (tensors.TryGetValue(name, out var old) && !ReferenceEquals(old, value))
        {
            old.Dispose();
        }

        tensors[name] = value;
        return value;
    }

    /// <summary>Frees every state tensor and forgets the step count.</summary>
    public void Dispose()
    {
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }

        tensors.Clear();
        Step = null;
    }
}
