using Srn.Models;
using Srn.PartialLabels.Network;
using Srn.Tests.Fixtures;
using Srn.Tests.PartialLabels;
using Srn.Torch;
using Srn.Torch.IO;
using Srn.Torch.NN;

namespace Srn.Tests.Models;

/// <summary>
/// CPU autocast (bfloat16) against <c>torch.autocast("cpu", dtype=torch.bfloat16)</c>: a ResNet bottleneck block (training
/// and eval mode), SRN's attention + spatial-regularization head and the SSGRL/DSRB head, contiguous and channels-last
/// (Fixtures/Models/make_autocast_fixtures.py). Forward under <see cref="Autocast.Enter"/>, backward outside, as the script
/// does; outputs (values and dtypes), input and parameter gradients, and batch-norm running statistics are compared.
/// </summary>
[TestFixture]
public sealed class AutocastParityTests
{
    /// <summary>
    /// Outputs: |a - e| &lt;= OutputAtol * max|e| + OutputRtol * |e|, per tensor. A bfloat16 ulp is 2^-8 (0.4 %) relative;
    /// the outputs that are not bit-identical (SSGRL's) differ by one or two ulps (at most 0.75 % of max|e|, 0.42 of this
    /// tolerance). Float32 outputs land at 0.4-4.5 of it: <see cref="Without_autocast_the_same_modules_miss_the_fixture"/>
    /// tells them apart by dtype and by being further off than the autocast outputs.
    /// </summary>
    private const double OutputRtol = 1.6e-2;

    /// <summary>The absolute part for outputs, as a fraction of the tensor's largest magnitude (values near zero).</summary>
    private const double OutputAtol = 4e-3;

    /// <summary>
    /// Gradients and running statistics: float32 sums of many bf16-rounded products, which a different op decomposition
    /// (SSGRL's) or layout (SRN's batch-norm variant, channels-last) rounds differently: measured up to 4.3 % of max|e|
    /// (SRN variant channels-last, regularizer.semantic.1.bn.weight) and 3.0 % (SSGRL, SemanticDecoupling.fc4.weight).
    /// </summary>
    private const double GradientRtol = 2e-2;

    /// <summary>The absolute part for gradients, as a fraction of the tensor's largest magnitude.</summary>
    private const double GradientAtol = 6e-2;

    /// <summary>
    /// Biases right before a softmax over positions (a constant shift of its logits): their exact gradient is zero, so both
    /// sides hold bf16 rounding noise. Asserted below <see cref="ZeroGradientBound"/> times the largest gradient of the
    /// layer's weight instead (measured: at most 2.4 %, bit-identical on both sides for SRN).
    /// </summary>
    private static readonly Dictionary<string, string> ZeroGradientBiases = new()
    {
        ["attention.layers.2.conv.bias"] = "attention.layers.2.conv.weight",
        ["SemanticDecoupling.fc3.bias"] = "SemanticDecoupling.fc3.weight",
        ["SemanticDecoupling.fc4.bias"] = "SemanticDecoupling.fc4.weight",
    };

    private const double ZeroGradientBound = 5e-2;

    private const string FixtureFile = "Models/autocast.safetensors";
    private static readonly string[] Layouts = ["contiguous", "channels_last"];

    private Dictionary<string, Tensor> tensors = null!;
    private Dictionary<string, string> metadata = null!;

    private static string FixturePath =>
        Path.Combine(Path.GetDirectoryName(typeof(AutocastParityTests).Assembly.Location)!, "Fixtures", FixtureFile);

    [OneTimeSetUp]
    public void Load() => (tensors, metadata) = SafeTensors.Read(FixturePath);

