namespace Srn.Torch.IO.Pickle;

/// <summary>
/// A storage a checkpoint's pickle refers to by persistent id: <c>('storage', torch.FloatStorage, key, location,
/// numel[, view])</c>. The bytes live outside the pickle (a zip entry <c>data/key</c>, or the legacy format's data
/// section) under <see cref="RootKey"/>. Legacy files of torch &lt; 0.4 may refer to a view: a window of
/// <see cref="Numel"/> elements from element <see cref="Offset"/> of the root storage.
/// </summary>
internal sealed class PickledStorage(string rootKey, ScalarType dtype, long rootNumel, long offset, long numel)
{
    /// <summary>The key of the storage whose bytes the file holds.</summary>
    public string RootKey { get; } = rootKey;

    /// <summary>The element type.</summary>
    public ScalarType DType { get; } = dtype;

    /// <summary>The element count of the root storage.</summary>
    public long RootNumel { get; } = rootNumel;

    /// <summary>Where this storage starts in the root storage, in elements (0 unless a view).</summary>
    public long Offset { get; } = offset;

    /// <summary>The element count of this storage.</summary>
    public long Numel { get; } = numel;

    /// <summary>The root storage's size in bytes.</summary>
    public long RootBytes => checked(RootNumel * DType.ElementSize());

    /// <summary>
    /// Turns a persistent id into a storage, sharing one object per key through <paramref name="known"/>.
    /// </summary>
    /// <param name="pid">The persistent id popped by BINPERSID.</param>
    /// <param name="known">Storages seen so far by key (root keys and view keys).</param>
    /// <returns>The storage.</returns>
    /// <exception cref="InvalidDataException">When the id is malformed or contradicts an earlier one.</exception>
    public static PickledStorage FromPersistentId(object? pid, Dictionary<string, PickledStorage> known)
    {
        if (pid is not PyTuple { Count: 5 or 6 } t || t[0] is not "storage")
        {
            throw new InvalidDataException($"persistent id is {PyValues.Describe(pid)} {(pid is PyTuple p ? $"of {p.Count} items " : "")}rather than ('storage', type, key, location, numel)");
        }

        if (t[1] is not PyGlobal type || TorchGlobals.StorageDType(type) is not { } dtype)
        {
            throw new InvalidDataException($"persistent id names {PyValues.Describe(t[1])} as its storage type");
        }

        if (t[2] is not string key || PyValues.AsLong(t[4]) is not { } numel || numel < 0)
        {
            throw new InvalidDataException($"persistent id ('storage', {type.FullName}, {PyValues.Repr(t[2])}, ..., {PyValues.Repr(t[4])}) has a malformed key or element count");
        }

        if (numel > long.MaxValue / dtype.ElementSize())
        {
            throw new InvalidDataException($"storage '{key}' claims {numel} elements, more than any file can hold");
        }

        var root = Lookup(known, key, dtype, numel, 0, numel);
        if (t.Count == 5 || t[5] is null)
        {
            return root;
        }

        if (t[5] is not PyTuple { Count: 3 } view || view[0] is not string viewKey
            || PyValues.AsLong(view[1]) is not { } viewOffset || PyValues.AsLong(view[2]) is not { } viewNumel)
        {
            throw new InvalidDataException($"storage '{key}' has malformed view metadata {PyValues.Describe(t[5])} (expected (key, offset, size))");
        }

        if (viewOffset < 0 || viewNumel < 0 || viewOffset > numel - viewNumel)
        {
            throw new InvalidDataException($"storage view '{viewKey}' spans elements [{viewOffset}, {viewOffset + viewNumel}) of the {numel}-element storage '{key}'");
        }

        return Lookup(known, viewKey, dtype, numel, viewOffset, viewNumel, key);
    }

    private static PickledStorage Lookup(Dictionary<string, PickledStorage> known, string key, ScalarType dtype, long rootNumel, long offset, long numel, string? rootKey = null)
    {
        rootKey ??= key;
        if (known.TryGetValue(key, out var seen))
        {
            if (seen.DType != dtype || seen.RootKey != rootKey || seen.RootNumel != rootNumel || seen.Offset != offset || seen.Numel != numel)
            {
                throw new InvalidDataException($"storage '{key}' is described twice differently ({seen.DType}, {seen.Numel} elements, then {dtype}, {numel} elements)");
            }

            return seen;
        }

        var storage = new PickledStorage(rootKey, dtype, rootNumel, offset, numel);
        known[key] = storage;
        return storage;
    }
}
