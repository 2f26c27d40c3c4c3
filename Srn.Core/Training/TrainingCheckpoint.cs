using System.Globalization;
using System.Text.Json;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Training;

/// <summary>
/// A training checkpoint: one safetensors file with the model's state dict (<c>model.</c> + torchvision keys), the
/// optimizer and scheduler state of the current stage (<c>optimizer.</c>, <c>scheduler.</c>), the method's extra state
/// (<c>method.</c>), the CPU generator state (<c>rng.cpu</c>), and in the metadata: the method setup, the position
/// (stage, epochs done in it) and the per-epoch history. Written atomically; enough to resume exactly and to evaluate.
/// </summary>
public sealed class TrainingCheckpoint : IDisposable
{
    /// <summary>The format tag in the metadata.</summary>
    public const string Format = "srn-checkpoint/1";

    private readonly Dictionary<string, Tensor> tensors;

    private TrainingCheckpoint(Dictionary<string, Tensor> tensors, MethodSetup setup, int stage, int stageEpochs, IReadOnlyList<EpochResult> history, IReadOnlyDictionary<string, string> metadata)
    {
        this.tensors = tensors;
        Metadata = metadata;
        Setup = setup;
        Stage = stage;
        StageEpochsDone = stageEpochs;
        History = history;
    }

    /// <summary>The method setup.</summary>
    public MethodSetup Setup { get; }

    /// <summary>The stage training was in.</summary>
    public int Stage { get; }

    /// <summary>Epochs finished in that stage.</summary>
    public int StageEpochsDone { get; }

    /// <summary>Every finished epoch, with its metrics.</summary>
    public IReadOnlyList<EpochResult> History { get; }

    /// <summary>Every metadata entry, those of <see cref="Save"/>'s <c>extraMetadata</c> included.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The model's state dict.</summary>
    public Dictionary<string, Tensor> ModelState => Section("model.");

    /// <summary>The optimizer state of <see cref="Stage"/>.</summary>
    public Dictionary<string, Tensor> OptimizerState => Section("optimizer.");

    /// <summary>The scheduler state of <see cref="Stage"/>.</summary>
    public Dictionary<string, Tensor> SchedulerState => Section("scheduler.");

    /// <summary>The method's extra state.</summary>
    public Dictionary<string, Tensor> MethodState => Section("method.");

    /// <summary>The CPU generator state, if saved.</summary>
    public Tensor? RngState => tensors.GetValueOrDefault("rng.cpu");

    /// <summary>Writes a checkpoint atomically.</summary>
    /// <param name="path">Destination.</param>
    /// <param name="method">The method (model and extra state).</param>
    /// <param name="stage">Current stage.</param>
    /// <param name="stageEpochs">Epochs finished in it.</param>
    /// <param name="optimizer">The stage's optimizer state.</param>
    /// <param name="scheduler">The stage's scheduler state.</param>
    /// <param name="history">Finished epochs.</param>
    /// <param name="extraMetadata">More metadata to store (e.g. the run's configuration); the checkpoint's own keys win.</param>
    public static void Save(
        string path, TrainingMethod method, int stage, int stageEpochs, IReadOnlyDictionary<string, Tensor>? optimizer, IReadOnlyDictionary<string, Tensor>? scheduler,
        IReadOnlyList<EpochResult> history, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(history);
        using var scope = DisposeScope.Enter();
        var all = new List<KeyValuePair<string, Tensor>>();
        all.AddRange(method.Model.StateDict().Select(kv => KeyValuePair.Create("model." + kv.Key, kv.Value)));
        all.AddRange((optimizer ?? new Dictionary<string, Tensor>()).Select(kv => KeyValuePair.Create("optimizer." + kv.Key, kv.Value)));
        all.AddRange((scheduler ?? new Dictionary<string, Tensor>()).Select(kv => KeyValuePair.Create("scheduler." + kv.Key, kv.Value)));
        all.AddRange(method.ExtraState().Select(kv => KeyValuePair.Create("method." + kv.Key, kv.Value)));
        all.Add(KeyValuePair.Create("rng.cpu", LibTorch.GetRngState()));
        var metadata = new Dictionary<string, string>(extraMetadata ?? new Dictionary<string, string>())
        {
            ["format"] = Format,
            ["setup"] = method.Setup.ToJson(),
            ["stage"] = stage.ToString(CultureInfo.InvariantCulture),
            ["stage_epochs"] = stageEpochs.ToString(CultureInfo.InvariantCulture),
            ["history"] = JsonSerializer.Serialize(history),
            ["libtorch"] = LibTorch.Version,
        };
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        SafeTensors.Save(path, all, metadata);
    }

    /// <summary>Reads a checkpoint written by <see cref="Save"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The checkpoint (dispose it to free its tensors).</returns>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">When the file is not an Srn training checkpoint (the message names it).</exception>
    public static TrainingCheckpoint Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Checkpoint not found: {path}", path);
        }

        var (tensors, metadata) = SafeTensors.Read(path);
        try
        {
            if (!metadata.TryGetValue("format", out var format) || format != Format)
            {
                throw new InvalidDataException($"{path}: not an Srn training checkpoint (metadata format '{format ?? "missing"}', expected '{Format}').");
            }

            var setup = MethodSetup.FromJson(Get(metadata, "setup", path));
            var stage = int.Parse(Get(metadata, "stage", path), CultureInfo.InvariantCulture);
            var stageEpochs = int.Parse(Get(metadata, "stage_epochs", path), CultureInfo.InvariantCulture);
            var history = JsonSerializer.Deserialize<List<EpochResult>>(Get(metadata, "history", path)) ?? [];
            foreach (var t in tensors.Values)
            {
                t.DetachFromScope();
            }

            return new TrainingCheckpoint(tensors, setup, stage, stageEpochs, history, metadata);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidDataException)
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }

            throw e is InvalidDataException ? e : new InvalidDataException($"{path}: corrupt checkpoint metadata: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }

        tensors.Clear();
    }

    private static string Get(Dictionary<string, string> metadata, string key, string path) =>
        metadata.TryGetValue(key, out var v) ? v : throw new InvalidDataException($"{path}: checkpoint metadata has no '{key}'.");

    private Dictionary<string, Tensor> Section(string prefix) =>
        tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
}
