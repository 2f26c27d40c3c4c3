namespace Srn.Torch.NN;

/// <summary>A module with a forward computation from <typeparamref name="TInput"/> to <typeparamref name="TOutput"/>.</summary>
/// <typeparam name="TInput">The input (a tensor, or a tuple of them).</typeparam>
/// <typeparam name="TOutput">The output.</typeparam>
/// <remarks>Call <see cref="Forward"/>: it runs <see cref="ForwardCore"/>, then the forward hooks. Same as calling a <c>torch.nn.Module</c>.</remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Module is torch.nn.Module's name; the clash is with a Visual Basic keyword only.")]
public abstract class Module<TInput, TOutput> : Module
{
    private readonly List<Action<Module<TInput, TOutput>, TInput, TOutput>> forwardHooks = [];

    /// <summary>Runs the module, then every forward hook with the input and the output.</summary>
    /// <param name="input">The input.</param>
    /// <returns>The output.</returns>
    public TOutput Forward(TInput input)
    {
        var output = ForwardCore(input);
        foreach (var hook in forwardHooks.ToArray())
        {
            hook(this, input, output);
        }

        return output;
    }

    /// <summary>
    /// Registers a hook called after every forward pass with the module, its input and its output (to capture
    /// features or attention maps). Same as <c>Module.register_forward_hook</c>, observing only.
    /// </summary>
    /// <param name="hook">The hook.</param>
    /// <returns>Dispose it to remove the hook.</returns>
    public IDisposable RegisterForwardHook(Action<Module<TInput, TOutput>, TInput, TOutput> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        forwardHooks.Add(hook);
        return new HookRegistration(() => forwardHooks.Remove(hook));
    }

    /// <summary>The computation.</summary>
    /// <param name="input">The input.</param>
    /// <returns>The output.</returns>
    protected abstract TOutput ForwardCore(TInput input);

    private sealed class HookRegistration(Action remove) : IDisposable
    {
        private Action? remove = remove;

        public void Dispose()
        {
            remove?.Invoke();
            remove = null;
        }
    }
}
