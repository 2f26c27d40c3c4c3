namespace Srn.Torch.IO;

/// <summary>
/// Key rewriting for state dicts saved by other code: the <c>module.</c> prefix that <c>torch.nn.DataParallel</c> and
/// <c>DistributedDataParallel</c> put in front of every key of the model they wrap, and the sub-dict of one child module.
/// </summary>
/// <remarks>
/// PyTorch has no loader-side counterpart; the usual idiom is
/// <c>{k[len('module.'):]: v for k, v in sd.items()}</c> (or <c>torch.nn.modules.utils.consume_prefix_in_state_dict_if_present</c>),
/// which also strips a prefix that only some keys carry. Here a prefix on only some keys is refused as ambiguous.
/// </remarks>
public static class StateDictKeys
{
    /// <summary>The prefix that <c>torch.nn.DataParallel</c> / <c>DistributedDataParallel</c> gives every key (the wrapped model is their child <c>module</c>).</summary>
    public const string DataParallelPrefix = "module.";

    /// <summary>
    /// Removes <see cref="DataParallelPrefix"/> from every key when every key has it (a model saved while wrapped in
    /// DataParallel); returns the dict unchanged when no key has it.
    /// </summary>
    /// <param name="stateDict">The tensors by name (not copied: the same tensor objects are returned).</param>
    /// <param name="source">The file or description named in the error.</param>
    /// <returns>The tensors by name, in the same order, and whether the prefix was stripped.</returns>
    /// <exception cref="InvalidDataException">When some keys but not all start with the prefix (ambiguous), or stripping makes two keys equal or one empty.</exception>
    public static (Dictionary<string, Tensor> StateDict, bool Stripped) StripDataParallelPrefix(Dictionary<string, Tensor> stateDict, string source)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        ArgumentNullException.ThrowIfNull(source);
        var prefixed = stateDict.Keys.Count(k => k.StartsWith(DataParallelPrefix, StringComparison.Ordinal));
        if (prefixed == 0)
        {
            return (stateDict, false);
        }

        if (prefixed < stateDict.Count)
        {
            var example = stateDict.Keys.First(k => !k.StartsWith(DataParallelPrefix, StringComparison.Ordinal));
            throw new InvalidDataException(
                $"{source}: {prefixed} of {stateDict.Count} keys start with '{DataParallelPrefix}' (DataParallel) and the others do not (e.g. '{example}'): ambiguous, refusing to guess which keys belong to the model");
        }

        var result = new Dictionary<string, Tensor>(stateDict.Count, StringComparer.Ordinal);
        foreach (var (key, tensor) in stateDict)
        {
            var name = key[DataParallelPrefix.Length..];
            if (name.Length == 0 || !result.TryAdd(name, tensor))
            {
                throw new InvalidDataException($"{source}: stripping '{DataParallelPrefix}' from '{key}' gives {(name.Length == 0 ? "an empty key" : $"'{name}' twice")}");
            }
        }

        return (result, true);
    }

    /// <summary>The entries under one child module, with its prefix removed: <c>backbone.conv1.weight</c> → <c>conv1.weight</c> for <c>backbone.</c>.</summary>
    /// <param name="stateDict">The tensors by name (not copied).</param>
    /// <param name="prefix">The prefix, ending with a dot (e.g. <c>backbone.</c>).</param>
    /// <returns>The matching entries, in order, renamed; empty when no key has the prefix.</returns>
    /// <exception cref="ArgumentException">When the prefix is empty or does not end with a dot.</exception>
    public static Dictionary<string, Tensor> SubDict(IReadOnlyDictionary<string, Tensor> stateDict, string prefix)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length < 2 || !prefix.EndsWith('.'))
        {
            throw new ArgumentException($"a child module's prefix ends with a dot, like 'backbone.', got '{prefix}'", nameof(prefix));
        }

        return stateDict.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && kv.Key.Length > prefix.Length)
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);
    }
}
