using Srn.Torch;

namespace Srn.PartialLabels.Blending;

/// <summary>
/// SARB's category prototypes: for each class, the k-means centres (<see cref="KMeans"/>) of the category vectors f_c of
/// its known positives. A class with fewer than k samples has as many centres as samples; a class with none is absent.
/// </summary>
public sealed class KMeansPrototypes : IDisposable
{
    private const string PrototypesKey = "prototypes";
    private const string ClustersKey = "clusters";

    private readonly int[] clusterCounts;

    /// <summary>Wraps computed prototypes; this object owns the tensor from now on (it leaves any <see cref="DisposeScope"/>).</summary>
    /// <param name="prototypes">float <c>[C, K, D]</c>; rows past a class's count are unused (zeros).</param>
    /// <param name="clusterCounts">Centres of each class (0 for absent classes, at most K).</param>
    /// <exception cref="ArgumentException">When the shapes disagree.</exception>
    public KMeansPrototypes(Tensor prototypes, int[] clusterCounts)
    {
        ArgumentNullException.ThrowIfNull(prototypes);
        ArgumentNullException.ThrowIfNull(clusterCounts);
        if (prototypes.Dim != 3 || prototypes.Size(0) != clusterCounts.Length || clusterCounts.Any(k => k < 0 || k > prototypes.Size(1)))
        {
            throw new ArgumentException($"prototypes must be [C, K, D] with C = {clusterCounts.Length} counts in [0, K]; got [{string.Join(", ", prototypes.Shape)}]", nameof(prototypes));
        }

        Prototypes = prototypes.DetachFromScope(); // owned, and usually outliving the scope it was computed in
        this.clusterCounts = (int[])clusterCounts.Clone();
    }

    /// <summary>p, <c>[C, K, D]</c>.</summary>
    public Tensor Prototypes { get; private set; }

    /// <summary>C.</summary>
    public int NumClasses => clusterCounts.Length;

    /// <summary>K, the most centres a class has.</summary>
    public int MaxClusters => (int)Prototypes.Size(1);

    /// <summary>D.</summary>
    public long FeatureDim => Prototypes.Size(2);

    /// <summary>The number of centres of class <paramref name="classIndex"/>.</summary>
    /// <param name="classIndex">c.</param>
    /// <returns>0 for an absent class.</returns>
    public int ClusterCount(int classIndex) => clusterCounts[classIndex];

    /// <summary>Whether class <paramref name="classIndex"/> has prototypes.</summary>
    /// <param name="classIndex">c.</param>
    /// <returns>True when it had a known positive.</returns>
    public bool IsPresent(int classIndex) => clusterCounts[classIndex] > 0;

    /// <summary>Reads prototypes saved by <see cref="ToStateDict"/>.</summary>
    /// <param name="state">The tensors.</param>
    /// <param name="prefix">Their key prefix.</param>
    /// <returns>New prototypes on the CPU.</returns>
    /// <exception cref="KeyNotFoundException">When an entry is missing.</exception>
    public static KMeansPrototypes FromStateDict(IReadOnlyDictionary<string, Tensor> state, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(prefix);
        Tensor Get(string key) => state.TryGetValue(prefix + key, out var t) ? t : throw new KeyNotFoundException($"the k-means prototypes' '{prefix + key}' is missing");
        using var scope = DisposeScope.Enter();
        var counts = Get(ClustersKey).To(Device.Cpu, ScalarType.Int64).ToArray<long>().Select(v => (int)v).ToArray();
        var prototypes = Get(PrototypesKey).To(Device.Cpu, ScalarType.Float32).Clone();
        return new KMeansPrototypes(prototypes, counts);
    }

    /// <summary>The prototypes as named tensors for a checkpoint: <c>prototypes</c> and <c>clusters</c> (int64 counts).</summary>
    /// <param name="prefix">Prefix for the keys.</param>
    /// <returns>New tensors (the caller disposes them).</returns>
    public Dictionary<string, Tensor> ToStateDict(string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            [prefix + PrototypesKey] = Prototypes.To(Device.Cpu, copy: true),
            [prefix + ClustersKey] = Tensor.FromArray(clusterCounts.Select(k => (long)k).ToArray()),
        };
    }

    /// <summary>Moves the prototypes to a device (once, not per batch).</summary>
    /// <param name="device">The device of the vectors to blend.</param>
    /// <returns>This object.</returns>
    public KMeansPrototypes MoveTo(Device device)
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
    public void Dispose() => Prototypes.Dispose();
}
