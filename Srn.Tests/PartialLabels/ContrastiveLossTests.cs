using Srn.PartialLabels.Blending;
using Srn.Torch;

namespace Srn.Tests.PartialLabels;

/// <summary>The CSRL contrastive term: its groups, subsampling, seeding and weight schedule.</summary>
[TestFixture]
public sealed class ContrastiveLossTests
{
    private static double Cosine(float[] v, int d, int i, int j, int c, int classes)
    {
        double dot = 0, a = 0, b = 0;
        for (var k = 0; k < d; k++)
        {
            var x = v[(((i * classes) + c) * d) + k];
            var y = v[(((j * classes) + c) * d) + k];
            dot += x * y;
            a += x * x;
            b += y * y;
        }

        return dot / Math.Sqrt(Math.Max(a * b, 1e-18));
    }

    [Test]
    public void Without_positive_pairs_it_is_the_mean_over_positive_negative_and_negative_negative_pairs()
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(1);
        var vectors = Tensor.Randn([4, 3, 5]);
        // Class 0: one positive, so no positive pair; class 1: negatives and unknowns; class 2: all unknown.
        float[] y = [1, -1, 0, -1, 0, 0, -1, -1, 0, 0, -1, 0];
        var loss = ContrastiveLoss.Compute(vectors, Tensor.FromArray(y, [4, 3]), new Random(0)).Item<float>();
        var v = vectors.ToArray<float>();
        var terms = new List<double>();
        for (var i = 0; i < 4; i++)
        {
            for (var j = i + 1; j < 4; j++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var (a, b) = (y[(i * 3) + c], y[(j * 3) + c]);
                    if (a != 0 && b != 0)
                    {
                        Assert.That(a == 1 && b == 1, Is.False);
                        terms.Add(1 + Cosine(v, 5, i, j, c, 3));
                    }
                }
            }
        }

        Assert.That(terms, Has.Count.EqualTo(6), "class 0: 2 PN and 1 NN; class 1: 3 NN");
        Assert.That(loss, Is.EqualTo(terms.Average()).Within(1e-5));
    }

    [Test]
    public void Large_groups_are_subsampled_with_the_seed_and_unknown_labels_never_count()
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(2);
        var vectors = Tensor.Randn([8, 4, 6]);
        // One positive pair (images 0, 1 in class 0) and many negative pairs: the groups are cut to 2P + P = 3 terms.
        var y = Tensor.Full([8, 4], -1.0);
        using (Autograd.NoGrad())
        {
            y.IndexPut_([0, 0], 1.0);
            y.IndexPut_([1, 0], 1.0);
            y.IndexPut_([TensorIndex.Slice(), 3], 0.0);
        }

        var a = ContrastiveLoss.Compute(vectors, y, new Random(5)).Item<float>();
        var b = ContrastiveLoss.Compute(vectors, y, new Random(5)).Item<float>();
        var values = Enumerable.Range(0, 20).Select(s => ContrastiveLoss.Compute(vectors, y, new Random(s)).Item<float>()).ToArray();
        Assert.That(a, Is.EqualTo(b));
        Assert.That(values.Distinct().Count(), Is.GreaterThan(5), "the random part depends on the seed");

        var changed = vectors.Clone();
        using (Autograd.NoGrad())
        {
            changed.Index(TensorIndex.Slice(), 3).Mul_(-3.0).Add_(1.0);
        }

        Assert.That(ContrastiveLoss.Compute(changed, y, new Random(5)).Item<float>(), Is.EqualTo(a), "class 3 is unknown everywhere");
    }

    [Test]
    public void No_term_gives_zero_and_the_weight_ramps_over_the_first_epoch()
    {
        using var scope = DisposeScope.Enter();
        var vectors = Tensor.Randn([3, 2, 4]);
        Assert.That(ContrastiveLoss.Compute(vectors, Tensor.Zeros([3, 2]), new Random(0)).Item<float>(), Is.Zero);
        Assert.That(ContrastiveLoss.Compute(Tensor.Randn([1, 2, 4]), Tensor.Ones([1, 2]), new Random(0)).Item<float>(), Is.Zero);
        Assert.Throws<ArgumentException>(() => ContrastiveLoss.Compute(vectors, Tensor.Zeros([3, 3]), new Random(0)));
        Assert.That(ContrastiveLoss.RampedWeight(0, 0, 10), Is.Zero);
        Assert.That(ContrastiveLoss.RampedWeight(0, 5, 10), Is.EqualTo(0.025).Within(1e-12));
        Assert.That(ContrastiveLoss.RampedWeight(1, 0, 10), Is.EqualTo(0.05));
    }
}
