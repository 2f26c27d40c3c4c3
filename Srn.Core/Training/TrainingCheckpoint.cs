using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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

    /// <summary>The metadata key of the tensors' checksum.</summary>
    public const string ChecksumKey = "checksum";

    // The sections whose floating tensors must be finite; optimizer and scheduler state are the optimizer's business.
    private static readonly string[] FiniteSections = ["model.", "method."];

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

    /// <summary>The loss scaler's state (float16 training; empty otherwise).</summary>
    public Dictionary<string, Tensor> ScalerState => Section("scaler.");

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
    /// <param name="scaler">The loss scaler's state (float16 training), or null.</param>
    public static void Save(
        string path, TrainingMethod method, int stage, int stageEpochs, IReadOnlyDictionary<string, Tensor>? optimizer, IReadOnlyDictionary<string, Tensor>? scheduler,
        IReadOnlyList<EpochResult> history, IReadOnlyDictionary<string, string>? extraMetadata = null, IReadOnlyDictionary<string, Tensor>? scaler = null)
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
        all.AddRange((scaler ?? new Dictionary<string, Tensor>()).Select(kv => KeyValuePair.Create("scaler." + kv.Key, kv.Value)));
        all.Add(KeyValuePair.Create("rng.cpu", LibTorch.GetRngState()));
        var metadata = new Dictionary<string, string>(extraMetadata ?? new Dictionary<string, string>())
        {
            ["format"] = Format,
            ["setup"] = method.Setup.ToJson(),
            ["stage"] = stage.ToString(CultureInfo.InvariantCulture),
            ["stage_epochs"] = stageEpochs.ToString(CultureInfo.InvariantCulture),
            ["history"] = JsonSerializer.Serialize(history),
            ["libtorch"] = LibTorch.Version,
            [ChecksumKey] = ComputeChecksum(all),
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
    /// <exception cref="InvalidDataException">When the file is not a well-formed safetensors file, not an Srn training
    /// checkpoint, fails its checksum ("checksum mismatch: the file is corrupt"), or holds NaN or infinity in a model or
    /// method tensor; the message starts with the path.</exception>
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
            if (metadata.TryGetValue(ChecksumKey, out var expected))
            {
                var actual = ComputeChecksum(tensors);
                if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidDataException($"{path}: checksum mismatch: the file is corrupt (expected {expected}, got {actual})");
                }
            }

            CheckFinite(tensors, path);
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

    /// <summary>
    /// A checkpoint's metadata and finished epochs without its tensors (a header read: cheap for any model size). The
    /// tensors, and so the checksum, are checked when <see cref="Load"/> reads them.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The metadata and the history.</returns>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">When the file is not an Srn training checkpoint (the message names it).</exception>
    public static (IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<EpochResult> History) ReadInfo(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var metadata = SafeTensors.ReadMetadata(path);
        if (!metadata.TryGetValue("format", out var format) || format != Format)
        {
            throw new InvalidDataException($"{path}: not an Srn training checkpoint (metadata format '{format ?? "missing"}', expected '{Format}').");
        }

        try
        {
            return (metadata, JsonSerializer.Deserialize<List<EpochResult>>(Get(metadata, "history", path)) ?? []);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: corrupt checkpoint metadata: {e.Message}", e);
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

    /// <summary>
    /// The checksum a checkpoint stores: the lowercase hex SHA-256 over the tensors in ordinal key order, each as its
    /// UTF-8 name, a zero byte, its dtype code and rank and sizes (int64 little-endian) and its raw bytes, so that a
    /// renamed, reshaped or retyped tensor changes the checksum as well as a changed value does.
    /// </summary>
    /// <param name="tensors">The tensors by key, as written to the file.</param>
    /// <returns>64 hex digits.</returns>
    public static string ComputeChecksum(IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        foreach (var (name, tensor) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            hash.AppendData([0]);
            BinaryPrimitives.WriteInt64LittleEndian(number, (long)tensor.DType);
            hash.AppendData(number);
            var shape = tensor.Shape;
            BinaryPrimitives.WriteInt64LittleEndian(number, shape.Length);
            hash.AppendData(number);
            foreach (var size in shape)
            {
                BinaryPrimitives.WriteInt64LittleEndian(number, size);
                hash.AppendData(number);
            }

            hash.AppendData(tensor.ToBytes());
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // One all(isfinite) reduction per floating tensor; the non-finite values are counted only for a tensor that has some.
    private static void CheckFinite(Dictionary<string, Tensor> tensors, string path)
    {
        var bad = new List<string>();
        long total = 0;
        using var scope = DisposeScope.Enter();
        foreach (var (name, tensor) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!tensor.DType.IsFloatingPoint() || !FiniteSections.Any(s => name.StartsWith(s, StringComparison.Ordinal)))
            {
                continue;
            }

            var finite = tensor.IsFinite();
            if (finite.All().Item<bool>())
            {
                continue;
            }

            var count = tensor.NumEl - finite.Sum().To(ScalarType.Int64).Item<long>();
            total += count;
            bad.Add(string.Create(CultureInfo.InvariantCulture, $"{name} ({count} of {tensor.NumEl})"));
        }

        if (bad.Count > 0)
        {
            const int listed = 5;
            var more = bad.Count > listed ? string.Create(CultureInfo.InvariantCulture, $", and {bad.Count - listed} more") : "";
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: {total} non-finite values (NaN or infinity) in {bad.Count} tensor(s): {string.Join(", ", bad.Take(listed))}{more}; training diverged before this checkpoint was written"));
        }
    }

    private static string Get(Dictionary<string, string> metadata, string key, string path) =>
        metadata.TryGetValue(key, out var v) ? v : throw new InvalidDataException($"{path}: checkpoint metadata has no '{key}'.");

    private Dictionary<string, Tensor> Section(string prefix) =>
        tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
}
