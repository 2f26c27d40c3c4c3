using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Srn.PartialLabels.Runs;

/// <summary>
/// What a run computes: every result-affecting setting, resolved (the backbone's input size, the method's augmentation),
/// the fingerprint of its data, of its backbone weights and of its proposals file. Two runs with equal identities compute the same thing; the
/// run id is a readable prefix plus a short hash of it, so ids never collide by rounding or by leaving a setting out.
/// </summary>
/// <param name="Settings">The <c>name=value</c> pairs, in <see cref="RunSettings.All"/>'s order; unset values are empty.</param>
public sealed record RunIdentity(IReadOnlyList<KeyValuePair<string, string>> Settings)
{
    /// <summary>The identity of a configuration on data with the given fingerprint.</summary>
    /// <param name="configuration">The run configuration.</param>
    /// <param name="dataFingerprint">Fingerprint of the training and test data (e.g. of their manifests).</param>
    /// <returns>The identity.</returns>
    /// <exception cref="FileNotFoundException">When the backbone weights or proposals file does not exist.</exception>
    public static RunIdentity Of(RunConfiguration configuration, string dataFingerprint)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(dataFingerprint);
        var resolved = configuration with
        {
            ImageSize = configuration.ResolvedImageSize, Augment = configuration.ResolvedAugment, TestResize = configuration.ResolvedTestResize,
            Precision = configuration.ResolvedPrecision,
        };
        var pairs = RunSettings.Describe(resolved, resultAffectingOnly: true)
            .Select(p => KeyValuePair.Create(p.Key, p.Key is "backbone_weights" or "proposals" && p.Value is { } path ? "sha256:" + FileSha256(path) : p.Value ?? ""))
            .ToList();
        // The method's own defaults are not settings: their version stands for them, so a run made under other defaults
        // (an older srn) is another run, and --resume or eval says so instead of continuing under the new ones.
        pairs.Add(KeyValuePair.Create("recipe", Methods.MethodCatalog.RecipeVersion(configuration.Method)));
        pairs.Add(KeyValuePair.Create("data", dataFingerprint));
        return new RunIdentity(pairs);
    }

    /// <summary>The first 8 hex digits of the SHA-256 of <see cref="Text"/>.</summary>
    public string Hash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text)))[..8];

    /// <summary>One <c>name=value</c> line per setting.</summary>
    public string Text => string.Concat(Settings.Select(p => $"{p.Key}={p.Value}\n"));

    /// <summary>
    /// A file-system-safe id: dataset, method, backbone, input size, exact proportion and seed, then <see cref="Hash"/>, e.g.
    /// <c>fashion-scenes_dsrb_resnet-small_112_p0.3_s0_1a2b3c4d</c>.
    /// </summary>
    /// <param name="datasetName">The dataset's name.</param>
    /// <returns>The id.</returns>
    public string RunId(string datasetName)
    {
        string Value(string key) => Settings.First(p => p.Key == key).Value;
        var readable = string.Create(CultureInfo.InvariantCulture,
            $"{datasetName}_{Value("method")}_{Value("backbone")}_{Value("image_size")}_p{Value("proportion")}_s{Value("seed")}");
        return SafeName(readable) + "_" + Hash;
    }

    /// <summary>Reads <see cref="Text"/> back.</summary>
    /// <param name="text">Lines of <c>name=value</c>.</param>
    /// <returns>The identity.</returns>
    /// <exception cref="InvalidDataException">For a line without <c>=</c>.</exception>
    public static RunIdentity Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var i = line.IndexOf('=', StringComparison.Ordinal);
            if (i <= 0)
            {
                throw new InvalidDataException($"not a run identity line: '{line}'.");
            }

            pairs.Add(KeyValuePair.Create(line[..i], line[(i + 1)..]));
        }

        return new RunIdentity(pairs);
    }

    /// <summary>Every setting whose value differs, one <c>name: before → now</c> text each.</summary>
    /// <param name="before">The recorded identity.</param>
    /// <param name="now">The current one.</param>
    /// <returns>The differences; empty when the identities are equal.</returns>
    public static IReadOnlyList<string> Differences(RunIdentity before, RunIdentity now)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(now);
        var a = before.Settings.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var b = now.Settings.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return [.. a.Keys.Concat(b.Keys).Distinct(StringComparer.Ordinal)
            .Where(k => a.GetValueOrDefault(k) != b.GetValueOrDefault(k))
            .Select(k => $"{k}: {Show(a.GetValueOrDefault(k))} -> {Show(b.GetValueOrDefault(k))}")];

        static string Show(string? v) => string.IsNullOrEmpty(v) ? "(unset)" : v;
    }

    /// <summary>Keeps letters, digits, '.', '-' and '_' and replaces anything else with '-'.</summary>
    /// <param name="text">Any text.</param>
    /// <returns>A file-name-safe text.</returns>
    public static string SafeName(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chars = text.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_' ? ch : '-').ToArray();
        var safe = new string(chars).Replace("..", "-", StringComparison.Ordinal);
        return safe.Length == 0 ? "-" : safe;
    }

    // A sweep computes one identity per job over the same weights file (hundreds of MB for ResNet-101): hash it once per
    // version of the file (path, length, last write).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Path, long Length, DateTime Written), string> Hashes = new();

    private static string FileSha256(string path)
    {
        var info = new FileInfo(path);
        return Hashes.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), key =>
        {
            using var stream = File.OpenRead(key.Path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        });
    }
}
