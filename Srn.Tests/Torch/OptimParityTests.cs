using Srn.Tests.Fixtures;
using Srn.Torch;
using Srn.Torch.IO;
using Srn.Torch.Optim;

namespace Srn.Tests.Torch;

/// <summary>
/// Optimizers, learning-rate schedulers and gradient clipping against PyTorch 1.13 (Fixtures/Torch/make_optim_fixtures.py):
/// each fixture case is rebuilt here with the same configuration and replayed step by step; saving and loading state
/// mid-trajectory continues the same trajectory bit for bit.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class OptimParityTests
{
    private const string File = "Torch/optim.safetensors";
    private const double Rtol = 1e-5;
    private const double Atol = 1e-6;
    private const int ClipParameters = 3; // len(SHAPES) in the script

    private static Dictionary<string, Tensor>? tensors;
    private static Dictionary<string, string>? metadata;

    /// <summary>The optimizer of each case of make_optim_fixtures.py, built over the case's parameters.</summary>
    private static readonly Dictionary<string, Func<IReadOnlyList<Tensor>, Optimizer>> Optimizers = new()
    {
        ["sgd_plain"] = ps => new SGD(ps, lr: 0.1),
        ["sgd_momentum_dampening"] = ps => new SGD(ps, lr: 0.05, momentum: 0.9, dampening: 0.3),
        ["sgd_nesterov_weight_decay"] = ps => new SGD(ps, lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.01),
        ["sgd_maximize"] = ps => new SGD(ps, lr: 0.1, momentum: 0.5, weightDecay: 0.1, maximize: true),
        ["sgd_missing_grad"] = ps => new SGD(ps, lr: 0.1, momentum: 0.9),
        ["sgd_two_groups"] = ps => new SGD([new ParamGroup([ps[0]]) { Lr = 0.2, WeightDecay = 0.1 }, new ParamGroup(ps.Skip(1))], lr: 0.05, momentum: 0.9),
        ["adam_plain"] = ps => new Adam(ps, lr: 0.01),
        ["adam_amsgrad"] = ps => new Adam(ps, lr: 0.01, betas: (0.8, 0.99), amsgrad: true),
        ["adam_weight_decay"] = ps => new Adam(ps, lr: 0.02, weightDecay: 0.1, eps: 1e-6),
        ["adam_maximize"] = ps => new Adam(ps, lr: 0.01, maximize: true),
        ["adam_missing_grad"] = ps => new Adam(ps, lr: 0.01),
        ["adam_float64"] = ps => new Adam(ps, lr: 0.01, amsgrad: true, weightDecay: 0.01),
        ["adamw"] = ps => new AdamW(ps, lr: 0.01, weightDecay: 0.1),
        ["adamw_amsgrad_maximize"] = ps => new AdamW(ps, lr: 0.01, betas: (0.85, 0.95), weightDecay: 0.05, amsgrad: true, maximize: true),
        ["adamw_two_groups"] = ps => new AdamW([new ParamGroup([ps[0]]) { Lr = 0.03, WeightDecay = 0 }, new ParamGroup(ps.Skip(1)) { Betas = (0.5, 0.9) }], lr: 0.01, weightDecay: 0.1),
    };

    /// <summary>The optimizer and scheduler of each scheduler case; the third item says which momentum is recorded.</summary>
    private static readonly Dictionary<string, (Func<IReadOnlyList<Tensor>, Optimizer> Optimizer, Func<Optimizer, LRScheduler> Scheduler, string? Momentum)> Schedulers = new()
    {
        ["steplr"] = (Sgd1, o => new StepLR(o, stepSize: 7, gamma: 0.5), null),
        ["multisteplr"] = (Sgd2, o => new MultiStepLR(o, [5, 12, 12, 20], gamma: 0.3), null),
        ["cosine"] = (Sgd1, o => new CosineAnnealingLR(o, tMax: 10, etaMin: 0.001), null),
        ["cosine_two_groups"] = (Sgd2, o => new CosineAnnealingLR(o, tMax: 30), null),
        ["linear_warmup"] = (Sgd1, o => new LinearLR(o, startFactor: 0.25, endFactor: 1.0, totalIters: 8), null),
        ["linear_decay"] = (Sgd2, o => new LinearLR(o, startFactor: 1.0, endFactor: 0.1, totalIters: 12), null),
        ["onecycle_cos"] = (Sgd1, o => new OneCycleLR(o, maxLr: 0.1, totalSteps: 30), "momentum"),
        ["onecycle_linear_three_phase"] = (
            ps => new Adam([new ParamGroup([ps[0]]), new ParamGroup([ps[1]])], lr: 1e-3),
            o => new OneCycleLR(o, maxLr: [0.1, 0.02], totalSteps: 31, pctStart: 0.25, annealStrategy: AnnealStrategy.Linear,
                divFactor: 10, finalDivFactor: 100, threePhase: true, baseMomentum: [0.8, 0.7], maxMomentum: [0.9, 0.9]),
            "beta1"),
        ["onecycle_epochs_no_momentum"] = (
            ps => new AdamW(ps, lr: 1e-3),
            o => new OneCycleLR(o, maxLr: 0.05, epochs: 5, stepsPerEpoch: 6, pctStart: 0.4, cycleMomentum: false),
            null),
        ["sequential_warmup_cosine"] = (Sgd2, o => new SequentialLR(o, [new LinearLR(o, startFactor: 0.1, totalIters: 5), new CosineAnnealingLR(o, tMax: 25)], [5]), null),
        ["sequential_three"] = (
            Sgd1,
            o => new SequentialLR(o, [new LinearLR(o, startFactor: 0.5, totalIters: 4), new StepLR(o, stepSize: 3, gamma: 0.5), new CosineAnnealingLR(o, tMax: 8, etaMin: 0.01)], [6, 15]),
            null),
    };

    /// <summary>The arguments of clip_grad_norm_ in each clipping case.</summary>
    private static readonly Dictionary<string, (double MaxNorm, double NormType)> Clippings = new()
    {
        ["clip_l2"] = (1.0, 2),
        ["clip_inf"] = (0.5, double.PositiveInfinity),
        ["clip_l1"] = (2.0, 1),
        ["clip_under_max"] = (100.0, 2),
        ["clip_missing_grad"] = (0.5, 2),
    };

    private static Dictionary<string, Tensor> T => Load().Tensors;

    private static SGD Sgd1(IReadOnlyList<Tensor> ps) => new SGD(ps, lr: 0.1, momentum: 0.9);

    private static SGD Sgd2(IReadOnlyList<Tensor> ps) => new SGD([new ParamGroup([ps[0]]), new ParamGroup([ps[1]]) { Lr = 0.01 }], lr: 0.1, momentum: 0.9);

    private static string[] OptimizerCases() => Kind("optimizers");

    private static string[] SchedulerCases() => Kind("schedulers");

    private static string[] ClippingCases() => Kind("clipping");

    [OneTimeTearDown]
    public void Unload()
    {
        foreach (var t in tensors?.Values ?? Enumerable.Empty<Tensor>())
        {
            t.Dispose();
        }

        tensors = null;
        metadata = null;
    }

    [Test]
    public void Every_fixture_case_has_a_replay_and_every_replay_a_case()
    {
        Assert.That(Optimizers.Keys.Order(StringComparer.Ordinal), Is.EqualTo(OptimizerCases().Order(StringComparer.Ordinal)));
        Assert.That(Schedulers.Keys.Order(StringComparer.Ordinal), Is.EqualTo(SchedulerCases().Order(StringComparer.Ordinal)));
        Assert.That(Clippings.Keys.Order(StringComparer.Ordinal), Is.EqualTo(ClippingCases().Order(StringComparer.Ordinal)));
        Assert.That(Load().Metadata["torch"], Does.StartWith("1.13"));
    }

    [TestCaseSource(nameof(OptimizerCases))]
    public void Optimizer_follows_PyTorchs_trajectory(string name)
    {
        using var scope = DisposeScope.Enter();
        var ps = InitialParameters(name);
        using var optimizer = Optimizers[name](ps);
        for (var s = 0; s < Steps(name); s++)
        {
            FeedGradients(name, ps, s);
            optimizer.Step();
            for (var j = 0; j < ps.Count; j++)
            {
                ParityFixture.AssertClose(ps[j], T[$"{name}/p{j}/after{s}"], Rtol, Atol, $"{name}: parameter {j} after step {s}");
            }
        }
    }

    [TestCaseSource(nameof(OptimizerCases))]
    public void Optimizer_state_saved_and_loaded_mid_trajectory_continues_bit_for_bit(string name)
    {
        using var scope = DisposeScope.Enter();
        var steps = Steps(name);
        var cut = steps / 2;
        var ps = InitialParameters(name);
        using var optimizer = Optimizers[name](ps);
        for (var s = 0; s < cut; s++)
        {
            FeedGradients(name, ps, s);
            optimizer.Step();
        }

        // Through a file, as the trainer's checkpoints do; the resumed optimizer starts from copies of the weights.
        var path = Path.Combine(Path.GetTempPath(), $"srn-optim-{name}-{Environment.ProcessId}.safetensors");
        try
        {
            SafeTensors.Save(path, optimizer.StateDict());
            var resumedParams = ps.Select(p => p.Detach().Clone().RequiresGrad_()).ToList();
            using var resumed = Optimizers[name](resumedParams);
            var saved = SafeTensors.Load(path);
            resumed.LoadStateDict(saved);
            foreach (var t in saved.Values)
            {
                t.Dispose();
            }

            for (var s = cut; s < steps; s++)
            {
                FeedGradients(name, ps, s);
                FeedGradients(name, resumedParams, s);
                optimizer.Step();
                resumed.Step();
                for (var j = 0; j < ps.Count; j++)
                {
                    Assert.That(resumedParams[j].ToDoubleArray(), Is.EqualTo(ps[j].ToDoubleArray()), $"{name}: parameter {j} after step {s}, resumed at step {cut}");
                }
            }
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [TestCaseSource(nameof(SchedulerCases))]
    public void Scheduler_gives_PyTorchs_learning_rates(string name)
    {
        using var scope = DisposeScope.Enter();
        var (makeOptimizer, makeScheduler, momentum) = Schedulers[name];
        var expectedLr = Table(T[$"{name}/lr"]);
        var expectedMomentum = momentum is null ? null : Table(T[$"{name}/momentum"]);
        using var optimizer = makeOptimizer(SchedulerParameters());
        var scheduler = makeScheduler(optimizer);
        for (var k = 0; k < expectedLr.Length; k++)
        {
            if (k > 0)
            {
                optimizer.Step();
                scheduler.Step();
            }

            AssertRates(optimizer.ParamGroups.Select(g => g.Lr), expectedLr[k], $"{name}: lr after {k} steps");
            AssertRates(scheduler.LastLearningRates, expectedLr[k], $"{name}: LastLearningRates after {k} steps");
            if (expectedMomentum is not null)
            {
                AssertRates(optimizer.ParamGroups.Select(g => g[momentum!]), expectedMomentum[k], $"{name}: {momentum} after {k} steps");
            }
        }
    }

    [TestCaseSource(nameof(SchedulerCases))]
    public void Scheduler_state_round_trips_mid_schedule(string name)
    {
        using var scope = DisposeScope.Enter();
        var (makeOptimizer, makeScheduler, momentum) = Schedulers[name];
        var total = Table(T[$"{name}/lr"]).Length - 1;
        var cut = total / 3;
        using var optimizer = makeOptimizer(SchedulerParameters());
        var scheduler = makeScheduler(optimizer);
        for (var k = 0; k < cut; k++)
        {
            optimizer.Step();
            scheduler.Step();
        }

        var optimizerState = optimizer.StateDict();
        var schedulerState = scheduler.StateDict();
        using var resumedOptimizer = makeOptimizer(SchedulerParameters());
        var resumed = makeScheduler(resumedOptimizer);
        resumedOptimizer.LoadStateDict(optimizerState);
        resumed.LoadStateDict(schedulerState);
        Assert.That(resumed.LastEpoch, Is.EqualTo(scheduler.LastEpoch));
        Assert.That(resumed.LastLearningRates, Is.EqualTo(scheduler.LastLearningRates));
        for (var k = cut; k < total; k++)
        {
            optimizer.Step();
            scheduler.Step();
            resumedOptimizer.Step();
            resumed.Step();
            Assert.That(resumedOptimizer.ParamGroups.Select(g => g.Lr), Is.EqualTo(optimizer.ParamGroups.Select(g => g.Lr)), $"{name}: lr after {k + 1} steps, resumed after {cut}");
            if (momentum is not null)
            {
                Assert.That(resumedOptimizer.ParamGroups.Select(g => g[momentum]), Is.EqualTo(optimizer.ParamGroups.Select(g => g[momentum])), $"{name}: {momentum} after {k + 1} steps");
            }
        }
    }

    [TestCaseSource(nameof(ClippingCases))]
    public void ClipGradNorm_matches_PyTorch(string name)
    {
        using var scope = DisposeScope.Enter();
        var (maxNorm, normType) = Clippings[name];
        var ps = new List<Tensor>();
        for (var j = 0; j < ClipParameters; j++)
        {
            var hasGrad = T.TryGetValue($"{name}/g{j}/before", out var before);
            var p = Tensor.Zeros(hasGrad ? before!.Shape : [1], requiresGrad: true);
            p.Grad = hasGrad ? before!.Clone() : null;
            ps.Add(p);
        }

        var norm = GradClipping.ClipGradNorm(ps, maxNorm, normType);
        ParityFixture.AssertClose(norm, T[$"{name}/norm"], Rtol, Atol, $"{name}: total norm");
        for (var j = 0; j < ps.Count; j++)
        {
            if (T.TryGetValue($"{name}/g{j}/after", out var after))
            {
                ParityFixture.AssertClose(ps[j].Grad!, after, Rtol, Atol, $"{name}: gradient {j}");
            }
            else
            {
                Assert.That(ps[j].Grad, Is.Null, $"{name}: parameter {j} had no gradient and must still have none");
            }
        }
    }

    private static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Load()
    {
        if (tensors is null || metadata is null)
        {
            var path = Path.Combine(Path.GetDirectoryName(typeof(OptimParityTests).Assembly.Location)!, "Fixtures", File);
            (tensors, metadata) = SafeTensors.Read(path);
        }

        return (tensors, metadata);
    }

    private static string[] Kind(string kind) => Load().Metadata[kind].Split(',');

    private static int Steps(string name)
    {
        var s = 0;
        while (T.ContainsKey($"{name}/p0/after{s}"))
        {
            s++;
        }

        return s;
    }

    private static List<Tensor> InitialParameters(string name)
    {
        var ps = new List<Tensor>();
        for (var j = 0; T.TryGetValue($"{name}/p{j}/init", out var init); j++)
        {
            ps.Add(init.Clone().RequiresGrad_());
        }

        return ps;
    }

    /// <summary>Sets each parameter's gradient to the recorded one, or to null where PyTorch's had none.</summary>
    private static void FeedGradients(string name, List<Tensor> ps, int step)
    {
        for (var j = 0; j < ps.Count; j++)
        {
            using var g = T.TryGetValue($"{name}/p{j}/grad{step}", out var recorded) ? recorded.Clone() : null;
            ps[j].Grad = g;
        }
    }

    private static List<Tensor> SchedulerParameters() => [Tensor.Zeros([2], requiresGrad: true), Tensor.Zeros([3], requiresGrad: true)];

    private static double[][] Table(Tensor t)
    {
        var values = t.ToDoubleArray();
        var columns = (int)t.Shape[1];
        return Enumerable.Range(0, (int)t.Shape[0]).Select(r => values.AsSpan(r * columns, columns).ToArray()).ToArray();
    }

    /// <summary>Learning rates are computed in double precision with PyTorch's formulas: they agree to rounding.</summary>
    private static void AssertRates(IEnumerable<double> actual, double[] expected, string what)
    {
        var a = actual.ToArray();
        Assert.That(a, Has.Length.EqualTo(expected.Length), what);
        for (var i = 0; i < a.Length; i++)
        {
            Assert.That(Math.Abs(a[i] - expected[i]), Is.LessThanOrEqualTo(1e-15 + (1e-12 * Math.Abs(expected[i]))), $"{what}: group {i} is {a[i]:R}, PyTorch gives {expected[i]:R}");
        }
    }
}
