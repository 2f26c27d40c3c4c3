using Srn.Torch;

namespace Srn.PartialLabels.Blending;

/// <summary>
/// Collects the category vectors f_c of known positives per class for <see cref="KMeansPrototypes"/>. All are kept, as the
/// reference does, unless a capacity is given (then a seeded uniform reservoir sample of that many per class).
/// </summary>
/// <remarks>The reference is <c>computePrototype</c> of HCPLab-SYSU/HCP-MLR-PL's <c>SARB</c>.</remarks>
public sealed class KMeansPrototypesBuilder
{
    private readonly List<float[]>[] samples;
    private readonly long[] seen;
    private readonly Random rng;

    /// <summary>Creates an empty builder.</summary>
    /// <param name="numClasses">C.</param>
    /// <param name="featureDim">D.</param>
    /// <param name="capacity">The most vectors kept per class, or null for all.</param>
    /// <param name="seed">Seed of the reservoir sampling.</param>
    /// <exception cref="ArgumentOutOfRangeException">For a size below 1.</exception>
    public KMeansPrototypesBuilder(int numClasses, long featureDim, int? capacity = null, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureDim, 1);
        if (capacity is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "the capacity must be at least 1");
        }

        NumClasses = numClasses;
        FeatureDim = featureDim;
        Capacity = capacity;
        samples = Enumerable.Range(0, numClasses).Select(_ => new List<float[]>()).ToArray();
        seen = new long[numClasses];
        rng = new Random(seed);
    }

    /// <summary>C.</summary>
    public int NumClasses { get; }

    /// <summary>D.</summary>
    public long FeatureDim { get; }

    /// <summary>The most vectors kept per class, or null for all.</summary>
    public int? Capacity { get; }

    /// <summary>The vectors kept for class <paramref name="classIndex"/>.</summary>
    /// <param name="classIndex">c.</param>
    /// <returns>The count.</returns>
    public int Kept(int classIndex) => samples[classIndex].Count;

    /// <summary>Adds one known positive's category vector.</summary>
    /// <param name="vector">f_c, <c>[D]</c>.</param>
    /// <param name="classIndex">c.</param>
    /// <exception cref="ArgumentException">For a vector of the wrong size.</exception>
    /// <exception cref="ArgumentOutOfRangeException">For a class outside [0, C).</exception>
    public void Add(Tensor vector, int classIndex)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentOutOfRangeException.ThrowIfNegative(classIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(classIndex, NumClasses);
        if (vector.NumEl != FeatureDim)
        {
            throw new ArgumentException($"expected a vector of {FeatureDim} values, got [{string.Join(", ", vector.Shape)}]", nameof(vector));
        }

        using var scope = DisposeScope.Enter();
        using var noGrad = Autograd.NoGrad();
        Offer(classIndex, vector.To(Device.Cpu, ScalarType.Float32).Reshape(-1).ToArray<float>());
    }

    /// <summary>Adds the vectors of every known positive (target exactly 1) of a batch, image by image.</summary>
    /// <param name="vectors">Category vectors <c>[B, C, D]</c>.</param>
    /// <param name="targets">Targets <c>[B, C]</c>.</param>
    /// <returns>The number of vectors offered.</returns>
    /// <exception cref="ArgumentException">When the shapes do not fit.</exception>
    public int AddBatch(Tensor vectors, Tensor targets)
    {
        BlendShapes.Check(nameof(KMeansPrototypesBuilder), vectors, targets, 3);
        if (vectors.Size(1) != NumClasses || vectors.Size(2) != FeatureDim)
        {
            throw new ArgumentException($"expected vectors [B, {NumClasses}, {FeatureDim}], got [{string.Join(", ", vectors.Shape)}]", nameof(vectors));
        }

        var y = BlendShapes.HostTargets(targets);
        using var scope = DisposeScope.Enter();
        using var noGrad = Autograd.NoGrad();
        var host = vectors.To(Device.Cpu, ScalarType.Float32).Contiguous().ToArray<float>();
        var d = (int)FeatureDim;
        var added = 0;
        for (var n = 0; n < vectors.Size(0); n++)
        {
            for (var c = 0; c < NumClasses; c++)
            {
                var at = (int)(n * NumClasses) + c;
                if (y[at] != 1f)
                {
                    continue;
                }

                Offer(c, host.AsSpan(at * d, d).ToArray());
                added++;
            }
        }

        return added;
    }

    /// <summary>Clusters each class's vectors.</summary>
    /// <param name="clusters">k (reference 10).</param>
    /// <param name="seed">Seed of the k-means++ initialisations (one <see cref="Random"/> for all classes and restarts, in class order).</param>
    /// <param name="options">k-means initialisation, restarts and stopping; scikit-learn's (the reference's) when null.</param>
    /// <returns>The prototypes, float32 <c>[C, k, D]</c> on the CPU.</returns>
    /// <exception cref="ArgumentOutOfRangeException">For k below 1 or bad options.</exception>
    public KMeansPrototypes Build(int clusters = 10, int seed = 0, KMeansOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clusters, 1);
        var random = new Random(seed);
        using var scope = DisposeScope.Enter();
        var prototypes = Tensor.Zeros([NumClasses, clusters, FeatureDim]);
        var counts = new int[NumClasses];
        for (var c = 0; c < NumClasses; c++)
        {
            if (samples[c].Count == 0)
            {
                continue;
            }

            using var inner = DisposeScope.Enter();
            var data = Tensor.FromArray(samples[c].SelectMany(v => v).ToArray(), [samples[c].Count, FeatureDim]);
            var centers = KMeans.Fit(data, clusters, random, options);
            counts[c] = (int)centers.Size(0);
            prototypes.Index(c, TensorIndex.Slice(0, counts[c])).Copy_(centers);
        }

        return new KMeansPrototypes(prototypes, counts);
    }

    private void Offer(int c, float[] vector)
    {
        var index = seen[c]++;
        if (Capacity is not int capacity || samples[c].Count < capacity)
        {
            samples[c].Add(vector);
            return;
        }

        var j = rng.NextInt64(index + 1);
        if (j < capacity)
        {
            samples[c][(int)j] = vector;
        }
    }
}
