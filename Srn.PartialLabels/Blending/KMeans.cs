using Srn.Torch;

namespace Srn.PartialLabels.Blending;

/// <summary>
/// k-means clustering (Lloyd's algorithm) with k-means++ initialisation, in float64 on the CPU. Each run draws its
/// initial centres by k-means++ (the first uniformly, each next one with probability proportional to D(x)², the squared
/// distance to the nearest centre so far; greedy by default, see <see cref="KMeansOptions.Greedy"/>), then assigns points
/// to their nearest centre and moves centres to their points' mean until no assignment changes, the centres move less
/// than <c>tolerance</c> (squared shift summed over centres, relative to the data's mean variance per dimension, as
/// scikit-learn's <c>tol</c>), or <c>maxIterations</c> is reached. Of <see cref="KMeansOptions.Restarts"/> runs the one of
/// lowest inertia (sum of squared distances to the nearest centre) is kept.
/// </summary>
/// <remarks>
/// The reference (SARB, <c>model/SARB.py</c> of HCPLab-SYSU/HCP-MLR-PL) calls <c>sklearn.cluster.KMeans(n_clusters=10)</c>
/// with scikit-learn 0.2x: greedy k-means++ (<c>_k_init</c>, 2 + floor(ln k) candidates, the candidate drawn with
/// <c>searchsorted</c> on the cumulative D(x)²), <c>n_init=10</c>, <c>max_iter=300</c>, <c>tol=1e-4</c>, and its Lloyd
/// step relocates empty clusters. <see cref="KMeansOptions.ScikitLearn"/> (the default) does all of that, drawing from
/// the given <see cref="Random"/> (run after run) where scikit-learn, unseeded there, draws from numpy: the same
/// algorithm, not the same draws. <see cref="KMeansOptions.Plain"/> is one plain k-means++ run.
/// </remarks>
public static class KMeans
{
    /// <summary>Clusters the rows of <paramref name="points"/>.</summary>
    /// <param name="points">Data <c>[n, D]</c> (any floating dtype, any device; copied to float64 on the CPU).</param>
    /// <param name="clusters">k; when n &lt; k, k = n (each point its own centre).</param>
    /// <param name="rng">The source of the initialisation draws.</param>
    /// <param name="options">Initialisation, restarts and stopping; <see cref="KMeansOptions.ScikitLearn"/> when null.</param>
    /// <returns>Centres, float64 <c>[min(k, n), D]</c>, on the CPU.</returns>
    /// <exception cref="ArgumentException">For data that is not 2-D or has no row.</exception>
    /// <exception cref="ArgumentOutOfRangeException">For k, the restarts, the trials or maxIterations below 1.</exception>
    public static Tensor Fit(Tensor points, int clusters, Random rng, KMeansOptions? options = null)
    {
        var (centers, _) = FitWithInertia(points, clusters, rng, options);
        return centers;
    }

    /// <summary>Clusters the rows of <paramref name="points"/> and gives the inertia of the kept run.</summary>
    /// <param name="points">Data <c>[n, D]</c> (any floating dtype, any device; copied to float64 on the CPU).</param>
    /// <param name="clusters">k; when n &lt; k, k = n.</param>
    /// <param name="rng">The source of the initialisation draws.</param>
    /// <param name="options">Initialisation, restarts and stopping; <see cref="KMeansOptions.ScikitLearn"/> when null.</param>
    /// <returns>Centres, float64 <c>[min(k, n), D]</c> on the CPU, and their inertia (scikit-learn's <c>inertia_</c>).</returns>
    /// <exception cref="ArgumentException">For data that is not 2-D or has no row.</exception>
    /// <exception cref="ArgumentOutOfRangeException">For k, the restarts, the trials or maxIterations below 1.</exception>
    public static (Tensor Centers, double Inertia) FitWithInertia(Tensor points, int clusters, Random rng, KMeansOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(rng);
        options ??= KMeansOptions.ScikitLearn;
        ArgumentOutOfRangeException.ThrowIfLessThan(clusters, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Restarts, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxIterations, 1, nameof(options));
        if (options.LocalTrials is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.LocalTrials, "k-means++ needs at least one candidate per centre");
        }

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
        var threshold = options.Tolerance * x.Var([0], unbiased: false).Mean().Item<double>();
        var trials = options.LocalTrials ?? 2 + (int)Math.Log(k);
        Tensor? best = null;
        var bestInertia = double.PositiveInfinity;
        for (var run = 0; run < options.Restarts; run++)
        {
            using var runScope = DisposeScope.Enter();
            var initial = options.Greedy ? GreedyCenters(x, k, trials, rng) : InitialCenters(x, k, rng);
            var (centers, inertia) = Lloyd(x, squaredNorms, initial, options.MaxIterations, threshold, options.RelocateEmptyClusters);
            if (best is null || inertia < bestInertia)
            {
                best = centers.MoveToOuterScope();
                bestInertia = inertia;
            }
        }

        return (best!.MoveToOuterScope(), bestInertia);
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

