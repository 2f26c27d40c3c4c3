using Srn.PartialLabels.Blending;
using Srn.Torch;

namespace Srn.Tests.PartialLabels;

/// <summary>The acceptance points of IPRB, PPRB and SARB blending, and of the learnable α and β.</summary>
[TestFixture]
public sealed class BlendingTests
{
    // Image n's partner is 3 - n. Entries (n, c) with y[n, c] = 0 and y[3 - n, c] = 1 are blended:
    // (0, 1) [partner 3 has 1], (1, 0) [partner 2 has 1], (2, 2) [partner 1 has 1]; (3, 0) is unknown but partner 0 has -1.
    private static readonly float[] Targets =
    [
        -1, 0, -1,
        0, 1, 1,
        1, 1, 0,
        0, 1, 1,
    ];

    private static readonly bool[] ExpectedMask =
    [
        false, true, false,
        true, false, false,
        false, false, true,
        false, false, false,
    ];

    [TestCase(4)]
    [TestCase(3)]
    public void Instance_blending_touches_only_unknown_entries_whose_partner_is_a_known_positive(int rank)
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(1);
        using var iprb = new InstanceBlending(initialAlpha: 0.3);
        var features = rank == 4 ? Tensor.Randn([4, 3, 5, 6]) : Tensor.Randn([4, 3, 6]);
        var y = Tensor.FromArray(Targets, [4, 3]);
        using var result = iprb.Blend(features, y);
        Assert.That(result.Mask.ToArray<bool>(), Is.EqualTo(ExpectedMask));
        var blendedTargets = result.Targets.ToArray<float>();
        for (var i = 0; i < 12; i++)
        {
            Assert.That(blendedTargets[i], Is.EqualTo(ExpectedMask[i] ? 0.7f : Targets[i]).Within(1e-6f), $"target {i}");
        }

