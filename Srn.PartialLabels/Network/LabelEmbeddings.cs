using System.Globalization;
using Srn.Data;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.PartialLabels.Network;

/// <summary>
/// Label embeddings x_c for <see cref="SemanticDecoupling"/>: read from a GloVe-format text file, a safetensors matrix or a
/// NumPy <c>.npy</c> matrix, or drawn at random for learnable embeddings. The reference uses fixed 300-d GloVe vectors,
/// shipped as <c>.npy</c> files (<c>np.load(WordFilePath)</c> in HCP-MLR-PL's <c>utils/dataloader.py</c>).
/// </summary>
public static class LabelEmbeddings
{
    private static readonly char[] WordSeparators = [' ', '_'];

    /// <summary>
    /// Reads a matrix <c>[C, d]</c> from a <c>.safetensors</c> file (see <see cref="FromSafeTensors"/>), a <c>.npy</c> file
    /// (see <see cref="FromNpy"/>) or, for any other extension, a GloVe-format text file (see <see cref="FromGloveFile"/>).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="classNames">The class names, in class order.</param>
    /// <returns>float32 <c>[C, d]</c> on the CPU.</returns>
    /// <exception cref="DataFormatException">When the file is malformed or lacks a class.</exception>
    public static Tensor Load(string path, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(classNames);
        return path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? FromSafeTensors(path, classNames.Count)
            : path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? FromNpy(path, classNames.Count)
            : FromGloveFile(path, classNames);
    }

    /// <summary>
    /// Reads the embeddings of the classes from a GloVe-format text file: one word per line followed by its d floats,
    /// separated by spaces (a word2vec text header line "count d" is skipped). A class name of several words ("traffic
    /// light", "hair_drier") gets the mean of its words' vectors; a word is looked up as written, then in lower case, then,
    /// if it has hyphens, as the mean of its parts. Only the lines of needed words are parsed, so large files stream.
    /// </summary>
    /// <param name="path">The text file.</param>
    /// <param name="classNames">The class names, in class order.</param>
    /// <returns>float32 <c>[C, d]</c> on the CPU.</returns>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="DataFormatException">
    /// Naming the file and line for a line with the wrong number of values or a value that is not a number, and the file
    /// and class for a class with a word the file lacks.
    /// </exception>
    /// <exception cref="ArgumentException">For an empty list or an empty class name.</exception>
    public static Tensor FromGloveFile(string path, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count == 0)
        {
            throw new ArgumentException("no class names", nameof(classNames));
        }

