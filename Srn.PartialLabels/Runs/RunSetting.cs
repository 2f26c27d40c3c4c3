namespace Srn.PartialLabels.Runs;

/// <summary>
/// One setting of a <see cref="RunConfiguration"/>: its snake_case name (the YAML key; the command-line option is the same
/// name with dashes, <c>batch_size</c> is <c>--batch-size</c>), what it means, whether it changes results, and how its text
/// is parsed, checked and formatted.
/// </summary>
/// <param name="Name">snake_case name.</param>
/// <param name="Description">One line for <c>--help</c> and docs.</param>
/// <param name="AffectsResults">Part of the run's identity: changing it changes what a run computes.</param>
/// <param name="Get">The value as text (invariant culture, exact: it parses back to the same value); null when unset.</param>
/// <param name="Set">A copy of the configuration with the value parsed from text; throws <see cref="RunConfigurationException"/>.</param>
public sealed record RunSetting(
    string Name,
    string Description,
    bool AffectsResults,
    Func<RunConfiguration, string?> Get,
    Func<RunConfiguration, string, RunConfiguration> Set)
{
    /// <summary>The command-line option: <c>--</c> and the name with dashes.</summary>
    public string OptionName => "--" + Name.Replace('_', '-');
}
