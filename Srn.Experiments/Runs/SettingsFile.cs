using Srn.PartialLabels.Runs;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Srn.Experiments.Runs;

/// <summary>
/// A YAML configuration file (<c>--config</c>, or the <c>config.yaml</c> a run or sweep writes): a mapping whose keys are
/// setting names (<see cref="RunSettings"/>) with the same value syntax as the command line. Errors name the file and line.
/// </summary>
internal sealed class SettingsFile
{
    private SettingsFile(string path, IReadOnlyList<Entry> entries)
    {
        Path = path;
        Entries = entries;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The top-level keys in file order.</summary>
    public IReadOnlyList<Entry> Entries { get; }

    /// <summary>Reads a file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Its entries.</returns>
    /// <exception cref="RunConfigurationException">When the file is missing, is not YAML, or is not a mapping.</exception>
    public static SettingsFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new RunConfigurationException($"{path}: configuration file not found.");
        }

        var info = new FileInfo(path);
        if (info.Length > 1 << 20)
        {
            throw new RunConfigurationException($"{path}: {info.Length} bytes; a configuration file is at most 1 MiB.");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses YAML text (e.g. the configuration a checkpoint records).</summary>
    /// <param name="text">The YAML.</param>
    /// <param name="path">Where it came from, for messages.</param>
    /// <returns>Its entries.</returns>
    /// <exception cref="RunConfigurationException">When it is not YAML or not a mapping.</exception>
    public static SettingsFile Parse(string text, string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(text);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new RunConfigurationException($"{path}, line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}", e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new SettingsFile(path, []);
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new RunConfigurationException($"{path}, line {stream.Documents[0].RootNode.Start.Line}: expected 'setting: value' lines.");
        }

        var entries = new List<Entry>();
        foreach (var (k, v) in root.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? throw new RunConfigurationException($"{path}, line {k.Start.Line}: a key must be a name.");
            entries.Add(new Entry(path, key, v));
        }

        return new SettingsFile(path, entries);
    }

    /// <summary>One top-level key and its value.</summary>
    /// <param name="Path">The file.</param>
    /// <param name="Key">The key.</param>
    /// <param name="Node">The value.</param>
    internal sealed record Entry(string Path, string Key, YamlNode Node)
    {
        /// <summary>The line of the key, for messages.</summary>
        public long Line => Node.Start.Line;

        // Call the readers below through Apply, which puts the file, line and key in front of any error.

    /// <summary>The value as one text (a scalar; a sequence is joined with commas, the list syntax of the command line).</summary>
        /// <returns>The text; empty for null.</returns>
        public string Text() => Node switch
        {
            YamlScalarNode s => s.Value ?? "",
            YamlSequenceNode q => string.Join(",", q.Children.Select(c => c is YamlScalarNode s ? s.Value ?? "" : throw Error("a list of values"))),
            _ => throw Error("a value"),
        };

        /// <summary>The value as <c>name: value</c> pairs (a mapping; null or empty means none).</summary>
        /// <returns>The pairs.</returns>
        public IReadOnlyList<KeyValuePair<string, string>> Pairs() => Node switch
        {
            YamlMappingNode m => [.. m.Children.Select(c => KeyValuePair.Create(
                (c.Key as YamlScalarNode)?.Value ?? throw Error("names as keys"),
                c.Value is YamlScalarNode s ? s.Value ?? "" : throw Error("name: value pairs")))],
            YamlScalarNode { Value: null or "" } => [],
            _ => throw Error("a mapping of name: value"),
        };

        /// <summary>The value as a mapping of mappings (per-method options).</summary>
        /// <returns>Outer key to pairs.</returns>
        public IReadOnlyList<KeyValuePair<string, IReadOnlyList<KeyValuePair<string, string>>>> Nested() => Node switch
        {
            YamlMappingNode m => [.. m.Children.Select(c => KeyValuePair.Create(
                (c.Key as YamlScalarNode)?.Value ?? throw Error("names as keys"),
                new Entry(Path, Key, c.Value).Pairs()))],
            YamlScalarNode { Value: null or "" } => [],
            _ => throw Error("a mapping of method: {name: value}"),
        };

        /// <summary>Runs <paramref name="apply"/>, prefixing any configuration error with the file and line.</summary>
        /// <typeparam name="T">Result type.</typeparam>
        /// <param name="apply">What to do with the entry.</param>
        /// <returns>Its result.</returns>
        public T Apply<T>(Func<Entry, T> apply)
        {
            try
            {
                return apply(this);
            }
            catch (ArgumentException e)
            {
                throw new RunConfigurationException($"{Path}, line {Line}: {Key}: {e.Message}", e);
            }
        }

        private static RunConfigurationException Error(string expected) => new($"expected {expected}.");
    }
}
