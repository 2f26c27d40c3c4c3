namespace Srn.PartialLabels.Masking;

/// <summary>The names of the <see cref="MaskingProtocol"/> values, as the command line and results files spell them.</summary>
public static class MaskingProtocols
{
    private static readonly (string Name, MaskingProtocol Protocol)[] Table =
    [
        ("hcp", MaskingProtocol.Hcp),
        ("per-image", MaskingProtocol.PerImage),
        ("single-positive", MaskingProtocol.SinglePositive),
        ("file", MaskingProtocol.File),
    ];

    /// <summary>Every valid name, in the order of <see cref="MaskingProtocol"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Table.Select(t => t.Name)];

    /// <summary>The protocol a name stands for (ignoring case and surrounding spaces).</summary>
    /// <param name="name">For example <c>hcp</c> or <c>per-image</c>.</param>
    /// <returns>The protocol.</returns>
    /// <exception cref="ArgumentException">When the name is not one of <see cref="Names"/>; the message lists them.</exception>
    public static MaskingProtocol Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var trimmed = name.Trim();
        foreach (var (n, protocol) in Table)
        {
            if (string.Equals(n, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return protocol;
            }
        }

        throw new ArgumentException($"Unknown masking protocol '{name}'; valid protocols: {string.Join(", ", Names)}.", nameof(name));
    }

    /// <summary>The name of a protocol.</summary>
    /// <param name="protocol">The protocol.</param>
    /// <returns>Its name, for example <c>per-image</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When the value is not a defined protocol.</exception>
    public static string NameOf(MaskingProtocol protocol)
    {
        foreach (var (n, p) in Table)
        {
            if (p == protocol)
            {
                return n;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Not a masking protocol.");
    }
}
