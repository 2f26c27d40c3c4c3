using System.Globalization;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Srn.Experiments.Sweep;

/// <summary>
/// A sweep: methods x known-label proportions x seeds on one dataset, with the training budget every run shares. Read
/// from YAML (<c>--config</c>, snake_case keys as in <c>config.yaml</c>), then overridden by command-line options; the
/// resolved configuration is written to the output directory.
/// </summary>
internal sealed record SweepConfig
{
    public string Dataset { get; set; } = "fashion-scenes";

    public string Data { get; set; } = Runs.DataSource.DefaultFashionScenesDirectory;

    public string? TrainManifest { get; set; }

    public string? TestManifest { get; set; }

    public string? ImageRoot { get; set; }

    public List<string> Methods { get; set; } = ["partial-bce", "dsrb"];

    public List<double> Proportions { get; set; } = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

    public List<int> Seeds { get; set; } = [0];

    public string Protocol { get; set; } = "hcp";

    public int MaskSeed { get; set; }

    public string Backbone { get; set; } = "resnet-small";

    public int? ImageSize { get; set; }

    public int Epochs { get; set; } = 6;

    public int BatchSize { get; set; } = 32;

    public int? TrainLimit { get; set; } = 1600;

    public int? TestLimit { get; set; } = 1000;

    public string Device { get; set; } = "cpu";

    public int Workers { get; set; } = 1;

    public int? Threads { get; set; }

    public string? Baseline { get; set; } = "partial-bce";

    public string? BackboneWeights { get; set; }

    /// <summary>KD-WSD runs that share their training labels share one teacher (<see cref="TeacherSharing"/>).</summary>
    public bool ShareTeachers { get; set; }

    /// <summary>Options for every method (name to value).</summary>
    public Dictionary<string, string> Options { get; set; } = [];

    /// <summary>Options per method, over <see cref="Options"/>.</summary>
    public Dictionary<string, Dictionary<string, string>> MethodOptions { get; set; } = [];

    /// <summary>The published recipes for a GPU (specs/partial-labels.md, specs/srn.md): ResNet-101 at 448, 20 epochs, batch 8, Adam 1e-5, all the data.</summary>
    public static SweepConfig Paper() => new()
    {
        Methods = ["partial-bce", "ssgrl", "sarb", "dsrb"], Backbone = "resnet101", ImageSize = 448, Epochs = 20, BatchSize = 8,
        TrainLimit = null, TestLimit = null, Device = "cuda", Workers = 4,
        Options = new() { ["optimizer"] = "adam", ["lr"] = "1e-5", ["weight_decay"] = "5e-4", ["schedule"] = "step" },
    };

    public static SweepConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Sweep config not found: {path}", path);
        }

        try
        {
            return new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build()
                .Deserialize<SweepConfig>(File.ReadAllText(path)) ?? new SweepConfig();
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new ArgumentException($"{path}, line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}", e);
        }
    }

    /// <summary>
    /// The settings a finished run's results depend on beyond its identity (dataset, method, backbone, image size,
    /// proportion, seed): everything but the job lists, the device, the loader threads and the baseline, one
    /// <c>key: value</c> line each, with the per-method options of <paramref name="methods"/> only. A resumed sweep must
    /// keep them, or its skipped runs would not match its new ones.
    /// </summary>
    /// <param name="methods">The methods whose own options count (those both sweeps have).</param>
    public IReadOnlyList<string> TrainingSettings(IReadOnlyCollection<string> methods)
    {
        var copy = (SweepConfig)MemberwiseClone();
        copy.Methods = [];
        copy.Proportions = [];
        copy.Seeds = [];
        copy.Device = "";
        copy.Workers = 0;
        copy.Threads = null;
        copy.Baseline = null;
        copy.MethodOptions = MethodOptions.Where(kv => methods.Contains(kv.Key)).ToDictionary();
        return [.. copy.ToYaml(new Dictionary<string, string>()).Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("- ", StringComparison.Ordinal))];
    }

    public string ToYaml(IReadOnlyDictionary<string, string> versions)
    {
        var body = new SerializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build().Serialize(this);
        return "# resolved sweep configuration\n" + string.Concat(versions.Select(v => $"# {v.Key}: {v.Value}\n")) + body;
    }

    /// <summary>Parses <c>0.1:0.9:0.1</c> (start:stop:step, stop included) or a comma list.</summary>
    public static List<double> ParseProportions(string text)
    {
        var parts = text.Split(':');
        List<double> values;
        if (parts.Length == 3)
        {
            var (start, stop, step) = (Number(parts[0]), Number(parts[1]), Number(parts[2]));
            if (step <= 0 || stop < start)
            {
                throw new ArgumentException($"--proportions '{text}': start:stop:step needs step > 0 and stop >= start.");
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

        if (values.Count == 0 || values.Any(p => !(p > 0 && p <= 1)))
        {
            throw new ArgumentException($"--proportions '{text}': every proportion must be in (0, 1].");
        }

        return values;

        double Number(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new ArgumentException($"--proportions '{text}': '{s}' is not a number.");
    }

    public void Validate()
    {
        if (Methods.Count == 0 || Proportions.Count == 0 || Seeds.Count == 0)
        {
            throw new ArgumentException("A sweep needs at least one method, proportion and seed.");
        }

        var unknown = Methods.Where(m => !PartialLabels.Methods.MethodCatalog.Names.Contains(m)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"Unknown method(s) {string.Join(", ", unknown)}. Methods: {string.Join(", ", PartialLabels.Methods.MethodCatalog.Names)}.");
        }

        if (Proportions.Any(p => !(p > 0 && p <= 1)))
        {
            throw new ArgumentException("Every proportion must be in (0, 1].");
        }

        if (Epochs < 1 || BatchSize < 1)
        {
            throw new ArgumentException($"epochs and batch size must be at least 1, got {Epochs} and {BatchSize}.");
        }

        if (Baseline is { } b && !Methods.Contains(b))
        {
            Baseline = null;
        }

        _ = Models.ModelRegistry.Config(Backbone);
        PartialLabels.Masking.MaskingProtocols.Parse(Protocol);
    }
}
