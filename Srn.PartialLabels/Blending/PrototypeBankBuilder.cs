using Srn.Torch;

namespace Srn.PartialLabels.Blending;

/// <summary>
/// Collects the class-specific maps of known positives into buckets (class, peak quadrant) for a
/// <see cref="PrototypeBank"/>: each bucket keeps a uniform random sample of at most K maps (reservoir sampling,
/// algorithm R, seeded), whatever the order in which the maps come.
/// </summary>
/// <remarks>
/// The reference (<c>computePrototype_featuremap</c> in HCPLab-SYSU/HCP-MLR-PL's <c>DSRB</c>) keeps the first 100 maps of
/// each bucket in the order of its training loader, which shuffles: a uniform random sample too. The reservoir gives the
/// same kind of sample from any order, such as the unshuffled evaluation loader the prototypes are built from here. Memory: up to C·4·K·HW·D floats on the host (80·4·100·49·1024 floats = 6.4 GB for COCO at
/// the defaults, as the reference); lower <c>capacity</c> to bound it.
/// </remarks>
public sealed class PrototypeBankBuilder
{
    private readonly float[]?[][][] buckets; // [class][quadrant][slot] -> map (HW·D floats)
    private readonly int[,] filled;
    private readonly long[,] seen;
    private readonly Random rng;