        for (var n = 0; n < 4; n++)
        {
            for (var c = 0; c < 3; c++)
            {
                var got = result.Features.Index(n, c);
                var own = features.Index(n, c);
                var expected = ExpectedMask[(n * 3) + c] ? (0.3 * own) + (0.7 * features.Index(3 - n, c)) : own;
                var error = (got - expected).Abs().Max().Item<float>();
                Assert.That(error, ExpectedMask[(n * 3) + c] ? Is.LessThan(1e-6f) : Is.Zero, $"features ({n}, {c})");
            }
        }
    }

    [Test]
    public void Instance_blending_of_maps_sums_to_instance_blending_of_vectors_and_an_odd_middle_image_is_left_alone()
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(2);
        using var iprb = new InstanceBlending();
        var maps = Tensor.Randn([5, 3, 4, 2]);
        var y = Tensor.FromArray(new float[] { 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1 }, [5, 3]);
        using var fromMaps = iprb.Blend(maps, y);
        using var fromVectors = iprb.Blend(maps.Sum(2), y);
        Assert.That((fromMaps.Features.Sum(2) - fromVectors.Features).Abs().Max().Item<float>(), Is.LessThan(1e-5f));
        Assert.That(fromMaps.Mask.Index(2).Any().Item<bool>(), Is.False, "image 2 of 5 is its own partner");
        Assert.That(fromMaps.Mask.Sum().Item<long>(), Is.EqualTo(5));
    }

    [Test]
    public void Alpha_stays_in_the_unit_interval_and_receives_gradients()
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(3);
        using var iprb = new InstanceBlending();
        Assert.That(iprb.Alpha.Item<float>(), Is.EqualTo(0.5f));
        Assert.That(iprb.Alpha.Shape, Is.Empty);
        var features = Tensor.Randn([4, 3, 6]);
        var y = Tensor.FromArray(Targets, [4, 3]);
        foreach (var (set, expected) in new[] { (0.5f, 0.5f), (1.7f, 1f), (-0.4f, 0f) })
        {
            using (Autograd.NoGrad())
            {
                iprb.Alpha.Fill_(set);
            }

            iprb.ZeroGrad();
            using var result = iprb.Blend(features, y);
            Assert.That(iprb.Alpha.Item<float>(), Is.EqualTo(expected), $"alpha set to {set}");
            (result.Features.Square().Sum() + result.Targets.Sum()).Backward();
            Assert.That(iprb.Alpha.Grad, Is.Not.Null, $"alpha = {expected} gets a gradient");
            Assert.That(iprb.Alpha.Grad!.Item<float>(), Is.Not.Zero.And.Not.NaN, $"alpha = {expected} gets a gradient");
        }

        using var fixedAlpha = new InstanceBlending(learnable: false);
        Assert.That(fixedAlpha.Alpha.RequiresGrad, Is.False);
        Assert.Throws<ArgumentOutOfRangeException>(() => new InstanceBlending(1.5).Dispose());
    }

    [Test]
    public void Prototype_blending_never_blends_a_known_class_even_when_an_image_has_no_unknown()
    {
        using var scope = DisposeScope.Enter();
        var rng = new Random(5);
        using var bank = FullBank(3, rng);
        using var pprb = new PrototypeBlending(topK: 2);
        // Image 0 knows everything; image 1 has one unknown class (1); image 2 has two (0, 2).
        var y = Tensor.FromArray(new float[] { 1, -1, 1, -1, 0, 1, 0, 1, 0 }, [3, 3]);
        for (var trial = 0; trial < 50; trial++)
        {
            var maps = RandomMaps(3, 3, rng);
            using var result = pprb.Blend(maps, y, bank, rng);
            Assert.That(result.Choices.Where(x => x.Image == 0), Is.Empty, "image 0 has nothing unknown");
            Assert.That(result.Choices.Where(x => x.Image == 1).Select(x => x.Class), Is.EqualTo(new[] { 1 }), "fewer unknowns than topK: only those");
            Assert.That(result.Choices.Where(x => x.Image == 2).Select(x => x.Class), Is.EquivalentTo(new[] { 0, 2 }));
            Assert.That((result.Features.Index(0) - maps.Index(0)).Abs().Max().Item<float>(), Is.Zero, "image 0 is unchanged");
            Assert.That(result.Targets.Index(0).ToArray<float>(), Is.EqualTo(new float[] { 1, -1, 1 }));
            Assert.That(result.Mask.ToArray<bool>(), Is.EqualTo(new[] { false, false, false, false, true, false, true, false, true }));
        }
    }

    [Test]
    public void Prototype_blending_takes_another_quadrant_than_the_maps_own_peak_and_mixes_with_beta()
    {
        using var scope = DisposeScope.Enter();
        var rng = new Random(6);
        using var bank = FullBank(4, rng);
        using var pprb = new PrototypeBlending(initialBeta: 0.25);
        var shifts = new HashSet<int>();
        for (var trial = 0; trial < 100; trial++)
        {
            using var inner = DisposeScope.Enter();
            var maps = RandomMaps(2, 4, rng);
            var y = Tensor.FromArray(new float[] { 0, 0, 1, 0, 1, -1, 0, 0 }, [2, 4]);
            var own = Quadrants.OfMaps(maps, 7, 7);
            var result = pprb.Blend(maps, y, bank, rng);
            Assert.That(result.Choices, Has.Count.EqualTo(2), "one class per image (topK 1)");
            foreach (var choice in result.Choices)
            {
                Assert.That(y.Index(choice.Image, choice.Class).Item<float>(), Is.Zero, "an unknown class");
                Assert.That(choice.OwnQuadrant, Is.EqualTo(own[(choice.Image * 4) + choice.Class]));
                Assert.That(choice.PrototypeQuadrant, Is.Not.EqualTo(choice.OwnQuadrant));
                shifts.Add(((choice.OwnQuadrant - choice.PrototypeQuadrant) + 4) % 4);
                var expected = (0.25 * maps.Index(choice.Image, choice.Class)) + (0.75 * bank.Prototypes.Index(choice.Class, choice.PrototypeQuadrant));
                Assert.That((result.Features.Index(choice.Image, choice.Class) - expected).Abs().Max().Item<float>(), Is.LessThan(1e-6f));
                Assert.That(result.Targets.Index(choice.Image, choice.Class).Item<float>(), Is.EqualTo(0.75f));
            }

            var unchanged = result.Mask.LogicalNot().Unsqueeze(-1).Unsqueeze(-1);
            Assert.That(((result.Features - maps).Abs() * unchanged).Max().Item<float>(), Is.Zero, "other entries are unchanged");
        }

        Assert.That(shifts, Is.EquivalentTo(new[] { 1, 2, 3 }), "r is drawn from {1, 2, 3}");
    }

    [Test]
    public void Prototype_blending_skips_classes_absent_from_the_bank_and_is_seeded()
    {
        using var scope = DisposeScope.Enter();
        var rng = new Random(7);
        var builder = new PrototypeBankBuilder(3, 7, 7, 3);
        builder.Add(PrototypeBankTests.PeakedMap(1, 1, rng), 0);
        builder.Add(PrototypeBankTests.PeakedMap(1, 1, rng), 2);
        using var bank = builder.Build(); // class 1 absent
        using var pprb = new PrototypeBlending();
        var maps = RandomMaps(2, 3, rng);
        var y = Tensor.FromArray(new float[] { 1, 0, 1, 0, 0, 1 }, [2, 3]);
        using var a = pprb.Blend(maps, y, bank, new Random(11));
        Assert.That(a.Choices.Where(x => x.Image == 0), Is.Empty, "image 0's only unknown class has no prototypes");
        Assert.That(a.Choices.Single().Class, Is.Zero);
        using var b = pprb.Blend(maps, y, bank, new Random(11));
        Assert.That(b.Choices, Is.EqualTo(a.Choices));
        Assert.Throws<ArgumentException>(() => pprb.Blend(RandomMaps(2, 4, rng), Tensor.Zeros([2, 4]), bank, rng));
    }

    [Test]
    public void Beta_stays_in_the_unit_interval_and_receives_gradients()
    {
        using var scope = DisposeScope.Enter();
        var rng = new Random(8);
        using var bank = FullBank(2, rng);
        using var pprb = new PrototypeBlending();
        var maps = RandomMaps(2, 2, rng).RequiresGrad_();
        var y = Tensor.FromArray(new float[] { 0, 1, 0, 0 }, [2, 2]);
        foreach (var (set, expected) in new[] { (0.5f, 0.5f), (2f, 1f), (-1f, 0f) })
        {
            using (Autograd.NoGrad())
            {
                pprb.Beta.Fill_(set);
            }

            pprb.ZeroGrad();
            maps.Grad = null;
            using var result = pprb.Blend(maps, y, bank, rng);
            Assert.That(pprb.Beta.Item<float>(), Is.EqualTo(expected));
            (result.Features.Sum(2).Square().Sum() + result.Targets.Sum()).Backward();
            Assert.That(pprb.Beta.Grad!.Item<float>(), Is.Not.Zero.And.Not.NaN, $"beta = {expected} gets a gradient");
            Assert.That(maps.Grad, Is.Not.Null, "the maps get gradients through the blend");
        }
    }

    [Test]
    public void Sarb_blending_uses_one_prototype_index_per_batch_and_one_unknown_class_per_image()
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(9);
        // Class 0 has 3 centres, class 1 has 1, class 2 none.
        var prototypes = Tensor.Randn([3, 3, 4]);
        using (Autograd.NoGrad())
        {
            prototypes.Index(1, TensorIndex.Slice(1, null)).Zero_();
            prototypes.Index(2).Zero_();
        }

        using var kmeans = new KMeansPrototypes(prototypes.Clone(), [3, 1, 0]);
        using var sarb = new SarbBlending(initialBeta: 0.4);
        var vectors = Tensor.Randn([4, 3, 4]);
        // Image 0: unknown 0 and 1; image 1: only 2 unknown (absent): none; image 2: all known; image 3: unknown 1.
        var y = Tensor.FromArray(new float[] { 0, 0, 1, 1, -1, 0, 1, -1, 1, -1, 0, 1 }, [4, 3]);
        var seen = new HashSet<int>();
        for (var trial = 0; trial < 40; trial++)
        {
            using var result = sarb.Blend(vectors, y, kmeans, new Random(trial));
            Assert.That(result.Cluster, Is.InRange(0, 2));
            seen.Add(result.Cluster);
            Assert.That(result.Classes[0], Is.AnyOf(0, 1));
            Assert.That(result.Classes.Skip(1), Is.EqualTo(new[] { -1, -1, 1 }));
            Assert.That(result.Mask.Sum().Item<long>(), Is.EqualTo(2));
            foreach (var n in new[] { 0, 3 })
            {
                var c = result.Classes[n];
                var k = result.Cluster % kmeans.ClusterCount(c);
                var expected = (0.4 * vectors.Index(n, c)) + (0.6 * prototypes.Index(c, k));
                Assert.That((result.Features.Index(n, c) - expected).Abs().Max().Item<float>(), Is.LessThan(1e-6f));
                Assert.That(result.Targets.Index(n, c).Item<float>(), Is.EqualTo(0.6f).Within(1e-6f));
            }

            var unchanged = result.Mask.LogicalNot().Unsqueeze(-1);
            Assert.That(((result.Features - vectors).Abs() * unchanged).Max().Item<float>(), Is.Zero);
        }

        Assert.That(seen, Has.Count.EqualTo(3), "the prototype index is drawn uniformly from [0, K)");
    }

    /// <summary>A bank with every class present, built from random peaked maps in every quadrant.</summary>
    private static PrototypeBank FullBank(int classes, Random rng)
    {
        var builder = new PrototypeBankBuilder(classes, 7, 7, 3);
        using var scope = DisposeScope.Enter();
        for (var c = 0; c < classes; c++)
        {
            foreach (var (row, col) in new[] { (1, 1), (1, 5), (5, 1), (5, 5) })
            {
                builder.Add(PrototypeBankTests.PeakedMap(row, col, rng), c);
            }
        }

        return builder.Build();
    }

    private static Tensor RandomMaps(int images, int classes, Random rng)
    {
        var maps = new List<Tensor>();
        for (var i = 0; i < images * classes; i++)
        {
            maps.Add(PrototypeBankTests.PeakedMap(rng.Next(7), rng.Next(7), rng));
        }

        return Tensor.Stack(maps).Reshape(images, classes, 49, 3);
    }
}
