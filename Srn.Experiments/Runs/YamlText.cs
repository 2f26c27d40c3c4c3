using System.Text;

namespace Srn.Experiments.Runs;

/// <summary>Writes the flat YAML of the configuration files: <c>key: value</c> lines, quoting only where YAML needs it.</summary>
internal static class YamlText
{
    /// <summary>A scalar: <c>~</c> for null, plain when unambiguous (<c>true</c>/<c>false</c> are the booleans they look like), single-quoted otherwise.</summary>
    /// <param name="value">The value.</param>
    /// <returns>YAML text.</returns>
    public static string Scalar(string? value)
    {
        if (value is null)
        {
            return "~";
        }

        var plain = value.Length > 0
            && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '/' or '-' or '+')
            && value[0] is not ('-' or '.')
            && value is not ("yes" or "no" or "on" or "off" or "null" or "~" or "y" or "n");
        return plain ? value : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>A flow sequence, e.g. <c>[0.1, 0.2]</c>.</summary>
    /// <param name="values">The values.</param>
    /// <returns>YAML text.</returns>
    public static string Sequence(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Scalar)) + "]";

    /// <summary>Appends a <c>key: value</c> line.</summary>
    /// <param name="sb">The text.</param>
    /// <param name="key">Key.</param>
    /// <param name="value">Already formatted YAML value.</param>
    /// <param name="indent">Leading spaces.</param>
    public static void Line(StringBuilder sb, string key, string value, int indent = 0) =>
        sb.Append(' ', indent).Append(key).Append(": ").Append(value).Append('\n');
}
