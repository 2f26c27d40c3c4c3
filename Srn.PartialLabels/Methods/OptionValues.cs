using System.Globalization;
using Srn.Training;

namespace Srn.PartialLabels.Methods;

/// <summary>Method options read with a range check: a bad value is one error naming the method, the option and the value.</summary>
internal static class OptionValues
{
    /// <summary>A whole number of at least <paramref name="minimum"/>, or the default when absent.</summary>
    public static int Count(MethodSetup setup, string name, int fallback, int minimum = 1)
    {
        var value = setup.Option(name, fallback);
        return value >= minimum && value <= int.MaxValue && value == Math.Floor(value)
            ? (int)value
            : throw Bad(setup, name, $"a whole number of at least {minimum}");
    }

    /// <summary>A finite number in [<paramref name="minimum"/>, <paramref name="maximum"/>], or the default when absent.</summary>
    public static double Number(MethodSetup setup, string name, double fallback, double minimum = double.MinValue, double maximum = double.MaxValue)
    {
        var value = setup.Option(name, fallback);
        return double.IsFinite(value) && value >= minimum && value <= maximum
            ? value
            : throw Bad(setup, name, minimum == double.MinValue ? "a finite number" : maximum == double.MaxValue
                ? string.Create(CultureInfo.InvariantCulture, $"a number of at least {minimum}")
                : string.Create(CultureInfo.InvariantCulture, $"a number in [{minimum}, {maximum}]"));
    }

    /// <summary>One of <paramref name="choices"/>, or the first of them when absent.</summary>
    public static string Choice(MethodSetup setup, string name, params string[] choices) =>
        !setup.Options.TryGetValue(name, out var text) ? choices[0]
        : choices.Contains(text, StringComparer.Ordinal) ? text
        : throw Bad(setup, name, string.Join(" or ", choices.Select(c => $"'{c}'")));

    private static ArgumentException Bad(MethodSetup setup, string name, string wanted) =>
        new($"Method '{setup.Method}': option '{name}' must be {wanted}, got '{setup.Options[name]}'.");
}
