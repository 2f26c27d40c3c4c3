using Srn.Torch;

namespace Srn.PartialLabels.Blending;

/// <summary>
/// k-means clustering (Lloyd's algorithm) with k-means++ initialisation, in float64 on the CPU: centres are drawn
/// one by one, the first uniformly and each next one with probability proportional to D(x)², the squared distance to
/// the nearest centre so far; then points are assigned to their nearest centre and centres moved to their points' mean
/// until no assignment changes, the centres move less than <c>tolerance</c> (squared shift summed over centres, relative
/// to the data's total variance per dimension, as scikit-learn's <c>tol</c>), or <c>maxIterations</c> is reached.
/// A centre left without points keeps its place.
/// </summary>
/// <remarks>
/// The reference (SARB) uses <c>sklearn.cluster.KMeans(n_clusters=10)</c>, whose defaults are greedy k-means++ with
/// several trials and 10 restarts; this is plain k-means++ with one run, seeded by the given <see cref="Random"/>.
/// </remarks>
public static class KMeans
{
    /// <summary>Clusters the rows of <paramref name="points"/>.</summary>
    /// <param name="points">Data <c>[n, D]</c> (any floating dtype, any device; copied to float64 on the CPU).</param>
    /// <param name="clusters">k; when n &lt; k, k = n (each point its own centre).</param>
    /// <param name="rng">The source of the initialisation draws.</param>
    /// <param name="maxIterations">Most Lloyd iterations (scikit-learn's default 300).</param>
    /// <param name="tolerance">Relative tolerance on the centres' shift (scikit-learn's default 1e-4).</param>
    /// <returns>Centres, float64 <c>[min(k, n), D]</c>, on the CPU.</returns>
    /// <exception cref="ArgumentException">For data that is not 2-D or has no row.</exception>
    /// <exception cref="ArgumentOutOfRangeException">For k or maxIterations below 1.</exception>
    public static Tensor Fit(Tensor points, int clusters, Random rng, int maxIterations = 300, double tolerance = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(clusters, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIterations, 1);
        if (points.Dim != 2 || points.Size(0) < 1)
        {
            throw new ArgumentException($"k-means needs points [n >= 1, D], got [{string.Join(", ", points.Shape)}]", nameof(points));
        }

        using var scope = DisposeScope.Enter();
        using var noGrad = Autograd.NoGrad();
        var x = points.Detach().To(Device.Cpu, ScalarType.Float64).Contiguous();
        var n = (int)x.Size(0);
        var k = Math.Min(clusters, n);
        var squaredNorms = x.Square().Sum(1);                                   // [n]
        var centers = InitialCenters(x, k, rng);
        var threshold = tolerance * x.Var([0], unbiased: false).Mean().Item<double>();
        long[]? previous = null;
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var labels = Nearest(x, squaredNorms, centers);
            var assignment = labels.ToArray<long>();
            if (previous is not null && assignment.AsSpan().SequenceEqual(previous))
            {
                break;
            }

            previous = assignment;
            var sums = Tensor.Zeros([k, x.Size(1)], ScalarType.Float64).ScatterAdd(0, labels.Unsqueeze(1).Expand(n, x.Size(1)), x);
            var counts = Tensor.Zeros([k], ScalarType.Float64).ScatterAdd(0, labels, Tensor.Ones([n], ScalarType.Float64));
            var empty = counts.Eq(0.0).Unsqueeze(1);
            var moved = Tensor.Where(empty, centers, sums / counts.Clamp(min: 1.0).Unsqueeze(1));
            var shift = (moved - centers).Square().Sum().Item<double>();
            centers = moved;
            if (shift <= threshold)
            {
                break;
            }
        }

        return centers.MoveToOuterScope();
    }

    /// <summary>The index of the nearest centre of every point.</summary>
    /// <param name="points">Data <c>[n, D]</c>.</param>
    /// <param name="centers">Centres <c>[k, D]</c>.</param>
    /// <returns>int64 <c>[n]</c>.</returns>
    public static Tensor Assign(Tensor points, Tensor centers)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(centers);
        using var scope = DisposeScope.Enter();
        using var noGrad = Autograd.NoGrad();
        var x = points.To(Device.Cpu, ScalarType.Float64);
        return Nearest(x, x.Square().Sum(1), centers.To(Device.Cpu, ScalarType.Float64)).MoveToOuterScope();
    }

    // |x - c|² = |x|² - 2 x·c + |c|², with the first nearest centre on ties.
    private static Tensor Nearest(Tensor x, Tensor squaredNorms, Tensor centers)
    {
        var distances = squaredNorms.Unsqueeze(1) - (2.0 * x.MatMul(centers.Transpose(0, 1))) + centers.Square().Sum(1).Unsqueeze(0);
        return distances.ArgMin(1);
    }

    private static Tensor InitialCenters(Tensor x, int k, Random rng)
    {
        var n = (int)x.Size(0);
        var chosen = new List<long> { rng.Next(n) };
        var nearest = (x - x.Index(chosen[0])).Square().Sum(1);
        while (chosen.Count < k)
        {
            var weights = nearest.Clamp(min: 0.0).ToArray<double>();
            var total = weights.Sum();
            long next;
            if (total <= 0)
            {
                next = rng.Next(n); // every point coincides with a centre: any point will do
            }
            else
            {
                var u = rng.NextDouble() * total;
                next = n - 1;
                var cumulative = 0.0;
                for (var i = 0; i < n; i++)
                {
                    cumulative += weights[i];
                    if (u < cumulative)
                    {
                        next = i;
                        break;
                    }
                }
            }

            chosen.Add(next);
            nearest = nearest.Minimum((x - x.Index(next)).Square().Sum(1));
        }

        return x.IndexSelect(0, Tensor.FromArray(chosen.ToArray())).Contiguous();
    }
}