    /// <summary>Creates an empty builder.</summary>
    /// <param name="numClasses">C.</param>
    /// <param name="gridHeight">H of the maps' grid (7 at 448 pixels).</param>
    /// <param name="gridWidth">W of the maps' grid.</param>
    /// <param name="featureDim">D.</param>
    /// <param name="capacity">K, the most maps a bucket keeps (reference 100).</param>
    /// <param name="seed">Seed of the reservoir sampling.</param>
    /// <exception cref="ArgumentOutOfRangeException">For a size below 1.</exception>
    public PrototypeBankBuilder(int numClasses, int gridHeight, int gridWidth, long featureDim, int capacity = 100, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(gridHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(gridWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        NumClasses = numClasses;
        GridHeight = gridHeight;
        GridWidth = gridWidth;
        FeatureDim = featureDim;
        Capacity = capacity;
        buckets = new float[]?[numClasses][][];
        for (var c = 0; c < numClasses; c++)
        {
            buckets[c] = new float[]?[Quadrants.Count][];
        }

        filled = new int[numClasses, Quadrants.Count];
        seen = new long[numClasses, Quadrants.Count];
        rng = new Random(seed);
    }

    /// <summary>C.</summary>
    public int NumClasses { get; }

    /// <summary>Builds a bank in one go from the maps of known-positive (image, class) pairs.</summary>
    /// <param name="knownPositives">Each map F_c (<c>[HW, D]</c>) with its class c, in loader order.</param>
    /// <param name="numClasses">C.</param>
    /// <param name="gridHeight">H.</param>
    /// <param name="gridWidth">W.</param>
    /// <param name="featureDim">D.</param>
    /// <param name="capacity">K.</param>
    /// <param name="seed">Seed of the reservoir sampling.</param>
    /// <returns>The bank.</returns>
    /// <exception cref="ArgumentException">For a map of the wrong shape.</exception>
    public static PrototypeBank Build(IEnumerable<(Tensor Map, int ClassIndex)> knownPositives, int numClasses, int gridHeight, int gridWidth, long featureDim, int capacity = 100, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(knownPositives);
        var builder = new PrototypeBankBuilder(numClasses, gridHeight, gridWidth, featureDim, capacity, seed);
        foreach (var (map, classIndex) in knownPositives)
        {
            builder.Add(map, classIndex);
        }

        return builder.Build();
    }

    /// <summary>H.</summary>
    public int GridHeight { get; }

    /// <summary>W.</summary>
    public int GridWidth { get; }

    /// <summary>D.</summary>
    public long FeatureDim { get; }

    /// <summary>K.</summary>
    public int Capacity { get; }

    /// <summary>How many maps of class <paramref name="classIndex"/> peaked in quadrant <paramref name="quadrant"/> so far (kept or not).</summary>
    /// <param name="classIndex">c.</param>
    /// <param name="quadrant">q.</param>
    /// <returns>The count.</returns>
    public long Seen(int classIndex, int quadrant) => seen[classIndex, quadrant];

    /// <summary>How many maps bucket (c, q) holds now (at most K).</summary>
    /// <param name="classIndex">c.</param>
    /// <param name="quadrant">q.</param>
    /// <returns>The count.</returns>
    public int Kept(int classIndex, int quadrant) => filled[classIndex, quadrant];

    /// <summary>Adds the map of one known-positive (image, class) pair.</summary>
    /// <param name="map">F_c of the image, <c>[HW, D]</c> (or <c>[H, W, D]</c>), any device.</param>
    /// <param name="classIndex">c.</param>
    /// <returns>The map's peak quadrant.</returns>
    /// <exception cref="ArgumentException">For a map of the wrong shape.</exception>
    /// <exception cref="ArgumentOutOfRangeException">For a class outside [0, C).</exception>
    public int Add(Tensor map, int classIndex)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentOutOfRangeException.ThrowIfNegative(classIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(classIndex, NumClasses);
        var hw = (long)GridHeight * GridWidth;
        if (map.NumEl != hw * FeatureDim || map.Size(-1) != FeatureDim)
        {
            throw new ArgumentException($"expected a map [{hw}, {FeatureDim}] ({GridHeight} x {GridWidth} positions), got [{string.Join(", ", map.Shape)}]", nameof(map));
        }

        using var scope = DisposeScope.Enter();
        using var noGrad = Autograd.NoGrad();
        var values = map.To(Device.Cpu, ScalarType.Float32).Contiguous().Reshape(hw, FeatureDim);
        var quadrant = Quadrants.OfMaps(values, GridHeight, GridWidth)[0];
        Offer(classIndex, quadrant, values);
        return quadrant;
    }

    /// <summary>Adds the maps of every known positive (target exactly 1) of a batch, image by image, class by class.</summary>
    /// <param name="maps">Maps <c>[B, C, HW, D]</c>.</param>
    /// <param name="targets">Targets <c>[B, C]</c> in {1, −1, 0}.</param>
    /// <returns>The number of maps offered.</returns>
    /// <exception cref="ArgumentException">When the shapes do not fit the builder.</exception>
    public int AddBatch(Tensor maps, Tensor targets)
    {
        BlendShapes.Check(nameof(PrototypeBankBuilder), maps, targets, 4);
        var hw = (long)GridHeight * GridWidth;
        if (maps.Size(1) != NumClasses || maps.Size(2) != hw || maps.Size(3) != FeatureDim)
        {
            throw new ArgumentException($"expected maps [B, {NumClasses}, {hw}, {FeatureDim}], got [{string.Join(", ", maps.Shape)}]", nameof(maps));
        }

        var y = BlendShapes.HostTargets(targets);
        var b = (int)maps.Size(0);
        using var scope = DisposeScope.Enter();
        using var noGrad = Autograd.NoGrad();
        var quadrants = Quadrants.OfMaps(maps, GridHeight, GridWidth);
        var host = maps.To(Device.Cpu, ScalarType.Float32).Contiguous();
        var added = 0;
        for (var n = 0; n < b; n++)
        {
            for (var c = 0; c < NumClasses; c++)
            {
                if (y[(n * NumClasses) + c] != 1f)
                {
                    continue;
                }

                Offer(c, quadrants[(n * NumClasses) + c], host.Index(n, c));
                added++;
            }
        }

        return added;
    }

    /// <summary>
    /// The prototypes: P_c,q = mean of bucket (c, q); an empty quadrant of a class with maps gets the mean of all the
    /// class's kept maps (as the reference); a class without maps is flagged absent (zero prototypes).
    /// </summary>
    /// <remarks>
    /// The reference's mean of a bucket also counts the zero row each bucket starts with (P = sum / (n + 1)), while its
    /// empty-quadrant mean leaves those rows out; here both are means of the kept maps only.
    /// </remarks>
    /// <returns>The bank (on the CPU); the builder can go on collecting.</returns>
    public PrototypeBank Build()
    {
        var hw = GridHeight * GridWidth;
        var size = hw * (int)FeatureDim;
        var prototypes = new float[(long)NumClasses * Quadrants.Count * size];
        var present = new bool[NumClasses];
        var counts = new long[NumClasses * Quadrants.Count];
        for (var c = 0; c < NumClasses; c++)
        {
            var classSum = new double[size];
            var classCount = 0;
            var sums = new double[Quadrants.Count][];
            for (var q = 0; q < Quadrants.Count; q++)
            {
                var sum = sums[q] = new double[size];
                counts[(c * Quadrants.Count) + q] = filled[c, q];
                for (var s = 0; s < filled[c, q]; s++)
                {
                    var map = buckets[c][q][s]!;
                    for (var k = 0; k < size; k++)
                    {
                        sum[k] += map[k];
                    }
                }

                for (var k = 0; k < size; k++)
                {
                    classSum[k] += sum[k];
                }

                classCount += filled[c, q];
            }

            if (classCount == 0)
            {
                continue;
            }

            present[c] = true;
            for (var q = 0; q < Quadrants.Count; q++)
            {
                var (sum, count) = filled[c, q] > 0 ? (sums[q], filled[c, q]) : (classSum, classCount);
                var offset = ((long)(c * Quadrants.Count) + q) * size;
                for (var k = 0; k < size; k++)
                {
                    prototypes[offset + k] = (float)(sum[k] / count);
                }
            }
        }

        return new PrototypeBank(
            Tensor.FromArray(prototypes, [NumClasses, Quadrants.Count, hw, FeatureDim]),
            present,
            Tensor.FromArray(counts, [NumClasses, Quadrants.Count]),
            GridHeight,
            GridWidth);
    }

    // Algorithm R: the i-th map (0-based) of a bucket replaces a random slot with probability K / (i + 1).
    private void Offer(int c, int q, Tensor map)
    {
        var index = seen[c, q]++;
        int slot;
        if (filled[c, q] < Capacity)
        {
            slot = filled[c, q]++;
        }
        else
        {
            var j = rng.NextInt64(index + 1);
            if (j >= Capacity)
            {
                return;
            }

            slot = (int)j;
        }

        buckets[c][q] ??= new float[Capacity][];
        using var flat = map.Reshape(-1);
        buckets[c][q][slot] = flat.ToArray<float>();
    }
}
