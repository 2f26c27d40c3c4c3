using Srn.Models;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Tests.Models;

/// <summary>SRN's network: parity with a PyTorch SRN, the spatial softmax, conv4's grouping, shapes at 224 and 448.</summary>
[TestFixture]
public sealed class SrnModelTests
{
    private static string FixturePath => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "Models", "srn.safetensors");

    [TestCase("paper_eval", false, false)]
    [TestCase("variant_train", true, true)]
    public void Every_head_and_the_input_gradient_match_a_PyTorch_SRN(string name, bool batchNorm, bool train)
    {
        using var scope = DisposeScope.Enter();
        var f = SafeTensors.Load(FixturePath);
        var state = f.Where(kv => kv.Key.StartsWith(name + "/model/", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[(name.Length + 7)..], kv => kv.Value);
        using var net = new SpatialRegularizationNet(
            ModelRegistry.Create("resnet-small", 3), 64,
            new SrnOptions { AttentionWidth = 32, RegularizerWidth = 32, BatchNorm = batchNorm, LearnAlpha = batchNorm });
        net.LoadStateDict(state);
        net.Train(train);
        var x = f[name + "/input"].Clone().RequiresGrad_();
        using var output = net.Forward(x, SrnHeads.All);
        var expected = new (string Key, Tensor Actual)[]
        {
            ("cls", output.Cls!), ("att", output.Att!), ("sr", output.Sr!), ("fused", output.Fused!), ("attention", output.Attention!), ("confidence", output.Confidence!),
        };
        foreach (var (key, actual) in expected)
        {
            var want = f[$"{name}/{key}"];
            Assert.That(actual.Shape, Is.EqualTo(want.Shape), key);
            var diff = (actual - want).Abs().Max().Item<float>();
            Assert.That(diff, Is.LessThan(1e-4), $"{name}: {key} differs from PyTorch by {diff}");
        }

        output.Fused!.Backward(f[name + "/gout"]);
        var gradDiff = (x.Grad! - f[name + "/grad_input"]).Abs().Max().Item<float>();
        Assert.That(gradDiff, Is.LessThan(1e-4), "input gradient");
    }

    [Test]
    public void Spatial_softmax_sums_to_one_over_the_positions_of_each_label()
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(1);
        var z = Tensor.Randn([2, 3, 5, 4]) * 4.0;
        var a = AttentionBranch.SpatialSoftmax(z);
        var sums = a.Sum([2, 3]).ToArray<float>();
        Assert.That(sums, Has.All.EqualTo(1f).Within(1e-5f));
        Assert.That(a.Min().Item<float>(), Is.GreaterThan(0f));

        // Not a softmax over labels: summing over the label axis does not give 1.
        var overLabels = a.Sum(1).ToArray<float>();
        Assert.That(overLabels.Any(v => Math.Abs(v - 1) > 0.1), Is.True);
    }

    [Test]
    public void Each_conv4_output_group_depends_on_exactly_one_input_channel()
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(2);
        const int width = 6, perGroup = 4, map = 5;
        using var regularizer = new SpatialRegularizer(numClasses: 3, width, perGroup, map);
        var conv4 = (Srn.Torch.NN.Module<Tensor, Tensor>)regularizer.Conv4;
        using (Autograd.NoGrad())
        {
            // A large bias keeps every ReLU open, so a zero gradient can only come from the weights' structure.
            conv4.NamedParameters().Single(p => p.Name == "conv.bias").Parameter.Fill_(100.0);
        }

        var u = Tensor.Randn([1, width, map, map]).RequiresGrad_();
        var y = conv4.Forward(u);
        Assert.That(y.Shape, Is.EqualTo(new long[] { 1, width * perGroup, 1, 1 }));
        for (var o = 0; o < width * perGroup; o++)
        {
            u.Grad?.Zero_();
            y[0, o].Sum().Backward(retainGraph: true);
            var perChannel = u.Grad!.Abs().Sum([0, 2, 3]).ToArray<float>();
            for (var c = 0; c < width; c++)
            {
                if (c == o / perGroup)
                {
                    Assert.That(perChannel[c], Is.GreaterThan(0f), $"output {o} must see input channel {c}");
                }
                else
                {
                    Assert.That(perChannel[c], Is.EqualTo(0f), $"output {o} must not see input channel {c}");
                }
            }
        }
    }

    [TestCase(224, 14)]
    [TestCase(448, 28)]
    public void ResNet101_SRN_has_the_documented_shapes(int size, int map)
    {
        using var scope = DisposeScope.Enter();
        using var net = new SpatialRegularizationNet(ModelRegistry.Create("resnet101", 80), size);
        net.Eval();
        Assert.That(net.MapSize, Is.EqualTo(map));
        using var noGrad = Autograd.NoGrad();
        using var output = net.Forward(Tensor.Randn([1, 3, size, size]), SrnHeads.All);
        Assert.That(output.Attention!.Shape, Is.EqualTo(new long[] { 1, 80, map, map }));
        Assert.That(output.Confidence!.Shape, Is.EqualTo(new long[] { 1, 80, map, map }));
        foreach (var head in new[] { output.Cls, output.Att, output.Sr, output.Fused })
        {
            Assert.That(head!.Shape, Is.EqualTo(new long[] { 1, 80 }));
        }

        // conv4: 512 groups of 4 filters, each covering the whole map of one channel.
        var conv4 = net.Regularizer.Conv4.NamedParameters().Single(p => p.Name == "conv.weight").Parameter;
        Assert.That(conv4.Shape, Is.EqualTo(new long[] { 2048, 1, map, map }));
    }

    [Test]
    public void A_map_of_another_size_is_rejected_with_both_sizes()
    {
        using var scope = DisposeScope.Enter();
        using var net = new SpatialRegularizationNet(ModelRegistry.Create("resnet-small", 3), 64, new SrnOptions { AttentionWidth = 8, RegularizerWidth = 8 });
        var e = Assert.Throws<ArgumentException>(() => net.Forward(Tensor.Randn([1, 3, 96, 96]), SrnHeads.All).Dispose());
        Assert.That(e!.Message, Does.Contain("4x4").And.Contain("6, 6"));
    }

    [Test]
    public void A_learnt_alpha_is_clamped_to_the_unit_interval_and_receives_gradients()
    {
        using var scope = DisposeScope.Enter();
        using var net = new SpatialRegularizationNet(ModelRegistry.Create("resnet-small", 3), 64, new SrnOptions { AttentionWidth = 8, RegularizerWidth = 8, LearnAlpha = true });
        var x = Tensor.Randn([2, 3, 64, 64]);
        using (var o = net.Forward(x, SrnHeads.All))
        {
            o.Fused!.Sum().Backward();
        }

        Assert.That(net.AlphaParameter!.Grad, Is.Not.Null);
        Assert.That(net.AlphaParameter.Grad!.Abs().Item<float>(), Is.GreaterThan(0f));
        using (Autograd.NoGrad())
        {
            net.AlphaParameter.Fill_(3.0);
        }

        using var clamped = net.Forward(x, SrnHeads.All);
        var diff = (clamped.Fused! - clamped.Cls!).Abs().Max().Item<float>();
        Assert.That(diff, Is.EqualTo(0f), "alpha above 1 acts as 1: y = y_cls");
    }
}
