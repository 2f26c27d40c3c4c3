using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Srn.Torch.IO;

/// <summary>
/// Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte
/// little-endian header length, a JSON header mapping each name to dtype, shape and data offsets
/// (plus an optional string-to-string <c>__metadata__</c>), then the raw row-major data.
/// </summary>
/// <remarks>Same as <c>safetensors.torch.load_file</c> / <c>save_file</c>. Writes are atomic (temp file, then rename).</remarks>
public static class SafeTensors
{
    private const string MetadataKey = "__metadata__";
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>Loads every tensor of a file, in file order, onto the CPU.</summary>
    /// <param name="path">The .safetensors file.</param>
    /// <returns>The tensors by name; the caller owns (disposes) them.</returns>
    /// <exception cref="InvalidDataException">When the file is truncated or its header is malformed; the message names the file.</exception>
    public static Dictionary<string, Tensor> Load(string path) => Read(path).Tensors;

    /// <summary>Loads every tensor and the metadata of a file.</summary>
    /// <param name="path">The .safetensors file.</param>
    /// <returns>The tensors by name and the metadata (empty when absent).</returns>
    /// <exception cref="InvalidDataException">When the file is truncated or its header is malformed.</exception>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException($"safetensors file not found: {path}", path, e);
        }

        return Parse(bytes, path);
    }

    /// <summary>Parses a safetensors image held in memory.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="source">A name for error messages (usually the path).</param>
    /// <returns>The tensors by name and the metadata.</returns>
    /// <exception cref="InvalidDataException">When the data is truncated or malformed.</exception>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Parse(ReadOnlySpan<byte> bytes, string source = "<memory>")
    {
        if (bytes.Length < 8)
        {
            throw Bad(source, $"file is {bytes.Length} bytes, shorter than the 8-byte header length");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)Math.Min(MaxHeaderBytes, bytes.Length - 8))
        {
            throw Bad(source, $"header length {headerLength} exceeds the file ({bytes.Length} bytes): truncated or not a safetensors file");
        }

        var data = bytes[(8 + (int)headerLength)..];
        var entries = new List<(string Name, ScalarType Type, long[] Shape, long Begin, long End)>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(bytes.Slice(8, (int)headerLength).ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Bad(source, "header is not a JSON object");
            }

            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == MetadataKey)
                {
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        metadata[m.Name] = m.Value.GetString() ?? string.Empty;
                    }

                    continue;
                }

                var v = prop.Value;
                var dtypeName = v.GetProperty("dtype").GetString() ?? string.Empty;
                var type = ParseDType(dtypeName) ?? throw Bad(source, $"tensor '{prop.Name}' has unsupported dtype '{dtypeName}'");
                var shape = v.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var offsets = v.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                if (offsets.Length != 2 || shape.Any(s => s < 0))
                {
                    throw Bad(source, $"tensor '{prop.Name}' has malformed shape or data_offsets");
                }

                entries.Add((prop.Name, type, shape, offsets[0], offsets[1]));
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Bad(source, "header is not valid safetensors JSON: " + e.Message, e);
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, type, shape, begin, end) in entries)
            {
                var numel = shape.Aggregate(1L, (a, b) => checked(a * b));
                var expected = checked(numel * type.ElementSize());
                if (begin < 0 || end < begin || end > data.Length)
                {
                    throw Bad(source, $"tensor '{name}' has data offsets [{begin}, {end}) outside the {data.Length} data bytes: truncated file?");
                }

                if (end - begin != expected)
                {
                    throw Bad(source, $"tensor '{name}' of shape [{string.Join(", ", shape)}] and dtype {type} needs {expected} bytes, but its offsets span {end - begin}");
                }

                result[name] = Tensor.FromBytes(data[(int)begin..(int)end], shape, type).DetachFromScope();
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

        return (result, metadata);
    }

    /// <summary>Writes tensors (and optional metadata) to a file atomically. Tensors on other devices are copied to the host.</summary>
    /// <param name="path">Destination; replaced only once the whole file is written.</param>
    /// <param name="tensors">The tensors by name (names must not be <c>__metadata__</c>).</param>
    /// <param name="metadata">Optional string metadata.</param>
    /// <exception cref="ArgumentException">For a reserved or empty name.</exception>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var blobs = new List<(string Name, ScalarType Type, long[] Shape, byte[] Bytes)>();
        foreach (var (name, tensor) in tensors)
        {
            if (string.IsNullOrEmpty(name) || name == MetadataKey)
            {
                throw new ArgumentException($"'{name}' cannot name a tensor in a safetensors file", nameof(tensors));
            }

            blobs.Add((name, tensor.DType, tensor.Shape, tensor.ToBytes()));
        }

        using var header = new MemoryStream();
        using (var w = new Utf8JsonWriter(header))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata)
                {
                    w.WriteString(k, v);
                }

                w.WriteEndObject();
            }

            long offset = 0;
            foreach (var (name, type, shape, bytes) in blobs)
            {
                w.WriteStartObject(name);
                w.WriteString("dtype", DTypeName(type));
                w.WriteStartArray("shape");
                foreach (var s in shape)
                {
                    w.WriteNumberValue(s);
                }

                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes.Length);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes.Length;
            }

            w.WriteEndObject();
        }

        // The spec pads the header with spaces so that the data starts 8-byte aligned.
        var headerBytes = header.ToArray();
        var padded = (headerBytes.Length + 7) / 8 * 8;
        AtomicFile.Write(path, stream =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
            stream.Write(len);
            stream.Write(headerBytes);
            for (var i = headerBytes.Length; i < padded; i++)
            {
                stream.WriteByte((byte)' ');
            }

            foreach (var blob in blobs)
            {
                stream.Write(blob.Bytes);
            }
        });
    }

    private static ScalarType? ParseDType(string name) => name switch
    {
        "F64" => ScalarType.Float64,
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.UInt8,
        "BOOL" => ScalarType.Bool,
        _ => null,
    };

    private static string DTypeName(ScalarType type) => type switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.UInt8 => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no safetensors dtype"),
    };

    private static InvalidDataException Bad(string source, string what, Exception? inner = null) =>
        new($"{source}: {what}", inner);
}
