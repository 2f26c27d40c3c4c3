using System.Globalization;
using System.Text;

namespace Srn.Data;

/// <summary>Helpers the dataset readers share.</summary>
internal static class ReaderSupport
{
    public const string MissingReason = "image file missing";

    /// <summary>Checks a split's images; records the dropped ones in the report.</summary>
    public static Manifest CheckImages(Manifest manifest, string split, string imageRoot, MissingImagePolicy policy, ReadReport report)
    {
        var check = manifest.CheckImages(imageRoot, policy);
        report.AddDropped(split, MissingReason, check.Dropped);
        return check.Manifest;
    }

    /// <summary>The first existing file among <paramref name="candidates"/> (relative to <paramref name="root"/>), or an error listing them all.</summary>
    public static string FindFile(string root, string what, params string[] candidates)
    {
        foreach (var c in candidates)
        {
            var path = Path.Combine(root, c);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException(
            $"{what} not found under {Path.GetFullPath(root)}: looked for {string.Join(", ", candidates)}", Path.Combine(root, candidates[0]));
    }

    /// <summary>The lines of a text file without the trailing empty ones; other lines are trimmed of surrounding whitespace.</summary>
    public static string[] ReadLines(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{what} not found: {path}", path);
        }

        var lines = File.ReadAllLines(path).Select(l => l.Trim()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return [.. lines];
    }

    /// <summary>A message listing up to ten items and the count of the rest.</summary>
    public static string List(IReadOnlyCollection<string> items)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(", ", items.Take(10));
        if (items.Count > 10)
        {
            sb.Append(CultureInfo.InvariantCulture, $", and {items.Count - 10} more");
        }

        return sb.ToString();
    }
}
