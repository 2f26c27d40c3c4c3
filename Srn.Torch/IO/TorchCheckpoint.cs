using Srn.Torch.IO.Pickle;

namespace Srn.Torch.IO;

/// <summary>
/// Reads PyTorch checkpoints (<c>.pth</c> / <c>.pt</c> files written by <c>torch.save</c>) that hold state dicts,
/// in pure C#: both the zip format (the default since torch 1.6) and the legacy format (torchvision's older
/// ImageNet checkpoints). The pickle inside is read by a safe subset reader: only the classes and functions a
/// state dict needs (OrderedDict, torch's tensor rebuild functions, storage types, <c>torch.device</c> and a few
/// builtins) may be named, and nothing from the file is ever executed; anything else is refused by name.
/// </summary>
/// <remarks>
/// Same as <c>torch.load(path, map_location='cpu')</c> for state dicts. Every tensor comes back as its own
/// contiguous CPU tensor with the saved dtype, shape and values (views, offsets and strides are honoured;
/// <c>nn.Parameter</c>s become plain tensors that do not require grad); each storage is read once.
/// </remarks>
public static class TorchCheckpoint
{
    /// <summary>Loads a checkpoint that is a state dict: tensors by name, in file order.</summary>
    /// <param name="path">The .pth / .pt file.</param>
    /// <returns>The tensors by name (an OrderedDict's <c>_metadata</c> is ignored); the caller owns (disposes) them.</returns>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">When the file is truncated or corrupt, uses an unsupported pickle opcode or
    /// global, or is not a dict of tensors (e.g. it nests the state dict under a key: see
    /// <see cref="Load(string, string)"/>); the message names the file and what is wrong.</exception>
    /// <remarks>Same as <c>torch.load(path, map_location='cpu')</c> for state dicts.</remarks>
    public static Dictionary<string, Tensor> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Guard(path, () =>
        {
            using var archive = CheckpointArchive.Open(path);
            return ToStateDict(archive, archive.Root, "the checkpoint", topLevel: true);
        });
    }

    /// <summary>
    /// Loads the state dict stored under one key of a dict checkpoint, e.g. <c>"model"</c> of
    /// <c>{"model": state_dict, "optimizer": ..., "epoch": 3}</c>. Only that state dict's storages are read.
    /// </summary>
    /// <param name="path">The .pth / .pt file.</param>
    /// <param name="key">The top-level key of the state dict.</param>
    /// <returns>The tensors by name, in file order; the caller owns (disposes) them.</returns>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="KeyNotFoundException">When the checkpoint has no such key; the message lists the keys it has.</exception>
    /// <exception cref="InvalidDataException">When the file is truncated or corrupt, uses an unsupported pickle opcode or
    /// global, is not a dict, or the value under <paramref name="key"/> is not a dict of tensors.</exception>
    /// <remarks>Same as <c>torch.load(path, map_location='cpu')[key]</c> for a nested state dict.</remarks>
    public static Dictionary<string, Tensor> Load(string path, string key)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(key);

        // The missing key is thrown outside the guard, which would otherwise take it for a reader fault.
        string? missing = null;
        var result = Guard(path, () =>
        {
            using var archive = CheckpointArchive.Open(path);
            var root = RootDict(archive);
            if (!root.TryGetValue(key, out var value))
            {
                missing = $"{path}: the checkpoint has no key '{key}'; its keys are {string.Join(", ", root.Items.Select(kv => PyValues.Repr(kv.Key)))}";
                return null;
            }

            return ToStateDict(archive, value, $"the value under key '{key}'", topLevel: false);
        });
        return result ?? throw new KeyNotFoundException(missing);
    }

    /// <summary>
    /// The keys under which training code commonly nests a model's state dict, e.g. <c>{'epoch': 3, 'state_dict': ...,
    /// 'best_mAP': ...}</c> (HCP-MLR-PL's <c>save_checkpoint</c>) or <c>{'model': ..., 'optimizer': ...}</c>.
    /// </summary>
    public static IReadOnlyList<string> WrapperKeys { get; } = ["state_dict", "model", "model_state_dict"];

    /// <summary>
    /// Loads a model's state dict from a checkpoint however the reference code saved it: a plain state dict, or one nested
    /// under one of <see cref="WrapperKeys"/> next to other entries (epoch, optimizer, metrics), with its keys' DataParallel
    /// prefix <c>module.</c> removed when every key has it (<see cref="StateDictKeys.StripDataParallelPrefix"/>).
    /// </summary>
    /// <param name="path">The .pth / .pt file.</param>
    /// <returns>
    /// The tensors by name, in file order (the caller owns them), and one line saying what was unwrapped and stripped,
    /// e.g. <c>the state dict under 'state_dict' (next to 'epoch', 'best_mAP'), 'module.' stripped from its 320 keys</c>.
    /// </returns>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// When the file is not a readable checkpoint; when it is a dict that is not a state dict and none of
    /// <see cref="WrapperKeys"/> holds one, or several do (ambiguous); or when only some keys carry <c>module.</c>. The
    /// message names the file and the keys it has.
    /// </exception>
    /// <remarks>
    /// Same as <c>sd = torch.load(path, map_location='cpu'); sd = sd.get('state_dict', sd)</c> followed by stripping
    /// <c>module.</c>, the idiom of code that loads DataParallel checkpoints, but refusing to guess where that idiom would.
    /// </remarks>
    public static (Dictionary<string, Tensor> StateDict, string Description) LoadStateDict(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string? where = null;
        var tensors = Guard(path, () =>
        {
            using var archive = CheckpointArchive.Open(path);
            var root = RootDict(archive);
            if (root.Items.All(kv => kv.Value is PickledTensor))
            {
                where = "a plain state dict";
                return ToStateDict(archive, root, "the checkpoint", topLevel: true);
            }

            var wrappers = WrapperKeys.Where(k => root.TryGetValue(k, out var v) && IsStateDict(v)).ToList();
            var keys = string.Join(", ", root.Items.Select(kv => PyValues.Repr(kv.Key)));
            if (wrappers.Count != 1)
            {
                throw new InvalidDataException(wrappers.Count == 0
                    ? $"{path}: the checkpoint is not a state dict and holds none under {string.Join(", ", WrapperKeys.Select(k => $"'{k}'"))}; its keys are {keys}; load it with TorchCheckpoint.Load(path, key)"
                    : $"{path}: ambiguous checkpoint: {string.Join(" and ", wrappers.Select(k => $"'{k}'"))} both hold state dicts; load one with TorchCheckpoint.Load(path, key)");
            }

            var others = root.Items.Select(kv => kv.Key).Where(k => !Equals(k, wrappers[0])).Select(PyValues.Repr).ToList();
            where = $"the state dict under '{wrappers[0]}'{(others.Count > 0 ? $" (next to {string.Join(", ", others)})" : "")}";
            root.TryGetValue(wrappers[0], out var value);
            return ToStateDict(archive, value, $"the value under key '{wrappers[0]}'", topLevel: false);
        });
        try
        {
            var (stateDict, stripped) = StateDictKeys.StripDataParallelPrefix(tensors, path);
            return (stateDict, $"{where}{(stripped ? $", '{StateDictKeys.DataParallelPrefix}' stripped from its {stateDict.Count} keys" : $", {stateDict.Count} tensors")}");
        }
        catch
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }

            throw;
        }
    }

    /// <summary>The top-level keys of a dict checkpoint, in file order, without reading any tensor data.</summary>
    /// <param name="path">The .pth / .pt file.</param>
    /// <returns>The keys; a key that is not a string is listed as Python would print it (e.g. <c>3</c>).</returns>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">When the file is not a readable checkpoint, or its object is not a dict.</exception>
    /// <remarks>Same as <c>list(torch.load(path, map_location='cpu').keys())</c>.</remarks>
    public static IReadOnlyList<string> Keys(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Guard<IReadOnlyList<string>>(path, () =>
        {
            using var archive = CheckpointArchive.Open(path);
            return [.. RootDict(archive).Items.Select(kv => kv.Key as string ?? PyValues.Repr(kv.Key))];
        });
    }

    /// <summary>The prefix of the message of a file that cannot be read as a checkpoint at all, after the path.</summary>
    internal const string Unreadable = "not a readable PyTorch checkpoint: ";

    // The readers check what they know to check and throw InvalidDataException naming the file. A corrupt file can still
    // trip something they did not foresee (an index out of range, a bad cast, a short read): whatever it is, the caller
    // gets one InvalidDataException that names the file, never a bare exception from deep inside the unpickler (or
    // System.IO.Compression's InvalidDataException, which does not name it).
    private static T Guard<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not (FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
                                      or OutOfMemoryException or OperationCanceledException)
                                  && !(e is InvalidDataException && e.Message.StartsWith(path, StringComparison.Ordinal)))
        {
            var what = e is EndOfStreamException ? "the file ends early (truncated)" : $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
            throw new InvalidDataException($"{path}: {Unreadable}{what}", e);
        }
    }

    private static bool IsStateDict(object? value) => value is PyDict { Count: > 0 } d && d.Items.All(kv => kv.Key is string && kv.Value is PickledTensor);

    private static PyDict RootDict(CheckpointArchive archive) => archive.Root as PyDict
        ?? throw new InvalidDataException($"{archive.Path}: the checkpoint holds {PyValues.Describe(archive.Root)}, not a dict");

    private static Dictionary<string, Tensor> ToStateDict(CheckpointArchive archive, object? value, string what, bool topLevel)
    {
        if (value is not PyDict dict)
        {
            throw new InvalidDataException($"{archive.Path}: {what} is {PyValues.Describe(value)}, not a state dict (a dict of tensors)");
        }

        // Check every entry before reading any data, and count the tensors per storage so that each storage's
        // bytes are read once and dropped after their last use.
        var entries = new List<(string Name, PickledTensor Tensor)>(dict.Count);
        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (k, v) in dict.Items)
        {
            if (k is not string name)
            {
                throw new InvalidDataException($"{archive.Path}: {what} has the key {PyValues.Repr(k)}, {PyValues.Describe(k)}; state dict keys are strings");
            }

            if (v is not PickledTensor tensor)
            {
                var nested = dict.Items.Where(kv => kv.Value is PyDict).Select(kv => PyValues.Repr(kv.Key)).ToList();
                var hint = topLevel && nested.Count > 0
                    ? $"; if the checkpoint nests its state dict, load it with TorchCheckpoint.Load(path, key), key one of {string.Join(", ", nested)}"
                    : "";
                throw new InvalidDataException($"{archive.Path}: entry '{name}' of {what} is {PyValues.Describe(v)}, not a tensor{hint}");
            }

            try
            {
                tensor.Validate(name);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{archive.Path}: {e.Message}", e);
            }

            entries.Add((name, tensor));
            uses[tensor.Storage.RootKey] = uses.GetValueOrDefault(tensor.Storage.RootKey) + 1;
        }

        var cache = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var result = new Dictionary<string, Tensor>(entries.Count, StringComparer.Ordinal);
        try
        {
            foreach (var (name, tensor) in entries)
            {
                var key = tensor.Storage.RootKey;
                if (!cache.TryGetValue(key, out var bytes))
                {
                    bytes = archive.ReadStorage(tensor.Storage);
                    cache[key] = bytes;
                }

                try
                {
                    result[name] = tensor.Materialize(bytes, name);
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidDataException($"{archive.Path}: {e.Message}", e);
                }

                if (--uses[key] == 0)
                {
                    cache.Remove(key);
                }
            }
        }
        catch
        {
            foreach (var t in result.Values)
            {
                t.Dispose();
            }

            throw;
        }

        return result;
    }
}
