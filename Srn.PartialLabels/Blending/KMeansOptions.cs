namespace Srn.PartialLabels.Blending;

/// <summary>
/// How <see cref="KMeans"/> initialises, restarts and stops. The defaults are scikit-learn's <c>KMeans()</c> of the
/// reference's era (0.2x): greedy k-means++ with 2 + floor(ln k) candidates per centre, 10 restarts keeping the lowest
/// inertia, empty clusters moved to the points farthest from their centres, at most 300 Lloyd iterations, tolerance 1e-4.
/// </summary>
public sealed record KMeansOptions
{
    /// <summary>scikit-learn's defaults (SARB's reference: <c>sklearn.cluster.KMeans(n_clusters=10)</c>).</summary>
    public static KMeansOptions ScikitLearn { get; } = new();

    /// <summary>One run of plain k-means++ (one candidate per centre), an empty cluster keeping its centre: Srn's first scheme.</summary>
    public static KMeansOptions Plain { get; } = new() { Restarts = 1, Greedy = false, RelocateEmptyClusters = false };

    /// <summary>Independent runs (scikit-learn's <c>n_init</c>, 10); the one of lowest inertia is kept, the first on ties.</summary>
    public int Restarts { get; init; } = 10;

    /// <summary>
    /// Greedy k-means++ (scikit-learn's <c>_k_init</c>): each next centre is the best, by the potential (the sum of squared
    /// distances to the nearest centre) it leaves, of <see cref="LocalTrials"/> candidates drawn proportionally to D(x)².
    /// False: plain k-means++, one candidate taken as drawn.
    /// </summary>
    public bool Greedy { get; init; } = true;

    /// <summary>Candidates per centre of the greedy initialisation; null is scikit-learn's 2 + floor(ln k).</summary>
    public int? LocalTrials { get; init; }

    /// <summary>
    /// Move a centre left without points to the point farthest from its own centre (the farthest for the first empty
    /// cluster, the next farthest for the second, ...), as scikit-learn's Lloyd step does; false keeps it in place.
    /// </summary>
    public bool RelocateEmptyClusters { get; init; } = true;

    /// <summary>Most Lloyd iterations per run (scikit-learn's <c>max_iter</c>, 300).</summary>
    public int MaxIterations { get; init; } = 300;

    /// <summary>Relative tolerance on the centres' shift (scikit-learn's <c>tol</c>, 1e-4; see <see cref="KMeans"/>).</summary>
    public double Tolerance { get; init; } = 1e-4;
}
