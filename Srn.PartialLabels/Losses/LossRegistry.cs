using Srn.Training.Losses;

namespace Srn.PartialLabels.Losses;

/// <summary>The multi-label losses by the names the command line and the results files use (docs/partial-labels.md, "Losses").</summary>
public static class LossRegistry
{
    private static readonly (string Name, Func<IMultiLabelLoss> Create)[] Table =
    [
        ("partial-bce", () => PartialBce.Instance),
        ("partial-bce-norm", () => PartialBceNormalized.Instance),
        ("assume-negative", () => AssumeNegative.Instance),
        ("asl", () => AsymmetricLoss.Instance),
    ];

    /// <summary>Every valid name: <c>partial-bce</c> (the reference), <c>partial-bce-norm</c>, <c>assume-negative</c>, <c>asl</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Table.Select(t => t.Name)];

    /// <summary>The loss with this name (ignoring case and surrounding spaces), with its default settings.</summary>
    /// <param name="name">For example <c>partial-bce</c>.</param>
    /// <returns>The loss; the losses hold no state, so the shared instance is returned.</returns>
    /// <exception cref="ArgumentException">When the name is not one of <see cref="Names"/>; the message lists them.</exception>
    public static IMultiLabelLoss Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var trimmed = name.Trim();
        foreach (var (n, create) in Table)
        {
            if (string.Equals(n, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return create();
            }
        }

        throw new ArgumentException($"Unknown loss '{name}'; valid losses: {string.Join(", ", Names)}.", nameof(name));
    }
}
