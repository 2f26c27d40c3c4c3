using System.Text.Json;
using Srn.Torch;

namespace Srn.Training;

/// <summary>
/// Everything a method needs to build its model and stages: the method and backbone names, the label space, the input
/// size, the epoch budget, the seed, and method-specific options as strings (the same ones a config file or the command
/// line gives). It is stored in every checkpoint, so <c>srn eval</c> rebuilds the same model.
/// </summary>
public sealed record MethodSetup
{
    /// <summary>Method name as registered, e.g. <c>srn</c>, <c>resnet</c>, <c>dsrb</c>.</summary>
    public required string Method { get; init; }

    /// <summary>Backbone registry name, e.g. <c>resnet-small</c>, <c>resnet101</c>.</summary>
    public required string Backbone { get; init; }

    /// <summary>Class names in label order (their count is the number of outputs).</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>Square input side in pixels.</summary>
    public required int ImageSize { get; init; }

    /// <summary>Total training epochs; methods with several stages divide them (documented per method).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>The experiment seed: initialisation, data order, augmentation and every random choice derive from it.</summary>
    public int Seed { get; init; }

    /// <summary>Method-specific options (name to invariant-culture value); unknown names are an error of the method.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The (possibly partial) training labels, N x C in 1 / -1 / 0, for methods that derive statistics from them (the
    /// label graph of SSGRL). Not stored in checkpoints: what is derived from it is part of the model's state.
    /// </summary>
    public sbyte[,]? TrainLabels { get; init; }

    /// <summary>Path of a state dict (safetensors or .pth) for the backbone, e.g. ImageNet weights; null trains from scratch.</summary>
    public string? BackboneWeights { get; init; }

    /// <summary>
    /// Path of a proposals file (<see cref="Data.ProposalsFile"/>) for methods that pool region proposals (KD-WSD); null uses
    /// the method's own proposals. The proposals of each training image travel through the training transform with it.
    /// </summary>
    public string? ProposalsFile { get; init; }

    /// <summary>Receives one-line notes while the method is built (e.g. what was unwrapped from a weights file); not stored.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Number of classes.</summary>
    public int NumClasses => ClassNames.Count;

    /// <summary>Reads an option, or the default when absent.</summary>
    /// <param name="name">Option name.</param>
    /// <param name="fallback">Default.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException">When the value is not a number.</exception>
    public double Option(string name, double fallback) =>
        Options.TryGetValue(name, out var text)
            ? double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new ArgumentException($"Method '{Method}': option '{name}' must be a number, got '{text}'.")
            : fallback;

    /// <summary>Reads a yes/no option (true, false, 1, 0), or the default when absent.</summary>
    /// <param name="name">Option name.</param>
    /// <param name="fallback">Default.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException">When the value is not a boolean.</exception>
    public bool Flag(string name, bool fallback) =>
        !Options.TryGetValue(name, out var text) ? fallback
        : text.Trim().ToUpperInvariant() switch
        {
            "TRUE" or "1" or "YES" => true,
            "FALSE" or "0" or "NO" => false,
            _ => throw new ArgumentException($"Method '{Method}': option '{name}' must be true or false, got '{text}'."),
        };

    /// <summary>Checks that every given option is one the method knows.</summary>
    /// <param name="known">The method's option names.</param>
    /// <exception cref="ArgumentException">Naming the unknown options and the known ones.</exception>
    public void CheckOptions(params string[] known)
    {
        var unknown = Options.Keys.Where(k => !known.Contains(k, StringComparer.Ordinal)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException(
                $"Method '{Method}' has no option {string.Join(", ", unknown.Select(u => $"'{u}'"))}; its options are: {(known.Length == 0 ? "(none)" : string.Join(", ", known))}.");
        }
    }

    /// <summary>The setup as JSON (without the training labels), for checkpoint metadata.</summary>
    /// <returns>JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(new Stored(Method, Backbone, [.. ClassNames], ImageSize, Epochs, Seed, new Dictionary<string, string>(Options), BackboneWeights, ProposalsFile));

    /// <summary>Reads <see cref="ToJson"/>'s output.</summary>
    /// <param name="json">JSON text.</param>
    /// <returns>The setup (without training labels).</returns>
    /// <exception cref="InvalidDataException">When the JSON is not a method setup.</exception>
    public static MethodSetup FromJson(string json)
    {
        Stored? s;
        try
        {
            s = JsonSerializer.Deserialize<Stored>(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Not a method setup: {e.Message}", e);
        }

        if (s is null || string.IsNullOrEmpty(s.Method) || s.ClassNames is null)
        {
            throw new InvalidDataException("Not a method setup: method or class names missing.");
        }

        return new MethodSetup
        {
            Method = s.Method, Backbone = s.Backbone, ClassNames = s.ClassNames, ImageSize = s.ImageSize, Epochs = s.Epochs,
            Seed = s.Seed, Options = s.Options ?? new Dictionary<string, string>(), BackboneWeights = s.BackboneWeights, ProposalsFile = s.ProposalsFile,
        };
    }

    private sealed record Stored(string Method, string Backbone, string[] ClassNames, int ImageSize, int Epochs, int Seed, Dictionary<string, string>? Options, string? BackboneWeights,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? ProposalsFile = null);
}
