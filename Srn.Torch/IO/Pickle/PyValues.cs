using System.Globalization;
using System.Numerics;

namespace Srn.Torch.IO.Pickle;

// The Python values an unpickled checkpoint is made of. None is null; bool, int (long, or BigInteger
// beyond 64 bits), float (double), str (string) and bytes (byte[]) are the .NET types; list is
// List<object?>; dict and OrderedDict are PyDict; the rest are the small types below.

/// <summary>A Python tuple.</summary>
internal sealed class PyTuple(object?[] items)
{
    public static readonly PyTuple Empty = new([]);

    public IReadOnlyList<object?> Items { get; } = items;

    public int Count => Items.Count;

    public object? this[int index] => Items[index];
}

/// <summary>A Python set or frozenset (kept as a list: checkpoints only carry them as metadata).</summary>
internal sealed class PySet(List<object?> items)
{
    public List<object?> Items { get; } = items;
}

/// <summary>A reference to an allow-listed module attribute (a class, function or constant), as GLOBAL pushes it.</summary>
internal sealed record PyGlobal(string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";
}

/// <summary>A <c>torch.device</c> value (e.g. <c>cpu</c>, <c>cuda:0</c>); checkpoints load onto the CPU whatever it says.</summary>
internal sealed record PyDevice(string Spec);

/// <summary>Names and renders Python values for error messages.</summary>
internal static class PyValues
{
    /// <summary>How deep tuples may nest where this reader recurses into them (dict keys, key rendering).</summary>
    public const int MaxDepth = 64;

    /// <summary>The Python type name of a value ("an int", "a dict", ...), for messages.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "None",
        bool => "a bool",
        long or BigInteger => "an int",
        double => "a float",
        string => "a str",
        byte[] => "a bytes object",
        List<object?> => "a list",
        PyTuple => "a tuple",
        PyDict => "a dict",
        PySet => "a set",
        PyGlobal g => $"a reference to {g.FullName}",
        PyDevice => "a torch.device",
        PickledStorage => "a storage",
        PickledTensor => "a tensor",
        _ => "a " + value.GetType().Name,
    };

    /// <summary>A short Python-like rendering of a dict key (strings quoted), for messages and key listings.</summary>
    public static string Repr(object? value) => Repr(value, 0);

    private static string Repr(object? value, int depth) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string s => $"'{s}'",
        long l => l.ToString(CultureInfo.InvariantCulture),
        BigInteger i => i.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        PyTuple when depth >= MaxDepth => "(...)",
        PyTuple t => "(" + string.Join(", ", t.Items.Select(item => Repr(item, depth + 1))) + (t.Count == 1 ? ",)" : ")"),
        _ => "<" + Describe(value) + ">",
    };

    /// <summary>A Python int that fits 64 bits, or null.</summary>
    public static long? AsLong(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        BigInteger i when i >= long.MinValue && i <= long.MaxValue => (long)i,
        _ => null,
    };

    /// <summary>A tuple or list of Python ints, or null when the value is anything else.</summary>
    public static long[]? AsLongs(object? value)
    {
        IReadOnlyList<object?>? items = value switch
        {
            PyTuple t => t.Items,
            List<object?> l => l,
            _ => null,
        };
        if (items is null)
        {
            return null;
        }

        var result = new long[items.Count];
        for (var i = 0; i < result.Length; i++)
        {
            if (AsLong(items[i]) is not { } v)
            {
                return null;
            }

            result[i] = v;
        }

        return result;
    }
}
