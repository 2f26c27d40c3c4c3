namespace Srn.Torch.IO.Pickle;

/// <summary>
/// A Python dict (or OrderedDict): insertion-ordered; setting an existing key replaces its value in place,
/// as Python does. Keys must be hashable: None, bool, int, float, str, bytes, tuples of those, or globals.
/// </summary>
internal sealed class PyDict
{
    private static readonly object NoneKey = new();

    private readonly List<KeyValuePair<object?, object?>> items = [];
    private readonly Dictionary<object, int> index = new(KeyComparer.Instance);

    public int Count => items.Count;

    /// <summary>The entries in insertion order.</summary>
    public IReadOnlyList<KeyValuePair<object?, object?>> Items => items;

    /// <summary>Sets <c>d[key] = value</c>.</summary>
    /// <exception cref="InvalidDataException">When the key is of an unhashable type (list, dict, set).</exception>
    public void Set(object? key, object? value)
    {
        if (key is List<object?> or PyDict or PySet)
        {
            throw new InvalidDataException($"dict key is {PyValues.Describe(key)}, which Python cannot hash");
        }

        var k = key ?? NoneKey;
        if (index.TryGetValue(k, out var i))
        {
            items[i] = new(key, value);
        }
        else
        {
            index[k] = items.Count;
            items.Add(new(key, value));
        }
    }

    /// <summary>Looks a key up.</summary>
    public bool TryGetValue(object? key, out object? value)
    {
        if (key is not (List<object?> or PyDict or PySet) && index.TryGetValue(key ?? NoneKey, out var i))
        {
            value = items[i].Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>
    /// Python key equality for the hashable types checkpoints use (tuples and bytes compare by content). Tuples nested
    /// deeper than <see cref="PyValues.MaxDepth"/> are refused rather than risking the stack.
    /// </summary>
    private sealed class KeyComparer : IEqualityComparer<object>
    {
        public static readonly KeyComparer Instance = new();

        public new bool Equals(object? x, object? y) => Equal(x ?? NoneKey, y ?? NoneKey, 0);

        public int GetHashCode(object obj) => Hash(obj, 0);

        private static bool Equal(object x, object y, int depth) => (x, y) switch
        {
            (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
            (PyTuple a, PyTuple b) => a.Count == b.Count && a.Items.Zip(b.Items).All(p => Equal(p.First ?? NoneKey, p.Second ?? NoneKey, Deeper(depth))),
            _ => object.Equals(x, y),
        };

        private static int Hash(object obj, int depth) => obj switch
        {
            byte[] b => b.Length == 0 ? 0 : HashCode.Combine(b.Length, b[0], b[^1]),
            PyTuple t => t.Items.Aggregate(t.Count, (h, item) => HashCode.Combine(h, Hash(item ?? NoneKey, Deeper(depth)))),
            _ => obj.GetHashCode(),
        };

        private static int Deeper(int depth) => depth < PyValues.MaxDepth
            ? depth + 1
            : throw new InvalidDataException($"a dict key nests tuples more than {PyValues.MaxDepth} deep");
    }
}
