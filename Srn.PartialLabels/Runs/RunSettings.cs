using System.Globalization;

namespace Srn.PartialLabels.Runs;

/// <summary>
/// The settings of a <see cref="RunConfiguration"/>, each parsed, checked and formatted in one place: the command line,
/// YAML files and C# code all go through <see cref="Set"/>, and every file that records a run writes each setting's <see cref="RunSetting.Get"/> text.
/// </summary>
/// <remarks>
/// Text syntax: numbers in invariant culture; an empty value, <c>~</c>, <c>null</c> or <c>none</c> unsets an optional
/// setting (and <c>0</c> unsets a limit: all images); method options are <c>name=value</c> (<see cref="OptionSetting"/>).
/// </remarks>
public static class RunSettings
{
    /// <summary>The name of the method-options setting (repeatable <c>--option name=value</c>; a mapping in YAML).</summary>
    public const string OptionSetting = "option";

    /// <summary>Every setting, in the order files list them.</summary>
    public static IReadOnlyList<RunSetting> All { get; } =
    [
        new("dataset", "fashion-scenes (generated on first use) or manifests (with train_manifest, test_manifest, image_root).", true,
            c => c.Dataset, (c, t) => c with { Dataset = Choice("dataset", t, "fashion-scenes", "manifests") }),
        new("data", "FashionScenes directory.", false, c => c.Data, (c, t) => c with { Data = Text("data", t) }),
        new("train_manifest", "Training manifest (dataset manifests).", false, c => c.TrainManifest, (c, t) => c with { TrainManifest = OptionalText(t) }),
        new("test_manifest", "Test manifest (dataset manifests).", false, c => c.TestManifest, (c, t) => c with { TestManifest = OptionalText(t) }),
        new("image_root", "Directory the manifests' image paths are relative to.", false, c => c.ImageRoot, (c, t) => c with { ImageRoot = OptionalText(t) }),
        new("method", $"Method: {string.Join(", ", Methods.MethodCatalog.Names)}.", true,
            c => c.Method, (c, t) => c with { Method = Choice("method", t, [.. Methods.MethodCatalog.Names]) }),
        new("backbone", "Backbone: resnet-small, resnet18 ... resnet152, vgg16, vgg-small.", true, c => c.Backbone, (c, t) => c with { Backbone = Backbone(t) }),
        new("image_size", "Input side in pixels (default: the backbone's, 112 for resnet-small).", true,
            c => FormatInt(c.ImageSize), (c, t) => c with { ImageSize = OptionalInt("image_size", t, 16, 4096) }),
        new("epochs", "Training epochs over all of the method's stages.", true, c => FormatInt(c.Epochs), (c, t) => c with { Epochs = Int("epochs", t, 1, 100_000) }),
        new("batch_size", "Training batch size.", true, c => FormatInt(c.BatchSize), (c, t) => c with { BatchSize = Int("batch_size", t, 1, 1 << 20) }),
        new("proportion", "Share of the training labels known, in (0, 1]; 1 is full labels.", true,
            c => Format(c.Proportion), (c, t) => c with { Proportion = Proportion(t) }),
        new("protocol", $"Masking protocol: {string.Join(", ", Masking.MaskingProtocols.Names)}.", true,
            c => c.Protocol, (c, t) => c with { Protocol = Choice("protocol", t, [.. Masking.MaskingProtocols.Names]) }),
        new("seed", "Experiment seed (initialisation, data order, augmentation).", true, c => FormatInt(c.Seed), (c, t) => c with { Seed = Int("seed", t, 0, int.MaxValue) }),
        new("mask_seed", "Seed of the label mask (the reference protocol uses 0 for every run).", true,
            c => FormatInt(c.MaskSeed), (c, t) => c with { MaskSeed = Int("mask_seed", t, 0, int.MaxValue) }),
        new("train_limit", "Use only the first N training images (0 or empty: all).", true,
            c => FormatInt(c.TrainLimit), (c, t) => c with { TrainLimit = Limit("train_limit", t) }),
        new("test_limit", "Use only the first N test images (0 or empty: all).", true,
            c => FormatInt(c.TestLimit), (c, t) => c with { TestLimit = Limit("test_limit", t) }),
        new("augment", "Training augmentation: srn, srn-independent (SRN's crop with width and height drawn independently), hcp, none, or method (the method's own).", true,
            c => c.Augment, (c, t) => c with { Augment = Choice("augment", t, "method", "srn", "srn-independent", "hcp", "none") }),
        new("test_resize", "Test-time resize: bilinear, bicubic (PIL's), or method (the recipe's own: bicubic for hcp, bilinear for srn).", true,
            c => c.TestResize, (c, t) => c with { TestResize = Choice("test_resize", t, "method", "bilinear", "bicubic") }),
        new("backbone_weights", "Backbone weights (torchvision .pth or safetensors); the papers start from ImageNet weights.", true,
            c => c.BackboneWeights, (c, t) => c with { BackboneWeights = OptionalText(t) }),
        new("proposals", "KD-WSD's region proposals: CSV image,x1,y1,x2,y2[,score] in pixels of the original images, every training image listed (default: the method's own windows).", true,
            c => c.Proposals, (c, t) => c with { Proposals = OptionalText(t) }),
        new(OptionSetting, "Method option name=value (repeatable), e.g. lr=0.1.", true,
            c => c.Options.Count == 0 ? null : string.Join(";", c.Options.Select(o => $"{o.Key}={o.Value}")), AddOption),
        new("precision", "fp32, bf16 or fp16 (autocast; losses, BN statistics and optimizer state stay fp32), or auto: bf16 on a CPU with native bf16, fp32 elsewhere.", true,
            c => c.Precision, (c, t) => c with { Precision = Choice("precision", t, "fp32", "bf16", "fp16", "auto") }),
        new("channels_last", "Channels-last (NHWC) weights and images: true or false.", true,
            c => c.ChannelsLast ? "true" : "false", (c, t) => c with { ChannelsLast = Bool("channels_last", t) }),
        new("device", "cpu, cuda or cuda:N.", false, c => c.Device, (c, t) => c with { Device = Device(t) }),
        new("workers", "Image loading threads (0: load on the training thread).", false, c => FormatInt(c.Workers), (c, t) => c with { Workers = Int("workers", t, 0, 256) }),
        new("threads", "libtorch threads (default: libtorch's).", false, c => FormatInt(c.Threads), (c, t) => c with { Threads = OptionalInt("threads", t, 1, 1024) }),
    ];