    /// <summary>One Lloyd run from the given centres (float64, on the CPU).</summary>
    /// <param name="x">Points <c>[n, D]</c>.</param>
    /// <param name="squaredNorms">|x|² of each point, <c>[n]</c>.</param>
    /// <param name="centers">Initial centres <c>[k, D]</c>.</param>
    /// <param name="maxIterations">Most iterations.</param>
    /// <param name="threshold">Absolute tolerance on the squared shift summed over centres.</param>
    /// <param name="relocate">Move empty clusters to the farthest points (scikit-learn) instead of keeping their centres.</param>
    /// <returns>The final centres and the inertia of them with their nearest points.</returns>
    internal static (Tensor Centers, double Inertia) Lloyd(Tensor x, Tensor squaredNorms, Tensor centers, int maxIterations, double threshold, bool relocate)
    {
        var n = x.Size(0);
        var d = x.Size(1);
        var k = centers.Size(0);
        long[]? previous = null;
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            using var step = DisposeScope.Enter();
            var labels = Nearest(x, squaredNorms, centers);
            var assignment = labels.ToArray<long>();
            if (previous is not null && assignment.AsSpan().SequenceEqual(previous))
            {
                break;
            }

            previous = assignment;
            var sums = Tensor.Zeros([k, d], ScalarType.Float64).ScatterAdd(0, labels.Unsqueeze(1).Expand(n, d), x);
            var counts = Tensor.Zeros([k], ScalarType.Float64).ScatterAdd(0, labels, Tensor.Ones([n], ScalarType.Float64));
            if (relocate)
            {
                counts = RelocateEmpty(x, centers, labels, assignment, sums, counts);
            }

            var empty = counts.Eq(0.0).Unsqueeze(1);
            var moved = Tensor.Where(empty, centers, sums / counts.Clamp(min: 1.0).Unsqueeze(1)).MoveToOuterScope();
            var shift = (moved - centers).Square().Sum().Item<double>();
            centers = moved;
            if (shift <= threshold)
            {
                break;
            }
        }

        // Exact squared differences (not the expanded form) so that the inertia of equal partitions compares equal.
        var nearest = Nearest(x, squaredNorms, centers);
        var inertia = (x - centers.IndexSelect(0, nearest)).Square().Sum().Item<double>();
        return (centers, inertia);
    }

    // scikit-learn's _relocate_empty_clusters_dense: the i-th empty cluster (ascending) takes the i-th farthest point from
    // its centre, which leaves its old cluster. Updates the sums in place; returns the new counts.
    private static Tensor RelocateEmpty(Tensor x, Tensor centers, Tensor labels, long[] assignment, Tensor sums, Tensor counts)
    {
        var host = counts.ToArray<double>();
        var empties = Enumerable.Range(0, host.Length).Where(j => host[j] == 0).ToArray();
        if (empties.Length == 0)
        {
            return counts;
        }

        var far = (x - centers.IndexSelect(0, labels)).Square().Sum(1).ArgSort(descending: true, stable: true).ToArray<long>();
        for (var i = 0; i < empties.Length && i < far.Length; i++)
        {
            var p = far[i];
            var from = assignment[p];
            var point = x.Index(p);
            sums.Index(from).Sub_(point);
            sums.Index(empties[i]).Copy_(point);
            host[from]--;
            host[empties[i]] = 1;
        }

        return Tensor.FromArray(host);
    }

    // scikit-learn's _k_init: the first centre uniformly; then, for each next one, `trials` candidates drawn with
    // probability proportional to D(x)² (searchsorted on the cumulative sum, clipped to the last point), and the one
    // leaving the smallest potential kept.
    private static Tensor GreedyCenters(Tensor x, int k, int trials, Random rng)
    {
        var n = (int)x.Size(0);
        var chosen = new List<long> { rng.Next(n) };
        var closest = (x - x.Index(chosen[0])).Square().Sum(1);
        var potential = closest.Sum().Item<double>();
        var cumulative = new double[n];
        while (chosen.Count < k)
        {
            var weights = closest.ToArray<double>();
            var total = 0.0;
            for (var i = 0; i < n; i++)
            {
                total += weights[i];
                cumulative[i] = total;
            }

            long bestId = -1;
            Tensor? bestClosest = null;
            var bestPotential = double.PositiveInfinity;
            for (var t = 0; t < trials; t++)
            {
                var u = rng.NextDouble() * potential;
                var id = Array.BinarySearch(cumulative, u);
                id = id >= 0 ? FirstEqual(cumulative, id) : ~id;             // numpy's searchsorted, side 'left'
                id = Math.Min(id, n - 1);
                var candidate = closest.Minimum((x - x.Index(id)).Square().Sum(1));
                var candidatePotential = candidate.Sum().Item<double>();
                if (candidatePotential < bestPotential)
                {
                    (bestId, bestClosest, bestPotential) = (id, candidate, candidatePotential);
                }
            }

            chosen.Add(bestId);
            closest = bestClosest!;
            potential = bestPotential;
        }

        return x.IndexSelect(0, Tensor.FromArray(chosen.ToArray())).Contiguous();
    }

    private static int FirstEqual(double[] sorted, int index)
    {
        while (index > 0 && sorted[index - 1] == sorted[index])
        {
            index--;
        }

        return index;
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
