using Srn.PartialLabels.Blending;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Tests.PartialLabels;

/// <summary>PPRB's quadrants, bucketing, reservoir sampling, prototype means and serialisation.</summary>
[TestFixture]
public sealed class PrototypeBankTests
{
    private const int H = 7;
    private const int W = 7;
    private const int D = 3;

    /// <summary>A [49, 3] map with small noise and a clear peak at (row, col).</summary>
    internal static Tensor PeakedMap(int row, int col, Random rng, int hw = H * W, int width = W)
    {
        var values = new float[hw * D];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(rng.NextDouble() * 0.1);
        }

        for (var k = 0; k < D; k++)
        {
            values[(((row * width) + col) * D) + k] += 5f;
        }

        return Tensor.FromArray(values, [hw, D]);
    }

    [TestCase(0, 0, 0)]
    [TestCase(2, 2, 0)]
    [TestCase(2, 3, 1)]
    [TestCase(0, 6, 1)]
    [TestCase(3, 2, 2)]
    [TestCase(6, 0, 2)]
    [TestCase(3, 3, 3)]
    [TestCase(6, 6, 3)]
    public void Quadrant_of_a_7x7_position_puts_the_middle_row_and_column_bottom_and_right(int row, int col, int quadrant) =>
        Assert.That(Quadrants.OfPosition((row * 7) + col, 7, 7), Is.EqualTo(quadrant));

    [Test]
    public void Peak_quadrants_of_maps_follow_the_channel_sum()
    {
        var rng = new Random(1);
        using var scope = DisposeScope.Enter();
        var maps = Tensor.Stack([PeakedMap(1, 5, rng), PeakedMap(4, 1, rng), PeakedMap(6, 6, rng), PeakedMap(0, 0, rng)]);
        Assert.That(Quadrants.OfMaps(maps, H, W), Is.EqualTo(new[] { 1, 2, 3, 0 }));
        Assert.Throws<ArgumentException>(() => Quadrants.OfMaps(maps, 6, 7));
    }

    [Test]
    public void Prototypes_are_bucket_means_an_empty_quadrant_the_class_mean_and_a_class_without_maps_absent()
    {
        var rng = new Random(2);
        using var scope = DisposeScope.Enter();
        var builder = new PrototypeBankBuilder(3, H, W, D, capacity: 100, seed: 0);
        // Class 0: two maps in quadrant 0, one in quadrant 3; quadrants 1 and 2 empty. Class 1: one in each quadrant. Class 2: none.
        var c0q0 = new[] { PeakedMap(1, 1, rng), PeakedMap(2, 0, rng) };
        var c0q3 = PeakedMap(5, 5, rng);
        foreach (var m in c0q0)
        {
            Assert.That(builder.Add(m, 0), Is.EqualTo(0));
        }

        Assert.That(builder.Add(c0q3, 0), Is.EqualTo(3));
        var c1 = new[] { PeakedMap(0, 0, rng), PeakedMap(0, 6, rng), PeakedMap(6, 0, rng), PeakedMap(6, 6, rng) };
        for (var q = 0; q < 4; q++)
        {
            Assert.That(builder.Add(c1[q], 1), Is.EqualTo(q));
        }

        using var bank = builder.Build();
        Assert.That(bank.Prototypes.Shape, Is.EqualTo(new long[] { 3, 4, 49, 3 }));
        Assert.That(new[] { bank.IsPresent(0), bank.IsPresent(1), bank.IsPresent(2) }, Is.EqualTo(new[] { true, true, false }));
        Assert.That(bank.Counts.ToArray<long>(), Is.EqualTo(new long[] { 2, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0 }));

        var q0Mean = (c0q0[0] + c0q0[1]) / 2.0;
        var classMean = (c0q0[0] + c0q0[1] + c0q3) / 3.0;
        AssertClose(bank.Prototypes.Index(0, 0), q0Mean, "P[0, 0] is its bucket's mean");
        AssertClose(bank.Prototypes.Index(0, 3), c0q3, "P[0, 3] is its only map");
        AssertClose(bank.Prototypes.Index(0, 1), classMean, "empty quadrant 1: the class mean");
        AssertClose(bank.Prototypes.Index(0, 2), classMean, "empty quadrant 2: the class mean");
        for (var q = 0; q < 4; q++)
        {
            AssertClose(bank.Prototypes.Index(1, q), c1[q], $"P[1, {q}]");
        }

        Assert.That(bank.Prototypes.Index(2).Abs().Sum().Item<float>(), Is.Zero, "an absent class has zero prototypes");

        var items = c0q0.Select(m => (m, 0)).Append((c0q3, 0)).Concat(c1.Select(m => (m, 1)));
        using var same = PrototypeBankBuilder.Build(items, 3, H, W, D);
        Assert.That(same.Prototypes.ToArray<float>(), Is.EqualTo(bank.Prototypes.ToArray<float>()), "the one-go build");
    }

    [Test]
    public void AddBatch_collects_only_known_positives()
    {
        var rng = new Random(3);
        using var scope = DisposeScope.Enter();
        var maps = Tensor.Stack([
            Tensor.Stack([PeakedMap(0, 0, rng), PeakedMap(0, 6, rng)]),
            Tensor.Stack([PeakedMap(6, 0, rng), PeakedMap(6, 6, rng)]),
        ]);
        var targets = Tensor.FromArray(new[] { 1f, 0f, -1f, 1f }, [2, 2]);
        var builder = new PrototypeBankBuilder(2, H, W, D);
        Assert.That(builder.AddBatch(maps, targets), Is.EqualTo(2));
        Assert.That(builder.Kept(0, 0), Is.EqualTo(1));
        Assert.That(builder.Kept(1, 3), Is.EqualTo(1));
        Assert.That(Enumerable.Range(0, 4).Sum(q => builder.Kept(0, q) + builder.Kept(1, q)), Is.EqualTo(2));
        Assert.Throws<ArgumentException>(() => builder.AddBatch(maps, Tensor.Zeros([2, 3])));
        Assert.Throws<ArgumentException>(() => builder.Add(Tensor.Zeros([48, D]), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Add(Tensor.Zeros([49, D]), 2));
    }

    [Test]
    public void Buckets_keep_a_uniform_seeded_reservoir_of_K_maps()
    {
        // Map i holds 2^i at position 0 and zeros elsewhere: the kept subset can be read off the mean.
        const int items = 10;
        const int capacity = 3;
        var inclusion = new int[items];
        const int seeds = 400;
        long? firstSubset = null;
        var distinct = new HashSet<long>();
        for (var seed = 0; seed < seeds; seed++)
        {
            using var scope = DisposeScope.Enter();
            var builder = new PrototypeBankBuilder(1, H, W, 1, capacity, seed);
            for (var i = 0; i < items; i++)
            {
                var values = new float[49];
                values[0] = 1 << i;
                builder.Add(Tensor.FromArray(values, [49, 1]), 0);
            }

            Assert.That(builder.Seen(0, 0), Is.EqualTo(items));
            Assert.That(builder.Kept(0, 0), Is.EqualTo(capacity));
            using var bank = builder.Build();
            var subset = (long)Math.Round(bank.Prototypes.Index(0, 0, 0, 0).Item<float>() * capacity);
            Assert.That(long.PopCount(subset), Is.EqualTo(capacity), "three distinct maps kept");
            firstSubset ??= subset;
            distinct.Add(subset);
            for (var i = 0; i < items; i++)
            {
                inclusion[i] += (int)((subset >> i) & 1);
            }

            if (seed == 0)
            {
                var again = new PrototypeBankBuilder(1, H, W, 1, capacity, seed);
                for (var i = 0; i < items; i++)
                {
                    var values = new float[49];
                    values[0] = 1 << i;
                    again.Add(Tensor.FromArray(values, [49, 1]), 0);
                }

                using var bank2 = again.Build();
                Assert.That(bank2.Prototypes.ToArray<float>(), Is.EqualTo(bank.Prototypes.ToArray<float>()), "same seed, same sample");
            }
        }

        Assert.That(distinct, Has.Count.GreaterThan(20), "different seeds draw different samples");
        foreach (var count in inclusion)
        {
            Assert.That(count / (double)seeds, Is.EqualTo(0.3).Within(0.08), "each map is kept with probability K / n");
        }
    }

    [Test]
    public void Bank_round_trips_through_a_safetensors_checkpoint()
    {
        var rng = new Random(4);
        using var scope = DisposeScope.Enter();
        var builder = new PrototypeBankBuilder(3, H, W, D);
        builder.Add(PeakedMap(1, 1, rng), 0);
        builder.Add(PeakedMap(5, 1, rng), 2);
        using var bank = builder.Build();
        var path = Path.Combine(Path.GetTempPath(), $"srn-bank-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Save(path, bank.ToStateDict("pprb."));
            var loaded = SafeTensors.Load(path);
            using var back = PrototypeBank.FromStateDict(loaded, "pprb.");
            Assert.That(back.Prototypes.ToArray<float>(), Is.EqualTo(bank.Prototypes.ToArray<float>()));
            Assert.That(back.Counts.ToArray<long>(), Is.EqualTo(bank.Counts.ToArray<long>()));
            Assert.That(Enumerable.Range(0, 3).Select(back.IsPresent), Is.EqualTo(new[] { true, false, true }));
            Assert.That((back.GridHeight, back.GridWidth, back.FeatureDim), Is.EqualTo((H, W, (long)D)));
            Assert.Throws<KeyNotFoundException>(() => PrototypeBank.FromStateDict(loaded, "other."));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertClose(Tensor actual, Tensor expected, string what) =>
        Assert.That((actual - expected).Abs().Max().Item<float>(), Is.LessThan(1e-6f), what);
}