    [OneTimeTearDown]
    public void Unload()
    {
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }
    }

    private static IEnumerable<TestCaseData> Cases()
    {
        var (t, m) = SafeTensors.Read(FixturePath);
        foreach (var x in t.Values)
        {
            x.Dispose();
        }

        foreach (var name in m["cases"].Split(','))
        {
            foreach (var layout in Layouts)
            {
                yield return new TestCaseData(name, layout).SetName($"{{m}}({name}, {layout})");
            }
        }
    }

    private static string[] CaseNames()
    {
        var (t, m) = SafeTensors.Read(FixturePath);
        foreach (var x in t.Values)
        {
            x.Dispose();
        }

        return m["cases"].Split(',');
    }

    [Test]
    public void Every_fixture_case_has_a_CSharp_twin()
    {
        Assert.That(metadata["cases"].Split(','), Is.EquivalentTo(new[] { "bottleneck_train", "bottleneck_eval", "srn_paper_eval", "srn_variant_train", "ssgrl_train" }));
        Assert.That(metadata["torch"], Does.StartWith("1.13"));
    }

    [TestCaseSource(nameof(Cases))]
    public void Forward_and_backward_under_autocast_match_PyTorch(string name, string layout)
    {
        using var scope = DisposeScope.Enter();
        var run = Run(name, layout, autocast: true);
        var expectedDTypes = metadata[$"{name}/dtypes"].Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        Assert.That(run.Outputs.Keys, Is.EqualTo(expectedDTypes.Keys), $"{name}: outputs, in PyTorch's order");
        foreach (var (key, output) in run.Outputs)
        {
            Assert.That(DTypeName(output.DType), Is.EqualTo(expectedDTypes[key]), $"{name}/{layout}: dtype of {key} (PyTorch's autocast gave {expectedDTypes[key]})");
        }

        foreach (var (what, actual, expected, isOutput) in run.Comparisons)
        {
            var (excess, maxError) = Excess(actual, expected, isOutput);
            TestContext.Out.WriteLine($"{name}/{layout} {what}: max |a-e| = {maxError:E2} ({maxError / MaxAbs(expected):E2} of max|e|), {excess:F3} of the tolerance");
        }

        foreach (var (what, actual, expected, isOutput) in run.Comparisons)
        {
            var (rtol, atol) = isOutput ? (OutputRtol, OutputAtol) : (GradientRtol, GradientAtol);
            ParityFixture.AssertClose(actual, expected, rtol, atol * MaxAbs(expected), $"{name}/{layout}: {what}");
        }

        foreach (var (bias, weight) in ZeroGradientBiases.Where(kv => run.ZeroGradients.ContainsKey(kv.Key)))
        {
            var (actual, expected) = run.ZeroGradients[bias];
            var scale = MaxAbs(tensors[$"{name}/{layout}/pgrad/{weight}"]);
            TestContext.Out.WriteLine($"{name}/{layout} gradient of {bias} (exactly zero in exact arithmetic): {MaxAbs(actual) / scale:E2} here, {MaxAbs(expected) / scale:E2} in PyTorch, of max|gradient of {weight}|");
            Assert.That(actual.DType, Is.EqualTo(expected.DType));
            Assert.That(MaxAbs(actual), Is.LessThanOrEqualTo(ZeroGradientBound * scale), $"{name}/{layout}: gradient of {bias}");
            Assert.That(MaxAbs(expected), Is.LessThanOrEqualTo(ZeroGradientBound * scale), $"{name}/{layout}: PyTorch's gradient of {bias}");
        }
    }

    [TestCaseSource(nameof(CaseNames))]
    public void Without_autocast_the_same_modules_miss_the_fixture(string name)
    {
        using var scope = DisposeScope.Enter();
        var run = Run(name, "contiguous", autocast: false);
        Assert.That(run.Outputs.Values.Select(o => o.DType), Has.All.EqualTo(ScalarType.Float32), "no autocast: float32 throughout");

        // A run that ignored autocast fails the test above on the dtypes (float32 where PyTorch's autocast gives bfloat16),
        // and its outputs are further from PyTorch's autocast outputs than the autocast run's (which are mostly bit-identical).
        Assert.That(metadata[$"{name}/dtypes"], Does.Contain("bfloat16"));
        Assert.That(run.Comparisons.Where(c => c.IsOutput).Any(c => c.Actual.DType != c.Expected.DType), Is.True, $"{name}: dtypes tell float32 from autocast");
        var withAutocast = Run(name, "contiguous", autocast: true);
        static double Worst(CaseRun r) => r.Comparisons.Where(c => c.IsOutput).Max(c => Excess(c.Actual.To(c.Expected.DType), c.Expected, isOutput: true).Excess);
        var (fp32, bf16) = (Worst(run), Worst(withAutocast));
        TestContext.Out.WriteLine($"{name}: outputs at {fp32:F2} of the tolerance in float32, {bf16:F2} under autocast");
        Assert.That(fp32, Is.GreaterThan(bf16 + 0.1), $"{name}: float32 outputs are as close to PyTorch's autocast outputs as Srn's autocast outputs");
    }

    [Test]
    public void Channels_last_runs_keep_their_layout_and_dtypes()
    {
        using var scope = DisposeScope.Enter();
        var run = Run("bottleneck_train", "channels_last", autocast: true);
        var y = run.Outputs["y"];
        Assert.That(y.DType, Is.EqualTo(ScalarType.BFloat16));
        Assert.That(y.IsContiguousIn(MemoryFormat.ChannelsLast), Is.True, "convolutions keep channels-last under autocast");
        Assert.That(run.Module.NamedParameters().Select(p => p.Parameter.DType), Has.All.EqualTo(ScalarType.Float32), "autocast leaves the weights float32");
    }

    /// <summary>Builds the case's C# twin from the fixture's weights, runs it, back-propagates the recorded upstream gradients.</summary>
    private CaseRun Run(string name, string layout, bool autocast)
    {
        var state = Group($"{name}/sd");
        var train = name.EndsWith("_train", StringComparison.Ordinal);
        var inputs = Group($"{name}/in");
        Module module;
        Func<IReadOnlyDictionary<string, Tensor>, Dictionary<string, Tensor>> forward;
        Func<string, bool> compared;
        if (name.StartsWith("bottleneck", StringComparison.Ordinal))
        {
            var block = new Bottleneck(16, 8, 2, new Sequential(new Conv2d(16, 32, 1, 2, bias: false), new BatchNorm2d(32)));
            module = block;
            forward = x => new Dictionary<string, Tensor> { ["y"] = block.Forward(x["x"]) };
            compared = _ => true;
        }
        else if (name.StartsWith("srn", StringComparison.Ordinal))
        {
            var batchNorm = name == "srn_variant_train";
            var net = new SpatialRegularizationNet(
                ModelRegistry.Create("resnet-small", 3), 64,
                new SrnOptions { AttentionWidth = 16, RegularizerWidth = 16, BatchNorm = batchNorm, LearnAlpha = batchNorm });
            module = net;
            forward = x => SrnHead(net, x["x"]);
            compared = key => !key.StartsWith("backbone.", StringComparison.Ordinal) && key != "alpha";
        }
        else
        {
            var network = SsgrlParityTests.TinyNetwork(LabelAdjacency.FromKnownPositives(SsgrlParityTests.LabelMatrix(tensors["ssgrl_train/labels"])));
            network.Backbone.RequiresGrad(false); // the case covers what follows layer4
            module = network;
            forward = x =>
            {
                var o = network.ForwardFeatureMap(x["layer4"]); // its tensors belong to the test's dispose scope
                return new Dictionary<string, Tensor> { ["logits"] = o.Logits, ["vectors"] = o.Vectors, ["maps"] = o.Maps!, ["attention"] = o.Attention };
            };
            compared = key => !key.StartsWith("backbone.", StringComparison.Ordinal);
        }

        var load = module.LoadStateDict(state, strict: false);
        Assert.That(load.UnexpectedKeys, Is.Empty, $"{name}: keys the C# module does not have");
        Assert.That(load.MissingKeys.Where(compared), Is.Empty, $"{name}: keys the fixture lacks");
        module.Train(train);
        var x = inputs.ToDictionary(kv => kv.Key, kv =>
        {
            var t = kv.Value.Clone();
            return (layout == "channels_last" && t.Dim == 4 ? t.To(MemoryFormat.ChannelsLast) : t).RequiresGrad_();
        });
        if (layout == "channels_last")
        {
            module.To(MemoryFormat.ChannelsLast);
        }

        Dictionary<string, Tensor> outputs;
        using (autocast ? Autocast.Enter(DeviceType.Cpu, ScalarType.BFloat16) : null)
        {
            outputs = forward(x);
        }

        var comparisons = new List<(string What, Tensor Actual, Tensor Expected, bool IsOutput)>();
        var zeroGradients = new Dictionary<string, (Tensor Actual, Tensor Expected)>();
        Tensor? total = null;
        foreach (var (key, output) in outputs)
        {
            comparisons.Add(($"output {key}", output, tensors[$"{name}/{layout}/out/{key}"], true));
            var term = (output * tensors[$"{name}/gout/{key}"]).Sum().To(ScalarType.Float32);
            total = total is null ? term : total + term;
        }

        total!.Backward();
        foreach (var (key, expected) in Group($"{name}/{layout}/grad"))
        {
            comparisons.Add(($"gradient of {key}", x[key].Grad!, expected, false));
        }

        var parameters = module.NamedParameters().Where(p => p.Parameter.RequiresGrad && compared(p.Name)).ToDictionary(p => p.Name, p => p.Parameter);
        var expectedGrads = Group($"{name}/{layout}/pgrad");
        Assert.That(parameters.Keys, Is.EquivalentTo(expectedGrads.Keys), $"{name}: trainable parameters");
        foreach (var (key, expected) in expectedGrads)
        {
            if (ZeroGradientBiases.ContainsKey(key))
            {
                zeroGradients[key] = (parameters[key].Grad!, expected);
                continue;
            }

            comparisons.Add(($"gradient of parameter {key}", parameters[key].Grad!, expected, false));
        }

        var after = module.StateDict();
        foreach (var (key, expected) in Group($"{name}/{layout}/after"))
        {
            comparisons.Add(($"{key} after the forward pass", after[key], expected, false));
        }

        Assert.That(train, Is.EqualTo(Group($"{name}/{layout}/after").Count > 0), $"{name}: running statistics are recorded for training-mode cases");
        return new CaseRun(module, outputs, comparisons, zeroGradients);
    }

    /// <summary>Srn.forward of make_srn_fixtures.py after layer3, as SpatialRegularizationNet.Forward computes it.</summary>
    private static Dictionary<string, Tensor> SrnHead(SpatialRegularizationNet net, Tensor x)
    {
        var a = AttentionBranch.SpatialSoftmax(net.Attention.Forward(x));
        var s = net.Confidence.Forward(x);
        return new Dictionary<string, Tensor>
        {
            ["att"] = (a * s).Sum([2, 3]),
            ["sr"] = net.Regularizer.Forward(a * s.Sigmoid()),
            ["attention"] = a,
            ["confidence"] = s,
        };
    }

    private Dictionary<string, Tensor> Group(string prefix) =>
        tensors.Where(kv => kv.Key.StartsWith(prefix + "/", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[(prefix.Length + 1)..], kv => kv.Value, StringComparer.Ordinal);

    private static string DTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float32 => "float32",
        ScalarType.Float16 => "float16",
        _ => dtype.ToString(),
    };

    private static double MaxAbs(Tensor t) => t.ToDoubleArray().Select(Math.Abs).DefaultIfEmpty(0).Max();

    /// <summary>The largest |a - e| / (atol + rtol |e|) (above 1: outside the tolerance) and the largest |a - e|.</summary>
    private static (double Excess, double MaxError) Excess(Tensor actual, Tensor expected, bool isOutput)
    {
        var a = actual.Detach().ToDoubleArray();
        var e = expected.ToDoubleArray();
        var (rtol, atolScale) = isOutput ? (OutputRtol, OutputAtol) : (GradientRtol, GradientAtol);
        var atol = atolScale * MaxAbs(expected);
        double excess = 0, maxError = 0;
        for (var k = 0; k < a.Length; k++)
        {
            var d = Math.Abs(a[k] - e[k]);
            maxError = Math.Max(maxError, d);
            if (d > 0)
            {
                excess = Math.Max(excess, d / (atol + (rtol * Math.Abs(e[k]))));
            }
        }

        return (excess, maxError);
    }

    private sealed record CaseRun(
        Module Module,
        Dictionary<string, Tensor> Outputs,
        List<(string What, Tensor Actual, Tensor Expected, bool IsOutput)> Comparisons,
        Dictionary<string, (Tensor Actual, Tensor Expected)> ZeroGradients);
}
