using Srn.PartialLabels.Blending;
using Srn.PartialLabels.Methods;
using Srn.Torch;
using Srn.Training;

namespace Srn.Tests.PartialLabels;

/// <summary>The reference's switches of SARB and DSRB as method options: top_k, prototype_count, learn_alpha, learn_beta.</summary>
[TestFixture]
public sealed class BlendingOptionsTests
{
    [Test]
    public void Defaults_are_the_reference_s_top_1_ten_centres_and_learnt_coefficients()
    {
        var (_, labels) = BlendingMethodTests.PartialTrain();
        using var dsrb = (BlendingMethod)MethodCatalog.Create(Setup("dsrb", labels));
        Assert.That(((PrototypeBlending)dsrb.Network.Prototype!).TopK, Is.EqualTo(1));
        Assert.That(dsrb.Network.Instance!.Alpha.RequiresGrad, Is.True);
        Assert.That(((PrototypeBlending)dsrb.Network.Prototype!).Beta.RequiresGrad, Is.True);
        Assert.That(dsrb.Stages[0].Groups[1].Parameters, Has.Count.EqualTo(2), "alpha and beta are trained");

        using var sarb = (BlendingMethod)MethodCatalog.Create(Setup("sarb", labels, ("top_k", "3")));
        Assert.That(((SarbBlending)sarb.Network.Prototype!).Beta.RequiresGrad, Is.True);
    }

    [Test]
    public void Top_k_sets_the_classes_blended_per_image()
    {
        var (_, labels) = BlendingMethodTests.PartialTrain();
        using var scope = DisposeScope.Enter();
        using var dsrb = (BlendingMethod)MethodCatalog.Create(Setup("dsrb", labels, ("top_k", "2")));
        var pprb = (PrototypeBlending)dsrb.Network.Prototype!;
        Assert.That(pprb.TopK, Is.EqualTo(2));

        // Two images with three unknown classes each, a bank with every class: two blended entries per image.
        var maps = Tensor.Randn([2, 4, 49, 8]);
        var targets = Tensor.FromArray(new float[] { 1, 0, 0, 0, 0, 0, -1, 0 }, [2, 4]);
        var builder = new PrototypeBankBuilder(4, 7, 7, 8, seed: 1);
        builder.AddBatch(maps, Tensor.Ones([2, 4]));
        using var bank = builder.Build();
        var result = pprb.Blend(maps, targets, bank, new Random(1));
        Assert.That(result.Choices.GroupBy(c => c.Image).Select(g => g.Count()), Is.EqualTo(new[] { 2, 2 }));
    }

    [Test]
    public void Learn_alpha_and_learn_beta_false_keep_the_coefficients_at_one_half_through_training()
    {
        var (train, labels) = BlendingMethodTests.PartialTrain();
        using var scope = DisposeScope.Enter();
        using var fixedBlend = (BlendingMethod)MethodCatalog.Create(Setup("dsrb", labels, ("learn_alpha", "false"), ("learn_beta", "false")) with { Epochs = 2 });
        Assert.That(fixedBlend.Stages[0].Groups, Has.Count.EqualTo(1), "no optimizer group for fixed coefficients");
        Trainer.Fit(fixedBlend, BlendingMethodTests.Data(train, labels), BlendingMethodTests.Options());
        Assert.That(fixedBlend.Network.Instance!.Alpha.Item<float>(), Is.EqualTo(0.5f));
        Assert.That(((PrototypeBlending)fixedBlend.Network.Prototype!).Beta.Item<float>(), Is.EqualTo(0.5f));

        using var onlyBeta = (BlendingMethod)MethodCatalog.Create(Setup("sarb", labels, ("learn_alpha", "false")) with { Epochs = 2 });
        Assert.That(onlyBeta.Stages[0].Groups[1].Parameters, Is.EqualTo(new[] { ((SarbBlending)onlyBeta.Network.Prototype!).Beta }));
        Trainer.Fit(onlyBeta, BlendingMethodTests.Data(train, labels), BlendingMethodTests.Options());
        Assert.That(onlyBeta.Network.Instance!.Alpha.Item<float>(), Is.EqualTo(0.5f));
        Assert.That(((SarbBlending)onlyBeta.Network.Prototype!).Beta.Item<float>(), Is.Not.EqualTo(0.5f), "beta still learns");
    }

    [Test]
    public void Prototype_count_sets_sarb_s_k_means_centres_per_class()
    {
        var (train, labels) = BlendingMethodTests.PartialTrain();
        using var scope = DisposeScope.Enter();
        using var sarb = (BlendingMethod)MethodCatalog.Create(Setup("sarb", labels, ("prototype_count", "3")) with { Epochs = 2 });
        Trainer.Fit(sarb, BlendingMethodTests.Data(train, labels), BlendingMethodTests.Options());
        Assert.That(sarb.KMeans!.MaxClusters, Is.EqualTo(3));
        Assert.That(Enumerable.Range(1, 3).Select(sarb.KMeans.ClusterCount), Has.All.EqualTo(3));
    }

    [TestCase("top_k", "0")]
    [TestCase("top_k", "1.5")]
    [TestCase("prototype_count", "0")]
    [TestCase("learn_alpha", "maybe")]
    public void A_bad_value_is_refused_naming_the_option(string option, string value)
    {
        var (_, labels) = BlendingMethodTests.PartialTrain();
        var error = Assert.Throws<ArgumentException>(() => MethodCatalog.Create(Setup("dsrb", labels, (option, value))));
        Assert.That(error!.Message, Does.Contain(option).And.Contain(value));
    }

    private static MethodSetup Setup(string method, sbyte[,] labels, params (string Key, string Value)[] options) => new()
    {
        Method = method, Backbone = "resnet-small", ClassNames = ["c0", "c1", "c2", "c3"], ImageSize = 64, Epochs = 3, Seed = 0,
        TrainLabels = labels,
        Options = new Dictionary<string, string>(options.Select(o => KeyValuePair.Create(o.Key, o.Value))) { ["blend_start"] = "1", ["prototype_every"] = "1" },
    };
}
