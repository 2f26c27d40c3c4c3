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
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">When the file is truncated or its header is malformed; the message starts with the path and names the tensor at fault.</exception>
    public static Dictionary<string, Tensor> Load(string path) => Read(path).Tensors;

    /// <summary>Loads every tensor and the metadata of a file.</summary>
    /// <param name="path">The .safetensors file.</param>
    /// <returns>The tensors by name and the metadata (empty when absent).</returns>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">When the file is truncated or its header is malformed (see <see cref="Parse"/>); the message starts with the path.</exception>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);

            // The header length is checked before the file is read: a corrupt prefix must not make us read gigabytes.
            Span<byte> prefix = stackalloc byte[8];
            var n = stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false);
            if (n == 8 && BinaryPrimitives.ReadUInt64LittleEndian(prefix) > MaxHeaderBytes)
            {
                throw Bad(path, $"header length {BinaryPrimitives.ReadUInt64LittleEndian(prefix)} is larger than the limit of {MaxHeaderBytes} bytes: not a safetensors file");
            }

            stream.Position = 0;
            bytes = stream.Length > Array.MaxLength
                ? throw Bad(path, $"the file is {stream.Length} bytes, larger than this reader can hold in memory")
                : new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"safetensors file not found: {path}", path, e);
        }
        catch (EndOfStreamException e)
        {
            throw Bad(path, "the file shrank while it was read", e);
        }

        return Parse(bytes, path);
    }

    /// <summary>Reads only a file's metadata (its header), without reading the tensors' bytes.</summary>
    /// <param name="path">The .safetensors file.</param>
    /// <returns>The metadata (empty when absent).</returns>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">When the header is truncated or malformed; the message starts with the path.</exception>
    /// <remarks>The layout of the data section is checked against the file's length; the tensors' bytes are not read.</remarks>
    public static Dictionary<string, string> ReadMetadata(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"safetensors file not found: {path}", path);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        Span<byte> prefix = stackalloc byte[8];
        if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
        {
            throw Bad(path, $"file is {stream.Length} bytes, shorter than the 8-byte header length: truncated or not a safetensors file");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes || headerLength > (ulong)(stream.Length - 8))
        {
            throw Bad(path, $"header length {headerLength} does not fit the file ({stream.Length} bytes) or the limit of {MaxHeaderBytes} bytes: truncated or not a safetensors file");
        }

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var (entries, metadata) = ParseHeader(header, path);
        CheckLayout(entries, stream.Length - 8 - (long)headerLength, path);
        return metadata;
    }

    /// <summary>
    /// Parses a safetensors image held in memory. The layout is checked as strictly as the reference implementation
    /// does: a header length that fits the file (and at most 100 MiB), a JSON object whose entries each have a known
    /// dtype, a non-negative shape and two data offsets spanning exactly numel x element size bytes, and offsets that
    /// tile the data section from 0 to its end with no gap, no overlap and no trailing bytes.
    /// </summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="source">A name for error messages (usually the path).</param>
    /// <returns>The tensors by name and the metadata.</returns>
    /// <exception cref="InvalidDataException">When the data is truncated or malformed; the message starts with <paramref name="source"/> and names the tensor at fault.</exception>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Parse(ReadOnlySpan<byte> bytes, string source = "<memory>")
    {
        if (bytes.Length < 8)
        {
            throw Bad(source, $"file is {bytes.Length} bytes, shorter than the 8-byte header length: truncated or not a safetensors file");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8))
        {
            throw Bad(source, $"header length {headerLength} exceeds the {bytes.Length - 8} bytes after the length prefix: truncated or not a safetensors file");
        }

        if (headerLength > MaxHeaderBytes)
        {
            throw Bad(source, $"header length {headerLength} is larger than the limit of {MaxHeaderBytes} bytes: not a safetensors file");
        }

        var data = bytes[(8 + (int)headerLength)..];
        var (entries, metadata) = ParseHeader(bytes.Slice(8, (int)headerLength), source);
        CheckLayout(entries, data.Length, source);

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var e in entries)
            {
                result[e.Name] = Tensor.FromBytes(data[(int)e.Begin..(int)e.End], e.Shape, e.Type).DetachFromScope();
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

    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(ReadOnlySpan<byte> header, string source)
    {
        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header.ToArray());
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw Bad(source, "header is not valid JSON (corrupt or not a safetensors file): " + FirstLine(e.Message), e);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Bad(source, $"header is a JSON {doc.RootElement.ValueKind}, not an object");
            }

            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(prop.Name))
                {
                    throw Bad(source, $"header names '{prop.Name}' twice");
                }

                if (prop.Name == MetadataKey)
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object)
                    {
                        throw Bad(source, $"{MetadataKey} is a JSON {prop.Value.ValueKind}, not an object of strings");
                    }

                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String
                            ? m.Value.GetString()!
                            : throw Bad(source, $"{MetadataKey} entry '{m.Name}' is a JSON {m.Value.ValueKind}, not a string");
                    }

                    continue;
                }

                entries.Add(ParseEntry(prop.Name, prop.Value, source));
            }
        }

        return (entries, metadata);
    }

    private static Entry ParseEntry(string name, JsonElement v, string source)
    {
        if (v.ValueKind != JsonValueKind.Object
            || !v.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !v.TryGetProperty("shape", out var shapeJson) || shapeJson.ValueKind != JsonValueKind.Array
            || !v.TryGetProperty("data_offsets", out var offsetsJson) || offsetsJson.ValueKind != JsonValueKind.Array)
        {
            throw Bad(source, $"tensor '{name}' is not an object with a string dtype and the arrays shape and data_offsets");
        }

        var dtypeName = dtype.GetString()!;
        var type = ParseDType(dtypeName) ?? throw Bad(source, $"tensor '{name}' has unsupported dtype '{dtypeName}'");
        var shape = new long[shapeJson.GetArrayLength()];
        var i = 0;
        foreach (var d in shapeJson.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out shape[i]) || shape[i] < 0)
            {
                throw Bad(source, $"tensor '{name}' has shape {shapeJson.GetRawText()}: each size must be a non-negative integer");
            }

            i++;
        }

        var offsets = new long[2];
        i = 0;
        foreach (var o in offsetsJson.EnumerateArray())
        {
            if (i == 2 || o.ValueKind != JsonValueKind.Number || !o.TryGetInt64(out offsets[i]) || offsets[i] < 0)
            {
                throw Bad(source, $"tensor '{name}' has data_offsets {offsetsJson.GetRawText()}: expected two non-negative integers [begin, end]");
            }

            i++;
        }

        if (i != 2)
        {
            throw Bad(source, $"tensor '{name}' has data_offsets {offsetsJson.GetRawText()}: expected two non-negative integers [begin, end]");
        }

        long bytes;
        try
        {
            bytes = checked(shape.Aggregate(1L, (a, b) => a * b) * type.ElementSize());
        }
        catch (OverflowException)
        {
            throw Bad(source, $"tensor '{name}' has shape [{string.Join(", ", shape)}], too large to address");
        }

        if (offsets[1] < offsets[0] || offsets[1] - offsets[0] != bytes)
        {
            throw Bad(source, $"tensor '{name}' of shape [{string.Join(", ", shape)}] and dtype {dtypeName} needs {bytes} bytes, but its data_offsets [{offsets[0]}, {offsets[1]}) span {offsets[1] - offsets[0]}");
        }

        return new Entry(name, type, shape, offsets[0], offsets[1]);
    }

    // The tensors must tile the data section exactly, in some order: otherwise two tensors share bytes (a corrupt or
    // malicious header) or bytes belong to no tensor (a truncated or padded file); the reference reader refuses both.
    private static void CheckLayout(List<Entry> entries, long dataLength, string source)
    {
        var sorted = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long end = 0;
        Entry? previous = null;
        foreach (var e in sorted)
        {
            if (e.Begin < end)
            {
                throw Bad(source, $"tensor '{e.Name}' data_offsets [{e.Begin}, {e.End}) overlap tensor '{previous!.Name}' [{previous.Begin}, {previous.End})");
            }

            if (e.Begin > end)
            {
                throw Bad(source, previous is null
                    ? $"tensor '{e.Name}' starts at data offset {e.Begin}, but the first tensor must start at 0 (a gap of {e.Begin} bytes)"
                    : $"tensor '{e.Name}' starts at data offset {e.Begin}, leaving a gap of {e.Begin - end} bytes after tensor '{previous.Name}' (which ends at {end})");
            }

            end = e.End;
            previous = e;
        }

        if (end > dataLength)
        {
            throw Bad(source, $"tensor '{previous!.Name}' data_offsets [{previous.Begin}, {previous.End}) run past the {dataLength} data bytes: the file is truncated");
        }

        if (end < dataLength)
        {
            throw Bad(source, previous is null
                ? $"the header lists no tensors, but {dataLength} data bytes follow it"
                : $"the tensors end at data offset {end}, but the data section is {dataLength} bytes ({dataLength - end} trailing bytes after tensor '{previous.Name}')");
        }
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }

    private sealed record Entry(string Name, ScalarType Type, long[] Shape, long Begin, long End);

    private static InvalidDataException Bad(string source, string what, Exception? inner = null) =>
        new($"{source}: {what}", inner);
}
