using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Srn.Torch.IO;

/// <summary>
/// Reads NumPy's <c>.npy</c> format (versions 1.0, 2.0 and 3.0): the magic <c>\x93NUMPY</c>, a version, a little-endian
/// header length (2 bytes in version 1, 4 bytes in 2 and 3), a Python dict literal
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c> (latin-1, UTF-8 in version 3), then the raw
/// elements. Element types: float16/32/64, int8/16/32/64, uint8 and bool, little- or big-endian, C or Fortran order.
/// </summary>
/// <remarks>
/// Same as <c>torch.from_numpy(numpy.load(path))</c> for these types: the tensor has the array's dtype, shape and values in
/// row-major (C) order whatever the file's order and byte order. Object arrays (<c>allow_pickle</c>), structured and string
/// dtypes, unsigned types other than uint8 (torch has none) and <c>.npz</c> archives are refused with a one-line message.
/// </remarks>
public static class Npy
{
    private const int MaxHeaderBytes = 1 << 20;
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Loads an array as a CPU tensor.</summary>
    /// <param name="path">The <c>.npy</c> file.</param>
    /// <returns>A contiguous tensor with the array's dtype and shape (a 0-d tensor for a scalar array); the caller owns it.</returns>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// When the file is not a .npy file, its header is malformed, its dtype is not supported, or its data is shorter or
    /// longer than the shape says; the message starts with the path.
    /// </exception>
    public static Tensor Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($".npy file not found: {path}", path, e);
        }

        var header = ParseHeader(bytes, path);
        var elementSize = header.DType.ElementSize();
        var count = header.Shape.Aggregate(1L, (a, b) => a * b);
        var expected = count * elementSize;
        var available = bytes.LongLength - header.DataOffset;
        if (available != expected)
        {
            throw Bad(path, string.Create(CultureInfo.InvariantCulture,
                $"{available} data bytes for shape ({string.Join(", ", header.Shape)}) of {header.Descr}, which needs {expected}{(available < expected ? " (truncated)" : " (trailing bytes)")}"));
        }

        var data = bytes.AsSpan(header.DataOffset);
        if (header.BigEndian && elementSize > 1)
        {
            data = SwapBytes(data, elementSize);
        }

        if (!header.FortranOrder || header.Shape.Length < 2)
        {
            return Tensor.FromBytes(data, header.Shape, header.DType);
        }

        // Fortran order stores the transpose's C layout: read it with the shape reversed, then reverse the dimensions back.
        var reversed = header.Shape.Reverse().ToArray();
        using var raw = Tensor.FromBytes(data, reversed, header.DType);
        using var permuted = raw.Permute([.. Enumerable.Range(0, reversed.Length).Reverse().Select(i => (long)i)]);
        return permuted.Contiguous();
    }

    /// <summary>Reads only the header: dtype, shape and order, without the data.</summary>
    /// <param name="path">The <c>.npy</c> file.</param>
    /// <returns>The header.</returns>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">As <see cref="Load"/> for the header.</exception>
    public static NpyHeader ReadHeader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($".npy file not found: {path}", path);
        }

        using var stream = File.OpenRead(path);
        var head = new byte[(int)Math.Min(stream.Length, MaxHeaderBytes + 12)];
        stream.ReadExactly(head);
        return ParseHeader(head, path);
    }

    private static NpyHeader ParseHeader(byte[] bytes, string path)
    {
        if (bytes.Length >= 4 && bytes[0] == (byte)'P' && bytes[1] == (byte)'K')
        {
            throw Bad(path, "is a zip archive (an .npz of several arrays, or a torch.save file), not a .npy array; save one array with numpy.save");
        }

        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw Bad(path, "does not start with NumPy's magic \\x93NUMPY: not a .npy file");
        }

        var (major, minor) = (bytes[6], bytes[7]);
        int headerLength, offset;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
                offset = 10;
                break;
            case 2 or 3 when bytes.Length >= 12:
                var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
                headerLength = length <= MaxHeaderBytes ? (int)length : throw Bad(path, $"header length {length} is larger than the limit of {MaxHeaderBytes} bytes");
                offset = 12;
                break;
            default:
                throw Bad(path, $"format version {major}.{minor} is not supported (NumPy writes 1.0, 2.0 and 3.0)");
        }

        if (bytes.Length < offset + headerLength)
        {
            throw Bad(path, $"the header ({headerLength} bytes) runs past the end of the file (truncated)");
        }

        var text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes, offset, headerLength).TrimEnd(' ', '\n', '\0');
        var fields = HeaderDict.Parse(text, path);
        var descr = fields.TryGetValue("descr", out var d) && d is string s ? s
            : throw Bad(path, $"the header has no 'descr' string (dtype): {text}");
        var fortran = fields.TryGetValue("fortran_order", out var f) && f is bool b ? b
            : throw Bad(path, $"the header has no 'fortran_order' True/False: {text}");
        var shape = fields.TryGetValue("shape", out var sh) && sh is long[] dims ? dims
            : throw Bad(path, $"the header has no 'shape' tuple: {text}");
        if (dims.Any(x => x < 0))
        {
            throw Bad(path, $"negative dimension in shape ({string.Join(", ", dims)})");
        }

        var (dtype, bigEndian) = ParseDescr(descr, path);
        return new NpyHeader(descr, dtype, bigEndian, fortran, shape, offset + headerLength, $"{major}.{minor}");
    }

    private static (ScalarType Type, bool BigEndian) ParseDescr(string descr, string path)
    {
        if (descr.Length < 2 || descr[0] is not ('<' or '>' or '|' or '='))
        {
            throw Bad(path, $"dtype '{descr}' is not a simple NumPy type string like '<f4'");
        }

        var bigEndian = descr[0] == '>' || (descr[0] == '=' && !BitConverter.IsLittleEndian);
        ScalarType? type = descr[1..] switch
        {
            "f2" => ScalarType.Float16,
            "f4" => ScalarType.Float32,
            "f8" => ScalarType.Float64,
            "i1" => ScalarType.Int8,
            "i2" => ScalarType.Int16,
            "i4" => ScalarType.Int32,
            "i8" => ScalarType.Int64,
            "u1" => ScalarType.UInt8,
            "b1" => ScalarType.Bool,
            _ => null,
        };
        return type is { } t
            ? (t, bigEndian)
            : throw Bad(path, $"dtype '{descr}' is not supported: use float16/32/64, int8/16/32/64, uint8 or bool ('O' would need pickle, which is never read)");
    }

    private static Span<byte> SwapBytes(Span<byte> data, int size)
    {
        var copy = data.ToArray();
        for (var i = 0; i < copy.Length; i += size)
        {
            copy.AsSpan(i, size).Reverse();
        }

        return copy;
    }

    private static InvalidDataException Bad(string path, string message) => new($"{path}: {message}");

    // The header is a Python dict literal with string keys and values that are strings, True/False, or tuples of ints.
    private static class HeaderDict
    {
        public static Dictionary<string, object> Parse(string text, string path)
        {
            var result = new Dictionary<string, object>(StringComparer.Ordinal);
            var i = 0;
            Skip(text, ref i);
            Expect(text, ref i, '{', path);
            while (true)
            {
                Skip(text, ref i);
                if (i < text.Length && text[i] == '}')
                {
                    return result;
                }

                var key = ReadString(text, ref i, path);
                Skip(text, ref i);
                Expect(text, ref i, ':', path);
                Skip(text, ref i);
                result[key] = ReadValue(text, ref i, path);
                Skip(text, ref i);
                if (i < text.Length && text[i] == ',')
                {
                    i++;
                }
                else if (i >= text.Length || text[i] != '}')
                {
                    throw Bad(path, $"malformed header (expected ',' or '}}' at character {i}): {text}");
                }
            }
        }

        private static object ReadValue(string text, ref int i, string path)
        {
            if (i < text.Length && text[i] is '\'' or '"')
            {
                return ReadString(text, ref i, path);
            }

            if (string.CompareOrdinal(text, i, "True", 0, 4) == 0)
            {
                i += 4;
                return true;
            }

            if (string.CompareOrdinal(text, i, "False", 0, 5) == 0)
            {
                i += 5;
                return false;
            }

            if (i < text.Length && text[i] == '(')
            {
                i++;
                var dims = new List<long>();
                while (true)
                {
                    Skip(text, ref i);
                    if (i < text.Length && text[i] == ')')
                    {
                        i++;
                        return dims.ToArray();
                    }

                    var start = i;
                    while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '-'))
                    {
                        i++;
                    }

                    if (!long.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var dim))
                    {
                        throw Bad(path, $"malformed shape in header (character {start}): {text}");
                    }

                    dims.Add(dim);
                    Skip(text, ref i);
                    if (i < text.Length && text[i] == ',')
                    {
                        i++;
                    }
                }
            }

            // A list (structured dtype) or anything else: say what the value starts with.
            throw Bad(path, $"unsupported header value at character {i} (structured dtypes are not supported): {text}");
        }

        private static string ReadString(string text, ref int i, string path)
        {
            if (i >= text.Length || text[i] is not ('\'' or '"'))
            {
                throw Bad(path, $"malformed header (expected a quoted key at character {i}): {text}");
            }

            var quote = text[i++];
            var end = text.IndexOf(quote, i);
            if (end < 0)
            {
                throw Bad(path, $"malformed header (unterminated string): {text}");
            }

            var value = text[i..end];
            i = end + 1;
            return value;
        }

        private static void Expect(string text, ref int i, char c, string path)
        {
            if (i >= text.Length || text[i] != c)
            {
                throw Bad(path, $"malformed header (expected '{c}' at character {i}): {text}");
            }

            i++;
        }

        private static void Skip(string text, ref int i)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }
        }
    }
}
