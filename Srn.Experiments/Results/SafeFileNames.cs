using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Srn.Experiments.Results;

/// <summary>
/// File names built from text the user controls (class names, image names): <see cref="Component"/> turns any text into
/// one safe file-name component, <see cref="Claim"/> makes the names of one run unique, and <see cref="Inside"/> checks the
/// final path stays inside the output directory.
/// </summary>
internal sealed class SafeFileNames
{
    /// <summary>The longest component, in UTF-8 bytes (a file name holds two, a separator and an extension within 255).</summary>
    public const int MaxComponentBytes = 100;

    private static readonly HashSet<string> ReservedOnWindows = new(
        ["CON", "PRN", "AUX", "NUL", .. Enumerable.Range(1, 9).SelectMany(i => new[] { $"COM{i}", $"LPT{i}" })], StringComparer.OrdinalIgnoreCase);

    private readonly HashSet<string> used = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A file-name component for <paramref name="text"/>: letters, digits, <c>-</c>, <c>_</c>, <c>.</c>, <c>+</c>, <c>=</c> kept; every other
    /// character (path separators, control characters, whitespace, <c>:*?"&lt;&gt;|</c>) becomes <c>_</c>; runs of dots
    /// become one dot, a leading dot becomes <c>_</c> and trailing dots are dropped, so the result never holds <c>..</c>
    /// and is never <c>.</c> or hidden; Windows device
    /// names get a leading <c>_</c>; at most <see cref="MaxComponentBytes"/> UTF-8 bytes (a longer one is cut and ends with 8 hex digits of its text's
    /// SHA-256, so two long names stay apart); never empty (<c>_</c>).
    /// </summary>
    /// <param name="text">Any text.</param>
    /// <returns>The component.</returns>
    public static string Component(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var keep = Rune.IsLetterOrDigit(rune) || (rune.IsAscii && "-_.+=".Contains((char)rune.Value, StringComparison.Ordinal));
            builder.Append(keep ? rune.ToString() : "_");
        }

        var name = builder.ToString();
        while (name.Contains("..", StringComparison.Ordinal))
        {
            name = name.Replace("..", ".", StringComparison.Ordinal);
        }

        if (name.StartsWith('.'))
        {
            name = "_" + name[1..];
        }

        name = name.TrimEnd('.');
        if (name.Length == 0)
        {
            name = "_";
        }

        if (ReservedOnWindows.Contains(name.Split('.')[0]))
        {
            name = "_" + name;
        }

        if (Encoding.UTF8.GetByteCount(name) > MaxComponentBytes)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
            var cut = new StringBuilder();
            var bytes = 0;
            foreach (var rune in name.EnumerateRunes())
            {
                if (bytes + rune.Utf8SequenceLength > MaxComponentBytes - 9)
                {
                    break;
                }

                cut.Append(rune.ToString());
                bytes += rune.Utf8SequenceLength;
            }

            name = cut.ToString().TrimEnd('.') + "-" + hash;
        }

        return name;
    }

    /// <summary>
    /// <paramref name="name"/> if this run has not used it yet (compared ignoring case, for case-insensitive file
    /// systems), else <c>name-2</c>, <c>name-3</c>, ... whichever is free first; the result counts as used.
    /// </summary>
    /// <param name="name">A name (a <see cref="Component"/> or a combination of them).</param>
    /// <returns>A name no earlier call returned.</returns>
    public string Claim(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (used.Add(name))
        {
            return name;
        }

        for (var i = 2; ; i++)
        {
            var candidate = string.Create(CultureInfo.InvariantCulture, $"{name}-{i}");
            if (used.Add(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>The full path of <paramref name="fileName"/> in <paramref name="directory"/>, checked to lie directly inside it.</summary>
    /// <param name="directory">The output directory.</param>
    /// <param name="fileName">A file name (no separators).</param>
    /// <returns>The full path.</returns>
    /// <exception cref="ArgumentException">When the path would leave the directory.</exception>
    public static string Inside(string directory, string fileName)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(fileName);
        var root = Path.GetFullPath(directory);
        var path = Path.GetFullPath(Path.Combine(root, fileName));
        if (!string.Equals(Path.GetDirectoryName(path), Path.TrimEndingDirectorySeparator(root), StringComparison.Ordinal))
        {
            throw new ArgumentException($"the output file name '{fileName}' would be written outside {root}; nothing was written there");
        }

        return path;
    }
}
