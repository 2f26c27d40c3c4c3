using System.Text;

namespace Srn.Torch.IO.Pickle;

/// <summary>
/// The allow list of module attributes a checkpoint's pickle may name (GLOBAL / STACK_GLOBAL), and what calling
/// each one (REDUCE / NEWOBJ) produces. Nothing outside this list is ever resolved, let alone executed: the
/// "calls" below are C# re-implementations of the few harmless constructors torch.save emits for state dicts.
/// </summary>
internal static class TorchGlobals
{
    private const string RebuildTensorV2 = "torch._utils._rebuild_tensor_v2";
    private const string RebuildTensor = "torch._utils._rebuild_tensor";
    private const string RebuildParameter = "torch._utils._rebuild_parameter";

    private static readonly Dictionary<string, ScalarType> StorageTypes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = ScalarType.Float32,
        ["DoubleStorage"] = ScalarType.Float64,
        ["HalfStorage"] = ScalarType.Float16,
        ["BFloat16Storage"] = ScalarType.BFloat16,
        ["LongStorage"] = ScalarType.Int64,
        ["IntStorage"] = ScalarType.Int32,
        ["ShortStorage"] = ScalarType.Int16,
        ["CharStorage"] = ScalarType.Int8,
        ["ByteStorage"] = ScalarType.UInt8,
        ["BoolStorage"] = ScalarType.Bool,
    };

    // torch dtypes pickle as references to module attributes (torch.float32 reduces to the name 'float32').
    private static readonly HashSet<string> DTypeNames = new(StringComparer.Ordinal)
    {
        "float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool",
    };

    private static readonly HashSet<string> Callables = new(StringComparer.Ordinal)
    {
        "collections.OrderedDict", RebuildTensorV2, RebuildTensor, RebuildParameter, "torch.device", "torch.Size",
        "builtins.set", "builtins.frozenset", "builtins.bytearray", "_codecs.encode",
    };

    /// <summary>A short description of what may be named, for the error on anything else.</summary>
    public const string Summary =
        "collections.OrderedDict, torch._utils._rebuild_tensor_v2 / _rebuild_tensor / _rebuild_parameter, torch.<Type>Storage, " +
        "torch.device, torch.Size, torch dtypes, builtins.set / frozenset / bytearray, _codecs.encode";

    /// <summary>Resolves a GLOBAL reference when it is on the allow list.</summary>
    /// <param name="module">The module, e.g. <c>collections</c> (Python 2's <c>__builtin__</c> reads as <c>builtins</c>).</param>
    /// <param name="name">The attribute, e.g. <c>OrderedDict</c>.</param>
    /// <returns>The reference, or null when it is not allowed.</returns>
    public static PyGlobal? Resolve(string module, string name)
    {
        if (module == "__builtin__")
        {
            module = "builtins";
        }

        var g = new PyGlobal(module, name);
        var allowed = Callables.Contains(g.FullName)
            || (module == "torch" && (StorageTypes.ContainsKey(name) || DTypeNames.Contains(name)));
        return allowed ? g : null;
    }

    /// <summary>The element type of a storage class reference (<c>torch.FloatStorage</c> ...), or null.</summary>
    public static ScalarType? StorageDType(PyGlobal type) =>
        type.Module == "torch" && StorageTypes.TryGetValue(type.Name, out var dtype) ? dtype : null;

    /// <summary>Applies an allow-listed callable to its arguments (REDUCE, NEWOBJ).</summary>
    /// <param name="callable">The value the pickle calls.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>The result.</returns>
    /// <exception cref="InvalidDataException">When the value is not callable or the arguments do not fit.</exception>
    public static object? Call(object? callable, object? args)
    {
        if (callable is not PyGlobal g || !Callables.Contains(g.FullName))
        {
            throw new InvalidDataException($"the pickle calls {PyValues.Describe(callable)}, which is not an allowed callable");
        }

        if (args is not PyTuple a)
        {
            throw new InvalidDataException($"the pickle calls {g.FullName} with {PyValues.Describe(args)} instead of an argument tuple");
        }

        return g.FullName switch
        {
            RebuildTensorV2 => Tensor(g, a, a.Count is 6 or 7),
            RebuildTensor => Tensor(g, a, a.Count == 4),
            RebuildParameter => Parameter(a),
            "collections.OrderedDict" => OrderedDict(a),
            "torch.device" => Device(a),
            "torch.Size" => a.Count == 1 && PyValues.AsLongs(a[0]) is { } dims ? new PyTuple([.. dims.Select(d => (object?)d)]) : throw BadArgs(g, a),
            "builtins.set" or "builtins.frozenset" => a.Count == 0 ? new PySet([]) : a.Count == 1 ? new PySet([.. Iterate(g, a[0])]) : throw BadArgs(g, a),
            "builtins.bytearray" => a.Count == 0 ? Array.Empty<byte>() : a.Count == 1 && a[0] is byte[] b ? b : throw BadArgs(g, a),
            _ => Encode(g, a),
        };
    }

    /// <summary>Applies BUILD: sets an object's state. Only an OrderedDict's attributes (a state dict's <c>_metadata</c>) occur; they are ignored.</summary>
    /// <param name="target">The object being built.</param>
    /// <param name="state">Its state.</param>
    /// <exception cref="InvalidDataException">For any other object.</exception>
    public static void Build(object? target, object? state)
    {
        if (target is PyDict && state is PyDict or PyTuple { Count: 2 } or null)
        {
            return;
        }

        throw new InvalidDataException($"the pickle sets the state of {PyValues.Describe(target)} to {PyValues.Describe(state)}, which a state dict never does");
    }

    private static PickledTensor Tensor(PyGlobal g, PyTuple a, bool arityOk)
    {
        if (!arityOk)
        {
            throw BadArgs(g, a);
        }

        if (a[0] is not PickledStorage storage)
        {
            throw new InvalidDataException($"{g.FullName} gets {PyValues.Describe(a[0])} where a storage belongs");
        }

        if (PyValues.AsLong(a[1]) is not { } offset || PyValues.AsLongs(a[2]) is not { } size || PyValues.AsLongs(a[3]) is not { } stride)
        {
            throw new InvalidDataException($"{g.FullName} gets a malformed storage offset, size or stride ({PyValues.Describe(a[1])}, {PyValues.Describe(a[2])}, {PyValues.Describe(a[3])})");
        }

        return new PickledTensor(storage, offset, size, stride, isParameter: false);
    }

    private static PickledTensor Parameter(PyTuple a) => a.Count is 2 or 3 && a[0] is PickledTensor data
        ? data.AsParameter()
        : throw new InvalidDataException($"{RebuildParameter} gets {(a.Count > 0 ? PyValues.Describe(a[0]) : "no arguments")} where a tensor belongs");

    private static PyDict OrderedDict(PyTuple a)
    {
        var dict = new PyDict();
        if (a.Count == 0)
        {
            return dict;
        }

        if (a.Count == 1 && a[0] is PyDict source)
        {
            foreach (var (k, v) in source.Items)
            {
                dict.Set(k, v);
            }

            return dict;
        }

        foreach (var pair in a.Count == 1 ? Iterate(new PyGlobal("collections", "OrderedDict"), a[0]) : throw BadArgs(new PyGlobal("collections", "OrderedDict"), a))
        {
            var kv = pair switch
            {
                PyTuple { Count: 2 } t => t.Items,
                List<object?> { Count: 2 } l => l,
                _ => throw new InvalidDataException($"collections.OrderedDict gets {PyValues.Describe(pair)} where a (key, value) pair belongs"),
            };
            dict.Set(kv[0], kv[1]);
        }

        return dict;
    }

    private static PyDevice Device(PyTuple a) => a switch
    {
        { Count: 1 } when a[0] is string s => new PyDevice(s),
        { Count: 2 } when a[0] is string s && PyValues.AsLong(a[1]) is { } i => new PyDevice($"{s}:{i}"),
        _ => throw BadArgs(new PyGlobal("torch", "device"), a),
    };

    // Protocol 2 pickles a Python 3 bytes object as _codecs.encode(text, 'latin1').
    private static byte[] Encode(PyGlobal g, PyTuple a)
    {
        if (a.Count == 2 && a[0] is string text && a[1] is string encoding
            && encoding.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToUpperInvariant() is "LATIN1" or "ISO88591")
        {
            if (text.Any(c => c > '\u00ff'))
            {
                throw new InvalidDataException("_codecs.encode gets text outside latin-1");
            }

            return Encoding.Latin1.GetBytes(text);
        }

        throw BadArgs(g, a);
    }

    private static IEnumerable<object?> Iterate(PyGlobal g, object? value) => value switch
    {
        List<object?> l => l,
        PyTuple t => t.Items,
        PySet s => s.Items,
        _ => throw new InvalidDataException($"{g.FullName} gets {PyValues.Describe(value)} where a list or tuple belongs"),
    };

    private static InvalidDataException BadArgs(PyGlobal g, PyTuple a) =>
        new($"{g.FullName} gets {a.Count} argument(s) ({string.Join(", ", a.Items.Select(PyValues.Describe))}), which it does not take");
}
