using System.CommandLine;
using Srn.PartialLabels.Runs;

namespace Srn.Experiments.Runs;

/// <summary>
/// The command-line options of the run settings (<see cref="RunSettings"/>): one <c>--name-with-dashes</c> option per
/// setting, with its description and default, plus <c>--config FILE</c> for a YAML file of the same settings. Values the
/// command line gives override the file's, which override the defaults.
/// </summary>
internal sealed class RunOptions
{
    private readonly List<(RunSetting Setting, Option Option)> options = [];

    /// <summary>Options for every setting but <paramref name="excluded"/> (a sweep's grid axes).</summary>
    /// <param name="defaults">The defaults shown in the help.</param>
    /// <param name="excluded">Settings left out.</param>
    public RunOptions(RunConfiguration defaults, params string[] excluded)
    {
        foreach (var s in RunSettings.All.Where(s => !excluded.Contains(s.Name)))
        {
            var shown = s.Get(defaults);
            var description = shown is null || s.Name == RunSettings.OptionSetting ? s.Description : $"{s.Description} Default: {shown}.";
            Option option = s.Name == RunSettings.OptionSetting
                ? new Option<string[]>(s.OptionName) { Description = description, AllowMultipleArgumentsPerToken = false }
                : new Option<string?>(s.OptionName) { Description = description };
            options.Add((s, option));
        }
    }

    /// <summary><c>--config FILE</c>.</summary>
    public Option<string?> Config { get; } = new("--config") { Description = "YAML file of settings (the same names with underscores, e.g. batch_size: 16); the command line overrides it." };

    /// <summary>Adds the options to a command.</summary>
    /// <param name="command">The command.</param>
    public void AddTo(Command command)
    {
        foreach (var (_, option) in options)
        {
            command.Options.Add(option);
        }

        command.Options.Add(Config);
    }

    /// <summary>The settings the command line gives, applied over <paramref name="start"/>.</summary>
    /// <param name="start">The configuration to start from.</param>
    /// <param name="parse">The parsed command line.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="RunConfigurationException">For a bad value (the message names the option).</exception>
    public RunConfiguration Apply(RunConfiguration start, ParseResult parse)
    {
        var config = start;
        foreach (var (setting, option) in options)
        {
            var values = option is Option<string[]> many ? parse.GetValue(many) ?? [] : parse.GetValue((Option<string?>)option) is { } one ? [one] : [];
            foreach (var value in values)
            {
                config = ForOption(setting.OptionName, () => setting.Set(config, value.Trim()));
            }
        }

        return config;
    }

    /// <summary>Runs a parse of a command-line value, putting the option's name in front of a configuration error.</summary>
    /// <typeparam name="T">What the parse gives.</typeparam>
    /// <param name="option">The option, e.g. <c>--proportion</c>.</param>
    /// <param name="parse">The parse.</param>
    /// <returns>Its result.</returns>
    /// <exception cref="RunConfigurationException">Naming the option.</exception>
    public static T ForOption<T>(string option, Func<T> parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        try
        {
            return parse();
        }
        catch (RunConfigurationException e)
        {
            throw new RunConfigurationException($"{option}: {e.Message}", e);
        }
    }

    /// <summary>Applies one file entry that names a run setting, or <c>options</c> (a mapping of method options).</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="entry">The entry.</param>
    /// <returns>The new configuration.</returns>
    /// <exception cref="RunConfigurationException">For an unknown key or bad value (file and line in the message).</exception>
    public static RunConfiguration ApplyEntry(RunConfiguration config, SettingsFile.Entry entry) => entry.Apply(e =>
        e.Key is "options" or RunSettings.OptionSetting
            ? e.Pairs().Aggregate(config, (c, p) => c.WithOption(p.Key, p.Value))
            : RunSettings.Set(config, e.Key, e.Text()));

    /// <summary>A run configuration from <c>--config</c> (when given) and the command line, checked.</summary>
    /// <param name="parse">The parsed command line.</param>
    /// <param name="start">The defaults (a new <see cref="RunConfiguration"/> when null).</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="RunConfigurationException">For any bad setting.</exception>
    public RunConfiguration Configuration(ParseResult parse, RunConfiguration? start = null)
    {
        var config = start ?? new RunConfiguration();
        if (parse.GetValue(Config) is { } path)
        {
            foreach (var entry in SettingsFile.Read(path).Entries.Where(e => e.Key != "record"))
            {
                config = ApplyEntry(config, entry);
            }
        }

        config = Apply(config, parse);
        config.Validate();
        return config;
    }
}