        var words = classNames.Select((name, c) => SplitName(name, c)).ToArray();
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in words.SelectMany(w => w))
        {
            foreach (var key in LookupKeys(word))
            {
                wanted.Add(key);
            }
        }

        var (vectors, dim) = ReadGloveVectors(path, wanted);
        var result = new float[classNames.Count * dim];
        for (var c = 0; c < classNames.Count; c++)
        {
            var sum = new double[dim];
            foreach (var word in words[c])
            {
                var vector = Resolve(word, vectors)
                    ?? throw new DataFormatException(path, 0, $"no vector for the word '{word}' of class {c} ('{classNames[c]}')");
                for (var k = 0; k < dim; k++)
                {
                    sum[k] += vector[k];
                }
            }

            for (var k = 0; k < dim; k++)
            {
                result[(c * dim) + k] = (float)(sum[k] / words[c].Length);
            }
        }

        return Tensor.FromArray(result, [classNames.Count, dim]);
    }

    /// <summary>Reads a matrix <c>[C, d]</c> of label embeddings from a safetensors file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="numClasses">C, the rows the matrix must have.</param>
    /// <param name="tensorName">The tensor to read; null when the file holds exactly one.</param>
    /// <returns>float32 <c>[C, d]</c> on the CPU.</returns>
    /// <exception cref="DataFormatException">When the tensor is missing, ambiguous, not 2-D, not floating point, or has the wrong number of rows.</exception>
    public static Tensor FromSafeTensors(string path, int numClasses, string? tensorName = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var tensors = SafeTensors.Load(path);
        try
        {
            string name;
            if (tensorName is not null)
            {
                name = tensors.ContainsKey(tensorName)
                    ? tensorName
                    : throw new DataFormatException(path, 0, $"no tensor '{tensorName}' (it holds {string.Join(", ", tensors.Keys)})");
            }
            else
            {
                name = tensors.Count == 1
                    ? tensors.Keys.First()
                    : throw new DataFormatException(path, 0, $"holds {tensors.Count} tensors ({string.Join(", ", tensors.Keys)}); name the one with the label embeddings");
            }

            var t = tensors[name];
            if (t.Dim != 2 || t.Size(0) != numClasses || !t.DType.IsFloatingPoint())
            {
                throw new DataFormatException(path, 0, $"tensor '{name}' is {t.DType} [{string.Join(", ", t.Shape)}]; label embeddings must be a floating-point [{numClasses}, d] matrix");
            }

            return t.To(ScalarType.Float32, copy: true);
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>
    /// Reads a matrix <c>[C, d]</c> of label embeddings from a NumPy <c>.npy</c> file (any supported float type, either byte
    /// order, C or Fortran order; see <see cref="Npy"/>), row c being class c, as the reference's word-vector files are.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="numClasses">C, the rows the matrix must have.</param>
    /// <returns>float32 <c>[C, d]</c> on the CPU.</returns>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="DataFormatException">When the file is not a readable .npy array, or the array is not a floating-point <c>[C, d]</c> matrix.</exception>
    /// <remarks>Same as <c>torch.from_numpy(np.load(path)).float()</c>, HCP-MLR-PL's reading of its <c>*_vector.npy</c> files.</remarks>
    public static Tensor FromNpy(string path, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(path);
        Tensor t;
        try
        {
            t = Npy.Load(path);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, 0, e.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? e.Message[(path.Length + 2)..] : e.Message, e);
        }

        using (t)
        {
            if (t.Dim != 2 || t.Size(0) != numClasses || !t.DType.IsFloatingPoint())
            {
                throw new DataFormatException(path, 0, $"the array is {t.DType} [{string.Join(", ", t.Shape)}]; label embeddings must be a floating-point [{numClasses}, d] matrix");
            }

            return t.To(ScalarType.Float32, copy: true);
        }
    }

    /// <summary>
    /// Initial values for learnable label embeddings, the default when no file is given: x_c ~ N(0, 1) as
    /// <c>torch.nn.Embedding</c>'s init, drawn (Box–Muller) from <c>System.Random(seed)</c> so they do not depend on the
    /// global generator's state.
    /// </summary>
    /// <param name="numClasses">C.</param>
    /// <param name="dim">d.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>float32 <c>[C, d]</c> on the CPU.</returns>
    /// <exception cref="ArgumentOutOfRangeException">For a size below 1.</exception>
    public static Tensor Random(int numClasses, int dim, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        var rng = new Random(seed);
        var values = new float[numClasses * dim];
        for (var k = 0; k < values.Length; k += 2)
        {
            var u1 = 1.0 - rng.NextDouble(); // (0, 1]: the log is finite
            var u2 = rng.NextDouble();
            var radius = Math.Sqrt(-2.0 * Math.Log(u1));
            values[k] = (float)(radius * Math.Cos(2 * Math.PI * u2));
            if (k + 1 < values.Length)
            {
                values[k + 1] = (float)(radius * Math.Sin(2 * Math.PI * u2));
            }
        }

        return Tensor.FromArray(values, [numClasses, dim]);
    }

    private static string[] SplitName(string name, int index)
    {
        var parts = (name ?? string.Empty).Split(WordSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length > 0 ? parts : throw new ArgumentException($"class {index} has an empty name", nameof(name));
    }

    private static IEnumerable<string> LookupKeys(string word)
    {
        yield return word;
        yield return word.ToLowerInvariant();
        foreach (var part in word.Split('-', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return part;
            yield return part.ToLowerInvariant();
        }
    }

    private static float[]? Resolve(string word, Dictionary<string, float[]> vectors)
    {
        if (vectors.TryGetValue(word, out var v) || vectors.TryGetValue(word.ToLowerInvariant(), out v))
        {
            return v;
        }

        var parts = word.Split('-', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2)
        {
            return null;
        }

        var found = parts.Select(p => vectors.TryGetValue(p, out var x) || vectors.TryGetValue(p.ToLowerInvariant(), out x) ? x : null).ToArray();
        if (found.Any(x => x is null))
        {
            return null;
        }

        var mean = new float[found[0]!.Length];
        for (var k = 0; k < mean.Length; k++)
        {
            mean[k] = (float)(found.Sum(x => (double)x![k]) / found.Length);
        }

        return mean;
    }

    // Keeps the first vector of each wanted word; the dimension is set by the first vector line of the file.
    private static (Dictionary<string, float[]> Vectors, int Dim) ReadGloveVectors(string path, HashSet<string> wanted)
    {
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var dim = -1;
        var lineNumber = 0;
        using var reader = new StreamReader(path);
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.AsSpan().TrimEnd();
            if (text.IsEmpty)
            {
                continue;
            }

            if (dim < 0)
            {
                var fields = text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (lineNumber == 1 && fields.Length == 2 && int.TryParse(fields[0], CultureInfo.InvariantCulture, out _) && int.TryParse(fields[1], CultureInfo.InvariantCulture, out var headerDim))
                {
                    dim = headerDim; // word2vec text header: "count dim"
                    continue;
                }

                dim = fields.Length - 1;
                if (dim < 1)
                {
                    throw new DataFormatException(path, lineNumber, "expected a word followed by its vector");
                }
            }

            var space = text.IndexOf(' ');
            var word = (space < 0 ? text : text[..space]).ToString();
            if (!wanted.Contains(word) || vectors.ContainsKey(word))
            {
                continue;
            }

            vectors[word] = ParseVector(path, lineNumber, text[(space + 1)..], dim);
        }

        return dim < 0 ? throw new DataFormatException(path, 0, "the file holds no vector") : (vectors, dim);
    }

    private static float[] ParseVector(string path, int lineNumber, ReadOnlySpan<char> text, int dim)
    {
        var values = new float[dim];
        var count = 0;
        foreach (var range in text.Split(' '))
        {
            var field = text[range];
            if (field.IsEmpty)
            {
                continue;
            }

            if (count == dim)
            {
                throw new DataFormatException(path, lineNumber, $"more than {dim} values (the file's first vector has {dim})");
            }

            if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out values[count]))
            {
                throw new DataFormatException(path, lineNumber, $"value {count + 1} ('{field}') is not a number");
            }

            count++;
        }

        return count == dim ? values : throw new DataFormatException(path, lineNumber, $"{count} values, expected {dim} (the file's first vector has {dim})");
    }
}
