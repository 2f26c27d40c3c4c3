using System.Globalization;
using System.Text;
using Srn.Experiments.Runs;
using Srn.PartialLabels.Methods;
using Srn.PartialLabels.Runs;
using Srn.Torch;

namespace Srn.Experiments.Sweep;

/// <summary>
/// A sweep: a grid of methods x known-label proportions x seeds over one <see cref="RunConfiguration"/> (every other
/// setting is shared by all runs), plus how to summarise it. Read from YAML (<c>--config</c>, the same setting names and
/// value syntax as the command line; the grid axes are <c>methods</c>, <c>proportions</c>, <c>seeds</c>), then overridden by
/// command-line options; the resolved sweep is written to <c>OUT/config.yaml</c>.
/// </summary>
internal sealed record SweepConfig
{
    /// <summary>The grid axes: they take lists (<c>0.1:0.9:0.1</c> or <c>0.1,0.5</c>); the run settings of the same name are not used.</summary>
    public static readonly string[] GridSettings = ["method", "proportion", "seed"];

    /// <summary>The settings every run shares (its method, proportion and seed are the grid's).</summary>
    public RunConfiguration Run { get; init; } = Quick;

    /// <summary>Methods, in job order.</summary>
    public IReadOnlyList<string> Methods { get; init; } = ["partial-bce", "dsrb"];

    /// <summary>Known-label proportions.</summary>
    public IReadOnlyList<double> Proportions { get; init; } = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

    /// <summary>Seeds.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [0];

    /// <summary>The method the summary compares against (paired t-test over seeds); null for none.</summary>
    public string? Baseline { get; init; } = "partial-bce";

    /// <summary>KD-WSD runs that share their training labels share one teacher (<see cref="TeacherSharing"/>).</summary>
    public bool ShareTeachers { get; init; }

    /// <summary>Options per method, over the shared <see cref="RunConfiguration.Options"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> MethodOptions { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>The preset it started from: <c>quick</c> (the default sweep), <c>paper</c>, or <c>file</c>.</summary>
    public string Preset { get; init; } = "quick";

    /// <summary>
    /// The default sweep's shared settings, the preset <c>quick</c>: <c>srn train</c>'s defaults with 6 epochs on the first
    /// 1600 training and 1000 test scenes, which fits in about 7 minutes on a 2-core CPU (two runs at a time).
    /// </summary>
    public static RunConfiguration Quick => new() { Epochs = 6, TrainLimit = 1600, TestLimit = 1000 };

