using Srn.Torch;

namespace Srn.PartialLabels.Blending;

/// <summary>
/// PPRB's location-sensitive prototypes: for each class c and quadrant q, P_c,q (<c>[HW, D]</c>) is the mean class-specific
/// map of known positives of c whose peak lies in q (<see cref="PrototypeBankBuilder"/>). Classes without any known positive
/// are absent and never blended.
/// </summary>
public sealed class PrototypeBank : IDisposable
{
    private const string PrototypesKey = "prototypes";
    private const string PresentKey = "present";
    private const string CountsKey = "counts";
    private const string GridKey = "grid";

    private readonly bool[] present;

    /// <summary>Wraps built prototypes; the bank owns the tensors from now on (they leave any <see cref="DisposeScope"/>).</summary>
    /// <param name="prototypes">P, float <c>[C, 4, HW, D]</c>.</param>
    /// <param name="present">Whether each class has prototypes.</param>
    /// <param name="counts">int64 <c>[C, 4]</c>: maps averaged into each bucket.</param>
    /// <param name="gridHeight">H.</param>
    /// <param name="gridWidth">W.</param>
    /// <exception cref="ArgumentException">When the shapes disagree.</exception>
    public PrototypeBank(Tensor prototypes, bool[] present, Tensor counts, int gridHeight, int gridWidth)
    {
        ArgumentNullException.ThrowIfNull(prototypes);
        ArgumentNullException.ThrowIfNull(present);
        ArgumentNullException.ThrowIfNull(counts);
        var shape = prototypes.Shape;
        if (shape.Length != 4 || shape[1] != Quadrants.Count || shape[2] != (long)gridHeight * gridWidth || shape[0] != present.Length
            || !counts.Shape.AsSpan().SequenceEqual([shape[0], (long)Quadrants.Count]))
        {
            throw new ArgumentException(
                $"prototypes must be [C, 4, {gridHeight * gridWidth}, D] with C = {present.Length} flags and counts [C, 4]; got [{string.Join(", ", shape)}] and counts [{string.Join(", ", counts.Shape)}]",
                nameof(prototypes));
        }

        // The bank owns its tensors and usually outlives the scope it was built in.
        Prototypes = prototypes.DetachFromScope();
        this.present = (bool[])present.Clone();
        Counts = counts.DetachFromScope();
        GridHeight = gridHeight;
        GridWidth = gridWidth;
    }

    /// <summary>P, <c>[C, 4, HW, D]</c> (zeros for absent classes).</summary>
    public Tensor Prototypes { get; private set; }

    /// <summary>int64 <c>[C, 4]</c>: the maps averaged into each bucket (0 for a quadrant filled with the class mean).</summary>
    public Tensor Counts { get; }

    /// <summary>C.</summary>
    public int NumClasses => present.Length;

    /// <summary>D.</summary>
    public long FeatureDim => Prototypes.Size(3);

    /// <summary>H.</summary>
    public int GridHeight { get; }

    /// <summary>W.</summary>
    public int GridWidth { get; }

    /// <summary>Whether class <paramref name="classIndex"/> has prototypes (had a known positive).</summary>
    /// <param name="classIndex">c.</param>
    /// <returns>True when present.</returns>
    public bool IsPresent(int classIndex) => present[classIndex];

    /// <summary>Reads a bank saved by <see cref="ToStateDict"/>.</summary>
    /// <param name="state">The tensors.</param>
    /// <param name="prefix">The prefix their keys carry (e.g. <c>"pprb."</c>).</param>
    /// <returns>A new bank on the CPU (copies).</returns>
    /// <exception cref="KeyNotFoundException">When an entry is missing.</exception>
    /// <exception cref="ArgumentException">When the entries disagree.</exception>
    public static PrototypeBank FromStateDict(IReadOnlyDictionary<string, Tensor> state, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(prefix);
        Tensor Get(string key) => state.TryGetValue(prefix + key, out var t) ? t : throw new KeyNotFoundException($"the prototype bank's '{prefix + key}' is missing");
        using var scope = DisposeScope.Enter();
        var hw = Get(GridKey).To(Device.Cpu, ScalarType.Int64).ToArray<long>();
        if (hw.Length != 2)
        {
            throw new ArgumentException($"the prototype bank's '{prefix + GridKey}' must hold [H, W]", nameof(state));
        }

        var flags = Get(PresentKey).To(Device.Cpu, ScalarType.Bool).ToArray<bool>();
        var prototypes = Get(PrototypesKey).To(Device.Cpu, ScalarType.Float32).Clone();
        var counts = Get(CountsKey).To(Device.Cpu, ScalarType.Int64).Clone();
        return new PrototypeBank(prototypes, flags, counts, (int)hw[0], (int)hw[1]);
    }

    /// <summary>The bank as named tensors for a checkpoint: <c>prototypes</c>, <c>present</c> (bool), <c>counts</c>, <c>grid</c> ([H, W]).</summary>
    /// <param name="prefix">Prefix for the keys.</param>
    /// <returns>New tensors (the caller disposes them).</returns>
    public Dictionary<string, Tensor> ToStateDict(string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            [prefix + PrototypesKey] = Prototypes.To(Device.Cpu, copy: true),
            [prefix + PresentKey] = Tensor.FromArray((bool[])present.Clone()),
            [prefix + CountsKey] = Counts.Clone(),
            [prefix + GridKey] = Tensor.FromArray(new long[] { GridHeight, GridWidth }),
        };
    }

    /// <summary>Moves the prototypes to a device (do it once, not per batch).</summary>
    /// <param name="device">The device of the maps to blend.</param>
    /// <returns>This bank.</returns>
    public PrototypeBank MoveTo(Device device)
    {
        if (Prototypes.Device != device)
        {
            var moved = Prototypes.To(device).DetachFromScope();
            Prototypes.Dispose();
            Prototypes = moved;
        }

        return this;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Prototypes.Dispose();
        Counts.Dispose();
    }
}
