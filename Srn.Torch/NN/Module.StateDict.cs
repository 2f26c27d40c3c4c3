namespace Srn.Torch.NN;

public abstract partial class Module
{
    /// <summary>
    /// Parameters and persistent buffers by dotted name, in PyTorch's order (each module's parameters, then its
    /// buffers, then its children). Same as <c>Module.state_dict()</c>: values are detached tensors sharing storage
    /// with the module; dispose them (or create them inside a <see cref="DisposeScope"/>) when done.
    /// </summary>
    /// <returns>The state dict.</returns>
    public Dictionary<string, Tensor> StateDict()
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in StateEntries())
        {
            result[name] = tensor.Detach();
        }

        return result;
    }

    /// <summary>
    /// Copies values into the parameters and persistent buffers by dotted name. Same as <c>Module.load_state_dict</c>,
    /// except that nothing is copied unless everything fits: a wrong shape is always an error, and in strict mode so
    /// are missing and unexpected keys. Values are converted to each target's dtype and device.
    /// </summary>
    /// <param name="stateDict">Tensors by dotted name (torchvision's names load unchanged).</param>
    /// <param name="strict">Require the keys to match exactly.</param>
    /// <returns>The keys that were missing from and unexpected in <paramref name="stateDict"/> (both empty when strict).</returns>
    /// <exception cref="StateDictMismatchException">Listing every missing, unexpected and wrong-shape key.</exception>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var targets = StateEntries().ToList();
        var expected = targets.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var missing = new List<string>();
        var wrongShape = new List<string>();
        foreach (var (name, target) in targets)
        {
            if (!stateDict.TryGetValue(name, out var source))
            {
                if (!IsOptionalStateEntry(name))
                {
                    missing.Add(name);
                }

                continue;
            }

            var want = target.Shape;
            var got = source.Shape;
            if (!want.AsSpan().SequenceEqual(got))
            {
                wrongShape.Add($"{name}: checkpoint has [{string.Join(", ", got)}], the model [{string.Join(", ", want)}]");
            }
        }

        var unexpected = stateDict.Keys.Where(k => !expected.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (wrongShape.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
        {
            throw new StateDictMismatchException(GetType().Name, missing, unexpected, wrongShape);
        }

        using (Autograd.NoGrad())
        {
            foreach (var (name, target) in targets)
            {
                if (stateDict.TryGetValue(name, out var source))
                {
                    target.Copy_(source);
                }
            }
        }

        return new LoadStateDictResult(missing, unexpected);
    }

    /// <summary>
    /// Whether a state entry of this tree may be absent from a checkpoint without counting as missing. The default
    /// asks each owning module through <see cref="IsOptionalStateKey"/> (batch norm's <c>num_batches_tracked</c>,
    /// absent from checkpoints written before PyTorch 0.4.1 such as torchvision's original ResNets).
    /// </summary>
    private bool IsOptionalStateEntry(string dottedName)
    {
        var cut = dottedName.LastIndexOf('.');
        var owner = cut < 0 ? this : NamedModules().FirstOrDefault(m => m.Name == dottedName[..cut]).Module;
        return owner is not null && owner.IsOptionalStateKey(cut < 0 ? dottedName : dottedName[(cut + 1)..]);
    }

    /// <summary>Override to let a local state entry be absent from checkpoints (it then keeps its current value).</summary>
    /// <param name="localName">The entry's name within this module.</param>
    /// <returns>False by default.</returns>
    protected virtual bool IsOptionalStateKey(string localName) => false;

    private IEnumerable<(string Name, Tensor Tensor)> StateEntries()
    {
        foreach (var (prefix, module) in NamedModules())
        {
            foreach (var (name, p) in module.parameters)
            {
                if (p is not null)
                {
                    yield return (Join(prefix, name), p);
                }
            }

            foreach (var (name, b) in module.buffers)
            {
                if (b is not null && !module.nonPersistentBuffers.Contains(name))
                {
                    yield return (Join(prefix, name), b);
                }
            }
        }
    }
}

/// <summary>What <see cref="Module.LoadStateDict"/> did not match (non-strict loads).</summary>
/// <param name="MissingKeys">Entries of the model absent from the checkpoint.</param>
/// <param name="UnexpectedKeys">Entries of the checkpoint the model does not have.</param>
public sealed record LoadStateDictResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