    /// <summary>
    /// The preset names: <c>quick</c> (the default sweep), the paper recipes of data-manifests/presets/*.yaml (embedded in
    /// this assembly: <c>dsrb-coco</c>, <c>srn-coco</c>, ...), and <c>paper</c>, another name of <c>dsrb-coco</c>.
    /// </summary>
    public static IReadOnlyList<string> PresetNames => ["quick", "paper", .. PresetFiles.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Starting from a preset's weights is required (the paper fine-tunes ImageNet weights): validation refuses the sweep without <c>backbone_weights</c>.</summary>
    public bool RequiresBackboneWeights { get; init; }

    /// <summary>A one-line description (presets have one).</summary>
    public string? Description { get; init; }

    // data-manifests/presets/NAME.yaml, embedded by the project file as presets/NAME.yaml.
    private static Dictionary<string, string> PresetFiles { get; } = LoadPresetFiles();

    /// <summary>The sweep of a preset name.</summary>
    /// <param name="name">A name of <see cref="PresetNames"/>.</param>
    /// <returns>The sweep.</returns>
    /// <exception cref="RunConfigurationException">For another name, or a bad preset file.</exception>
    public static SweepConfig FromPreset(string name)
    {
        if (name == "quick")
        {
            return new SweepConfig();
        }

        var file = name == "paper" ? "dsrb-coco" : name;
        if (!PresetFiles.TryGetValue(file, out var text))
        {
            throw new RunConfigurationException($"--preset '{name}': use one of {string.Join(", ", PresetNames)} (data-manifests/presets/ lists them).");
        }

        var sweep = FromFile(SettingsFile.Parse(text, $"preset {file} (data-manifests/presets/{file}.yaml)"), new SweepConfig());
        return sweep with { Preset = name };
    }

    /// <summary>Reads a YAML sweep file over the default sweep (a <c>preset</c> key picks another start).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The sweep.</returns>
    /// <exception cref="RunConfigurationException">For a bad file or setting (file and line in the message).</exception>
    public static SweepConfig Load(string path)
    {
        var file = SettingsFile.Read(path);
        var preset = file.Entries.FirstOrDefault(e => e.Key == "preset");
        var sweep = preset is null ? new SweepConfig() : preset.Apply(e => FromPreset(e.Text()));
        return FromFile(file, sweep) with { Preset = "file" };
    }

    private static SweepConfig FromFile(SettingsFile file, SweepConfig start)
    {
        var sweep = start;
        foreach (var entry in file.Entries.Where(e => e.Key is not ("preset" or "record")))
        {
            sweep = sweep.With(entry);
        }

        return sweep;
    }

    private static Dictionary<string, string> LoadPresetFiles()
    {
        var assembly = typeof(SweepConfig).Assembly;
        var presets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith("presets/", StringComparison.Ordinal) && r.EndsWith(".yaml", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            presets[resource["presets/".Length..^".yaml".Length]] = reader.ReadToEnd();
        }

        return presets;
    }

    /// <summary>This sweep with one file entry applied.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>The new sweep.</returns>
    public SweepConfig With(SettingsFile.Entry entry) => entry.Key switch
    {
        "methods" or "method" => entry.Apply(e => this with { Methods = ParseMethods(e.Text()) }),
        "proportions" or "proportion" => entry.Apply(e => this with { Proportions = ParseProportions(e.Text()) }),
        "seeds" or "seed" => entry.Apply(e => this with { Seeds = ParseSeeds(e.Text()) }),
        "baseline" => entry.Apply(e => this with { Baseline = e.Text() is "" or "~" or "null" or "none" ? null : e.Text() }),
        "share_teachers" => entry.Apply(e => this with { ShareTeachers = ParseBool("share_teachers", e.Text()) }),
        "requires_backbone_weights" => entry.Apply(e => this with { RequiresBackboneWeights = ParseBool("requires_backbone_weights", e.Text()) }),
        "description" => entry.Apply(e => this with { Description = e.Text() }),
        "method_options" => entry.Apply(e => this with
        {
            MethodOptions = e.Nested().ToDictionary(m => m.Key, m => (IReadOnlyDictionary<string, string>)m.Value.ToDictionary(p => p.Key, p => p.Value)),
        }),
        _ => this with { Run = RunOptions.ApplyEntry(Run, entry) },
    };

    /// <summary>The run configuration of one job: the shared settings, the job's method, proportion and seed, the method's own options.</summary>
    /// <param name="job">The job.</param>
    /// <returns>The configuration.</returns>
    public RunConfiguration RunOf(SweepJob job)
    {
        var run = Run with { Method = job.Method, Proportion = job.Proportion, Seed = job.Seed };
        return MethodOptions.TryGetValue(job.Method, out var own) ? own.Aggregate(run, (c, o) => c.WithOption(o.Key, o.Value)) : run;
    }

    /// <summary>Checks the sweep: grid axes non-empty and without repeats, each method's run configuration valid, the baseline one of the methods.</summary>
    /// <param name="baselineGiven">The baseline was asked for explicitly (then it must be one of the methods; the default is dropped silently).</param>
    /// <returns>The sweep, its default baseline dropped when the methods lack it.</returns>
    /// <exception cref="RunConfigurationException">Naming the setting.</exception>
    public SweepConfig Validated(bool baselineGiven)
    {
        NonEmptyDistinct("methods", Methods.Select(m => m).ToArray());
        NonEmptyDistinct("proportions", Proportions.Select(RunSettings.Format).ToArray());
        NonEmptyDistinct("seeds", Seeds.Select(s => s.ToString(CultureInfo.InvariantCulture)).ToArray());
        foreach (var m in Methods)
        {
            RunOf(new SweepJob(0, m, Proportions[0], Seeds[0])).Validate();
        }

        // Options of a known method outside this sweep's are kept (a preset's, narrowed by --methods); an unknown name is a typo.
        var stray = MethodOptions.Keys.Where(k => !MethodCatalog.Names.Contains(k)).ToArray();
        if (stray.Length > 0)
        {
            throw new RunConfigurationException($"method_options names {string.Join(", ", stray)}, not a method (methods: {string.Join(", ", MethodCatalog.Names)}).");
        }

        if (RequiresBackboneWeights && Run.BackboneWeights is null)
        {
            var file = Srn.Models.ModelRegistry.Config(Run.Backbone).PretrainedFile;
            throw new RunConfigurationException(
                $"preset {Preset} fine-tunes ImageNet weights, as the paper does: give --backbone-weights FILE ({file ?? "torchvision's weights of " + Run.Backbone}); training {Run.Backbone} from scratch with this recipe does not reproduce the paper.");
        }

        if (Baseline is { } b && !Methods.Contains(b))
        {
            return baselineGiven
                ? throw new RunConfigurationException($"--baseline '{b}' is not one of the sweep's methods ({string.Join(", ", Methods)}).")
                : this with { Baseline = null };
        }

        return this;
    }

    /// <summary>
    /// The shared settings that a resumed sweep must keep (the result-affecting ones, resolved, and each method's own
    /// options for <paramref name="methods"/>), one <c>name=value</c> text each.
    /// </summary>
    /// <param name="methods">The methods whose own options count (those both sweeps have).</param>
    /// <returns>The texts.</returns>
    public IReadOnlyList<string> TrainingSettings(IReadOnlyCollection<string> methods)
    {
        var run = Run with { ImageSize = Run.ResolvedImageSize };
        var texts = RunSettings.Describe(run, resultAffectingOnly: true)
            .Where(p => !GridSettings.Contains(p.Key))
            .Select(p => $"{p.Key}={p.Value}")
            .ToList();
        foreach (var (method, options) in MethodOptions.Where(m => methods.Contains(m.Key)).OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            texts.AddRange(options.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"method_options.{method}.{o.Key}={o.Value}"));
        }

        return texts;
    }

    /// <summary>The resolved sweep as YAML (loadable with <c>--config</c>), with the versions as comments.</summary>
    /// <param name="versions">Versions and environment.</param>
    /// <returns>YAML text.</returns>
    public string ToYaml(IReadOnlyDictionary<string, string> versions)
    {
        var sb = new StringBuilder("# resolved sweep configuration: `srn sweep --config` on this file runs the same sweep\n");
        foreach (var (k, v) in versions)
        {
            sb.Append("# ").Append(k).Append(": ").Append(v).Append('\n');
        }

        YamlText.Line(sb, "methods", YamlText.Sequence(Methods));
        YamlText.Line(sb, "proportions", YamlText.Sequence(Proportions.Select(RunSettings.Format)));
        YamlText.Line(sb, "seeds", YamlText.Sequence(Seeds.Select(s => s.ToString(CultureInfo.InvariantCulture))));
        YamlText.Line(sb, "baseline", YamlText.Scalar(Baseline));
        YamlText.Line(sb, "share_teachers", ShareTeachers ? "true" : "false");
        var resolved = Run with { ImageSize = Run.ResolvedImageSize, Threads = Run.Threads ?? LibTorch.NumThreads };
        foreach (var (key, value) in RunSettings.Describe(resolved).Where(p => !GridSettings.Contains(p.Key) && !p.Key.StartsWith(RunSettings.OptionSetting + ".", StringComparison.Ordinal)))
        {
            YamlText.Line(sb, key, YamlText.Scalar(value));
        }

        sb.Append("options:").Append(Run.Options.Count == 0 ? " {}\n" : "\n");
        foreach (var (k, v) in Run.Options)
        {
            YamlText.Line(sb, k, YamlText.Scalar(v), 2);
        }

        sb.Append("method_options:").Append(MethodOptions.Count == 0 ? " {}\n" : "\n");
        foreach (var (m, options) in MethodOptions)
        {
            sb.Append("  ").Append(YamlText.Scalar(m)).Append(":\n");
            foreach (var (k, v) in options)
            {
                YamlText.Line(sb, k, YamlText.Scalar(v), 4);
            }
        }

        return sb.ToString();
    }

    /// <summary>Parses <c>0.1:0.9:0.1</c> (start:stop:step, stop included) or a comma list; each value in (0, 1].</summary>
    /// <param name="text">The text.</param>
    /// <returns>The proportions, each exactly as written (a range's values rounded to 6 decimals, so 0.1 + 2 x 0.1 is 0.3).</returns>
    /// <exception cref="RunConfigurationException">For a bad value.</exception>
    public static List<double> ParseProportions(string text)
    {
        var parts = text.Split(':');
        List<double> values;
        if (parts.Length == 3)
        {
            var (start, stop, step) = (Number(parts[0]), Number(parts[1]), Number(parts[2]));
            if (step <= 0 || stop < start)
            {
                throw new RunConfigurationException($"proportions '{text}': start:stop:step needs step > 0 and stop >= start.");
            }

            values = [];
            for (var i = 0; start + (i * step) <= stop + 1e-9; i++)
            {
                values.Add(Math.Round(start + (i * step), 6));
            }
        }
        else
        {
            values = [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Number)];
        }

        foreach (var p in values)
        {
            RunSettings.Proportion(RunSettings.Format(p));
        }

        return values;

        double Number(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new RunConfigurationException($"proportions '{text}': '{s}' is not a number.");
    }

    /// <summary>Parses a comma list of seeds (each at least 0).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The seeds.</returns>
    public static List<int> ParseSeeds(string text) =>
        [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => RunSettings.Int("seeds", s, 0, int.MaxValue))];

    /// <summary>Parses a comma list of methods.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The methods.</returns>
    public static List<string> ParseMethods(string text) => [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static bool ParseBool(string name, string text) => text switch
    {
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" or "" => false,
        _ => throw new RunConfigurationException($"{name} must be true or false, got '{text}'."),
    };

    private static void NonEmptyDistinct(string name, string[] values)
    {
        if (values.Length == 0)
        {
            throw new RunConfigurationException($"{name}: a sweep needs at least one.");
        }

        var repeated = values.GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        if (repeated.Length > 0)
        {
            throw new RunConfigurationException($"{name}: {string.Join(", ", repeated)} given more than once; each run of a sweep is distinct.");
        }
    }
}