    /// <summary>The setting of a name (snake_case or with dashes, with or without the leading <c>--</c>).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The setting.</returns>
    /// <exception cref="RunConfigurationException">For an unknown name (the message lists the known ones).</exception>
    public static RunSetting Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = name.TrimStart('-').Replace('-', '_');
        return All.FirstOrDefault(s => s.Name == key)
            ?? throw new RunConfigurationException($"unknown setting '{name}'; settings: {string.Join(", ", All.Select(s => s.Name))}.");
    }

    /// <summary>Sets one setting from text.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="name">Setting name (see <see cref="Find"/>).</param>
    /// <param name="text">Its value as text.</param>
    /// <returns>The new configuration.</returns>
    /// <exception cref="RunConfigurationException">Unknown name or bad value.</exception>
    public static RunConfiguration Set(RunConfiguration configuration, string name, string text)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(text);
        return Find(name).Set(configuration, text.Trim());
    }

    /// <summary>Every setting as <c>name</c> and text (null when unset), method options one entry each as <c>option.NAME</c>.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="resultAffectingOnly">Only the settings that make up the run's identity.</param>
    /// <returns>The pairs, in <see cref="All"/>'s order.</returns>
    public static IReadOnlyList<KeyValuePair<string, string?>> Describe(RunConfiguration configuration, bool resultAffectingOnly = false)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var pairs = new List<KeyValuePair<string, string?>>();
        foreach (var s in All.Where(s => !resultAffectingOnly || s.AffectsResults))
        {
            if (s.Name == OptionSetting)
            {
                pairs.AddRange(configuration.Options.Select(o => KeyValuePair.Create($"{OptionSetting}.{o.Key}", (string?)o.Value)));
            }
            else
            {
                pairs.Add(KeyValuePair.Create(s.Name, s.Get(configuration)));
            }
        }

        return pairs;
    }

    /// <summary>Formats a number exactly (shortest text that parses back to the same double).</summary>
    /// <param name="value">The value.</param>
    /// <returns>Invariant text.</returns>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Parses a known-label proportion: a number in (0, 1].</summary>
    /// <param name="text">The text.</param>
    /// <returns>The value.</returns>
    /// <exception cref="RunConfigurationException">When it is not a number in (0, 1].</exception>
    public static double Proportion(string text)
    {
        var p = Number("proportion", text);
        return p is > 0 and <= 1 ? p : throw new RunConfigurationException($"proportion must be in (0, 1], got {text}.");
    }

    /// <summary>Parses an integer setting in [min, max].</summary>
    /// <param name="name">Setting name, for the message.</param>
    /// <param name="text">The text.</param>
    /// <param name="min">Smallest value.</param>
    /// <param name="max">Largest value.</param>
    /// <returns>The value.</returns>
    /// <exception cref="RunConfigurationException">When it is not an integer in range.</exception>
    public static int Int(string name, string text, int min, int max) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v >= min && v <= max ? (int)v : throw new RunConfigurationException($"{name} must be {(max == int.MaxValue ? $"at least {min}" : $"in [{min}, {max}]")}, got {text}.")
            : throw new RunConfigurationException($"{name} must be an integer, got '{text}'.");

    private static string? FormatInt(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static bool IsUnset(string text) => text.Length == 0 || text is "~" or "null" or "none";

    private static string Text(string name, string text) =>
        IsUnset(text) ? throw new RunConfigurationException($"{name} needs a value.") : text;

    private static string? OptionalText(string text) => IsUnset(text) ? null : text;

    private static int? OptionalInt(string name, string text, int min, int max) => IsUnset(text) ? null : Int(name, text, min, max);

    private static int? Limit(string name, string text) => IsUnset(text) || text == "0" ? null : Int(name, text, 1, int.MaxValue);

    private static double Number(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new RunConfigurationException($"{name} must be a number, got '{text}'.");

    private static bool Bool(string name, string text) => text switch
    {
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" => false,
        _ => throw new RunConfigurationException($"{name} must be true or false, got '{text}'."),
    };

    private static string Choice(string name, string text, params string[] choices) =>
        choices.Contains(text, StringComparer.Ordinal) ? text : throw new RunConfigurationException($"{name} '{text}': use {string.Join(", ", choices)}.");

    private static string Backbone(string text)
    {
        try
        {
            _ = Srn.Models.ModelRegistry.Config(text);
            return text;
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException)
        {
            throw new RunConfigurationException($"backbone '{text}': {e.Message}", e);
        }
    }

    private static string Device(string text) =>
        text == "cpu" || text == "cuda" || (text.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(text[5..], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            ? text
            : throw new RunConfigurationException($"device '{text}': use cpu, cuda or cuda:N.");

    private static RunConfiguration AddOption(RunConfiguration configuration, string text)
    {
        var i = text.IndexOf('=', StringComparison.Ordinal);
        if (i <= 0)
        {
            throw new RunConfigurationException($"option expects name=value, got '{text}'.");
        }

        var name = text[..i].Trim();
        var value = text[(i + 1)..].Trim();
        if (name.Length == 0 || value.Length == 0)
        {
            throw new RunConfigurationException($"option expects name=value, got '{text}'.");
        }

        return configuration.WithOption(name, value);
    }
}
