using Srn.PartialLabels.Blending;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Tests.PartialLabels;

/// <summary>k-means with k-means++ initialisation and SARB's per-class prototypes.</summary>
[TestFixture]
public sealed class KMeansTests
{
    private static Tensor Blobs(Random rng, params (double X, double Y)[] centres)
    {
        var values = new List<float>();
        foreach (var (x, y) in centres)
        {
            for (var i = 0; i < 30; i++)
            {
                values.Add((float)(x + ((rng.NextDouble() - 0.5) * 0.2)));
                values.Add((float)(y + ((rng.NextDouble() - 0.5) * 0.2)));
            }
        }

        return Tensor.FromArray(values.ToArray(), [values.Count / 2, 2]);
    }

    [Test]
    public void Separated_blobs_give_their_means_as_centres()
    {
        using var scope = DisposeScope.Enter();
        var points = Blobs(new Random(1), (0, 0), (10, 0), (0, 10));
        for (var seed = 0; seed < 5; seed++)
        {
            var centres = KMeans.Fit(points, 3, new Random(seed));
            Assert.That(centres.Shape, Is.EqualTo(new long[] { 3, 2 }));
            var expected = Enumerable.Range(0, 3).Select(b => points.Narrow(0, b * 30, 30).To(ScalarType.Float64).Mean(0).ToArray<double>()).ToArray();
            var got = Enumerable.Range(0, 3).Select(k => centres.Index(k).ToArray<double>()).ToArray();
            foreach (var e in expected)
            {
                Assert.That(got.Min(g => Math.Abs(g[0] - e[0]) + Math.Abs(g[1] - e[1])), Is.LessThan(1e-9), $"seed {seed}: a centre at the blob mean ({e[0]}, {e[1]})");
            }

            var labels = KMeans.Assign(points, centres).ToArray<long>();
            Assert.That(Enumerable.Range(0, 3).Select(b => labels.Skip(b * 30).Take(30).Distinct().Count()), Is.All.EqualTo(1));
        }
    }

    [Test]
    public void Fewer_points_than_clusters_give_one_centre_per_point()
    {
        using var scope = DisposeScope.Enter();
        var points = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, [3, 2]);
        var centres = KMeans.Fit(points, 10, new Random(0));
        Assert.That(centres.Shape, Is.EqualTo(new long[] { 3, 2 }));
        var rows = Enumerable.Range(0, 3).Select(k => string.Join(",", centres.Index(k).ToArray<double>())).Order().ToArray();
        Assert.That(rows, Is.EqualTo(new[] { "1,2", "3,4", "5,6" }));
    }

    [Test]
    public void Same_seed_same_centres()
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(3);
        var points = Tensor.Randn([200, 5]);
        var a = KMeans.Fit(points, 10, new Random(4)).ToArray<double>();
        var b = KMeans.Fit(points, 10, new Random(4)).ToArray<double>();
        var c = KMeans.Fit(points, 10, new Random(5)).ToArray<double>();
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(c));
    }

    [Test]
    public void Prototypes_cluster_known_positives_per_class_and_round_trip()
    {
        using var scope = DisposeScope.Enter();
        var rng = new Random(2);
        var builder = new KMeansPrototypesBuilder(3, 2);
        // Class 0: two blobs over 60 images; class 1: 3 images; class 2: never known positive.
        var blobs = Blobs(rng, (0, 0), (10, 10));
        for (var i = 0; i < 60; i++)
        {
            var vectors = Tensor.Stack([blobs.Index(i), Tensor.Full([2], i), Tensor.Full([2], -i)]).Unsqueeze(0);
            var y = Tensor.FromArray(new float[] { 1, i < 3 ? 1 : 0, i % 2 == 0 ? -1 : 0 }, [1, 3]);
            builder.AddBatch(vectors, y);
        }

        Assert.That(new[] { builder.Kept(0), builder.Kept(1), builder.Kept(2) }, Is.EqualTo(new[] { 60, 3, 0 }));
        using var prototypes = builder.Build(clusters: 2, seed: 1);
        Assert.That(prototypes.Prototypes.Shape, Is.EqualTo(new long[] { 3, 2, 2 }));
        Assert.That(new[] { prototypes.ClusterCount(0), prototypes.ClusterCount(1), prototypes.ClusterCount(2) }, Is.EqualTo(new[] { 2, 2, 0 }));
        Assert.That(prototypes.IsPresent(2), Is.False);
        var c0 = Enumerable.Range(0, 2).Select(k => prototypes.Prototypes.Index(0, k).ToArray<float>()).OrderBy(v => v[0]).ToArray();
        Assert.That(c0[0][0], Is.EqualTo(0).Within(0.05));
        Assert.That(c0[1][0], Is.EqualTo(10).Within(0.05));

        var path = Path.Combine(Path.GetTempPath(), $"srn-kmeans-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Save(path, prototypes.ToStateDict("sarb."));
            using var back = KMeansPrototypes.FromStateDict(SafeTensors.Load(path), "sarb.");
            Assert.That(back.Prototypes.ToArray<float>(), Is.EqualTo(prototypes.Prototypes.ToArray<float>()));
            Assert.That(Enumerable.Range(0, 3).Select(back.ClusterCount), Is.EqualTo(new[] { 2, 2, 0 }));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void A_capacity_keeps_a_seeded_sample_per_class()
    {
        using var scope = DisposeScope.Enter();
        var a = new KMeansPrototypesBuilder(1, 1, capacity: 5, seed: 3);
        var b = new KMeansPrototypesBuilder(1, 1, capacity: 5, seed: 3);
        for (var i = 0; i < 50; i++)
        {
            a.Add(Tensor.Full([1], i), 0);
            b.Add(Tensor.Full([1], i), 0);
        }

        Assert.That(a.Kept(0), Is.EqualTo(5));
        using var pa = a.Build(clusters: 5);
        using var pb = b.Build(clusters: 5);
        var values = pa.Prototypes.ToArray<float>();
        Assert.That(values, Is.EqualTo(pb.Prototypes.ToArray<float>()));
        Assert.That(values.Max(), Is.GreaterThan(4), "not simply the first five");
    }
}
