using Srn.Tests.Fixtures;
using Srn.Torch;
using F = Srn.Torch.Functional;

namespace Srn.Tests.Torch;

/// <summary>torch.nn.functional layers and losses against PyTorch (Fixtures/Torch/make_functional_fixtures.py), forward and backward.</summary>
[TestFixture]
public sealed class FunctionalParityTests : ParityTestsBase
{
    private const string File = "Torch/functional.safetensors";

    private static Tensor[] One(Tensor t) => [t];

    private static Tensor[] Pair((Tensor Output, Tensor Indices) r) => [r.Output, r.Indices];

    // Running statistics are cloned from the recorded inputs, updated in place by the op, and compared as outputs.
    private static Tensor[] BatchNormTrain(Tensor[] x, Tensor? weight, Tensor? bias, double momentum, double eps)
    {
        var runningMean = x[1].Detach().Clone();
        var runningVar = x[2].Detach().Clone();
        var y = F.BatchNorm(x[0], runningMean, runningVar, weight, bias, training: true, momentum: momentum, eps: eps);
        return [y, runningMean, runningVar];
    }

    private static Tensor[] Seeded(ulong seed, Func<Tensor> op)
    {
        LibTorch.ManualSeed(seed);
        return [op()];
    }

    private static readonly Dictionary<string, Func<Tensor[], Tensor[]>> Table = BuildOps();

    private static Dictionary<string, Func<Tensor[], Tensor[]>> BuildOps()
    {
        var ops = new Dictionary<string, Func<Tensor[], Tensor[]>>
        {
            // conv2d
            ["conv2d_basic"] = x => One(F.Conv2d(x[0], x[1], x[2])),
            ["conv2d_stride_pad"] = x => One(F.Conv2d(x[0], x[1], x[2], stride: 2, padding: 1)),
            ["conv2d_dilation_groups"] = x => One(F.Conv2d(x[0], x[1], null, stride: (1, 2), padding: (1, 2), dilation: 2, groups: 2)),
            ["conv2d_rect_dilation"] = x => One(F.Conv2d(x[0], x[1], x[2], stride: (2, 1), padding: (0, 1), dilation: (1, 3))),
            ["conv2d_depthwise"] = x => One(F.Conv2d(x[0], x[1], x[2], padding: 1, groups: 3)),
            ["conv2d_unbatched"] = x => One(F.Conv2d(x[0], x[1])),

            // batch_norm, layer_norm
            ["batch_norm_train"] = x => BatchNormTrain(x, x[3], x[4], 0.2, 1e-3),
            ["batch_norm_eval"] = x => One(F.BatchNorm(x[0], x[1].Detach(), x[2].Detach(), x[3], x[4], training: false, eps: 1e-4)),
            ["batch_norm_train_no_stats"] = x => One(F.BatchNorm(x[0], null, null, training: true, eps: 1e-2)),
            ["batch_norm_train_2d"] = x => BatchNormTrain(x, null, null, 0.1, 1e-5),
            ["layer_norm_affine"] = x => One(F.LayerNorm(x[0], [4, 5], x[1], x[2], eps: 1e-4)),
            ["layer_norm_plain"] = x => One(F.LayerNorm(x[0], [6])),

            // pooling
            ["max_pool2d_basic"] = x => One(F.MaxPool2d(x[0], 2)),
            ["max_pool2d_stride_pad"] = x => One(F.MaxPool2d(x[0], 3, stride: 2, padding: 1)),
            ["max_pool2d_dilation_ceil"] = x => One(F.MaxPool2d(x[0], (2, 3), stride: (2, 1), dilation: 2, ceilMode: true)),
            ["max_pool2d_indices"] = x => Pair(F.MaxPool2dWithIndices(x[0], 3, stride: 2, padding: 1, ceilMode: true)),
            ["max_pool2d_unbatched"] = x => One(F.MaxPool2d(x[0], (3, 2), stride: (1, 2))),
            ["avg_pool2d_basic"] = x => One(F.AvgPool2d(x[0], 2)),
            ["avg_pool2d_pad_exclude"] = x => One(F.AvgPool2d(x[0], 3, stride: 2, padding: 1, countIncludePad: false)),
            ["avg_pool2d_pad_include_ceil"] = x => One(F.AvgPool2d(x[0], 3, stride: 2, padding: 1, ceilMode: true)),
            ["avg_pool2d_ceil_divisor"] = x => One(F.AvgPool2d(x[0], (3, 2), stride: 2, ceilMode: true, divisorOverride: 5)),
            ["adaptive_avg_pool2d"] = x => One(F.AdaptiveAvgPool2d(x[0], (3, 4))),
            ["adaptive_avg_pool2d_global"] = x => One(F.AdaptiveAvgPool2d(x[0], 1)),
            ["adaptive_avg_pool2d_keep_h"] = x => One(F.AdaptiveAvgPool2d(x[0], (-1, 2))),
            ["adaptive_max_pool2d"] = x => One(F.AdaptiveMaxPool2d(x[0], (3, 4))),
            ["adaptive_max_pool2d_indices"] = x => Pair(F.AdaptiveMaxPool2dWithIndices(x[0], (2, 5))),
            ["adaptive_max_pool2d_unbatched"] = x => One(F.AdaptiveMaxPool2d(x[0], 3)),

            // linear, dropout
            ["linear_bias"] = x => One(F.Linear(x[0], x[1], x[2])),
            ["linear_nobias_3d"] = x => One(F.Linear(x[0], x[1])),
            ["dropout_train"] = x => Seeded(7, () => F.Dropout(x[0], 0.3)),
            ["dropout_train_p07"] = x => Seeded(123, () => F.Dropout(x[0], 0.7)),
            ["dropout_eval"] = x => One(F.Dropout(x[0], 0.5, training: false)),
            ["dropout_p1"] = x => One(F.Dropout(x[0], 1.0)),

            // interpolate
            ["interp_nearest_size"] = x => One(F.Interpolate(x[0], size: (8, 10))),
            ["interp_nearest_scale2"] = x => One(F.Interpolate(x[0], scaleFactor: 2.0)),
            ["interp_nearest_scale_frac"] = x => One(F.Interpolate(x[0], scaleFactor: 1.7)),
            ["interp_nearest_recompute"] = x => One(F.Interpolate(x[0], scaleFactor: 1.7, recomputeScaleFactor: true)),
            ["interp_nearest_down"] = x => One(F.Interpolate(x[0], size: 3)),
            ["interp_bilinear_size"] = x => One(F.Interpolate(x[0], size: (9, 4), mode: InterpolationMode.Bilinear)),
            ["interp_bilinear_size_align"] = x => One(F.Interpolate(x[0], size: (9, 4), mode: InterpolationMode.Bilinear, alignCorners: true)),
            ["interp_bilinear_scale"] = x => One(F.Interpolate(x[0], scaleFactor: 2.5, mode: InterpolationMode.Bilinear)),
            ["interp_bilinear_scale_align"] = x => One(F.Interpolate(x[0], scaleFactor: 0.6, mode: InterpolationMode.Bilinear, alignCorners: true)),
            ["interp_bilinear_recompute"] = x => One(F.Interpolate(x[0], scaleFactor: 1.3, mode: InterpolationMode.Bilinear, recomputeScaleFactor: true)),
            ["interp_bicubic_size"] = x => One(F.Interpolate(x[0], size: (10, 12), mode: InterpolationMode.Bicubic)),
            ["interp_bicubic_scale_align"] = x => One(F.Interpolate(x[0], scaleFactor: 1.5, mode: InterpolationMode.Bicubic, alignCorners: true)),
            ["interp_area_size"] = x => One(F.Interpolate(x[0], size: (3, 4), mode: InterpolationMode.Area)),
            ["interp_area_scale"] = x => One(F.Interpolate(x[0], scaleFactor: 0.5, mode: InterpolationMode.Area)),
            ["interp_nearest_exact_size"] = x => One(F.Interpolate(x[0], size: (8, 11), mode: InterpolationMode.NearestExact)),
            ["interp_nearest_exact_scale"] = x => One(F.Interpolate(x[0], scaleFactor: 1.5, mode: InterpolationMode.NearestExact)),

            // pad
            ["pad_constant"] = x => One(F.Pad(x[0], [1, 2, 0, 3], value: 0.5)),
            ["pad_constant_crop"] = x => One(F.Pad(x[0], [-1, 1, 2, -1])),
            ["pad_constant_3dims"] = x => One(F.Pad(x[0], [1, 1, 0, 2, 1, 0], PaddingMode.Constant, -2.0)),
            ["pad_reflect"] = x => One(F.Pad(x[0], [2, 1, 1, 3], PaddingMode.Reflect)),
            ["pad_replicate"] = x => One(F.Pad(x[0], [2, 1, 1, 3], PaddingMode.Replicate)),
            ["pad_circular"] = x => One(F.Pad(x[0], [2, 1, 1, 3], PaddingMode.Circular)),
            ["pad_reflect_1d"] = x => One(F.Pad(x[0], [2, 3], PaddingMode.Reflect)),

            // similarity, normalize, one-hot
            ["cosine_similarity_dim1"] = x => One(F.CosineSimilarity(x[0], x[1])),
            ["cosine_similarity_broadcast"] = x => One(F.CosineSimilarity(x[0], x[1], dim: -1, eps: 1e-6)),
            ["normalize_default"] = x => One(F.Normalize(x[0])),
            ["normalize_p1_dim0"] = x => One(F.Normalize(x[0], p: 1.0, dim: 0)),
            ["normalize_p3_eps"] = x => One(F.Normalize(x[0], p: 3.0, dim: -1, eps: 0.1)),
            ["one_hot_auto"] = x => One(F.OneHot(x[0])),
            ["one_hot_classes"] = x => One(F.OneHot(x[0], numClasses: 7)),

            // binary cross-entropy (loss weights are not differentiable in PyTorch: detached, as in the script)
            ["bce_mean"] = x => One(F.BinaryCrossEntropy(x[0], x[1])),
            ["bce_none_weight"] = x => One(F.BinaryCrossEntropy(x[0], x[1], x[2].Detach(), Reduction.None)),
            ["bce_sum_weight"] = x => One(F.BinaryCrossEntropy(x[0], x[1], x[2].Detach(), Reduction.Sum)),
            ["bce_log_clamp"] = x => One(F.BinaryCrossEntropy(x[0], x[1], reduction: Reduction.Sum)),
            ["bce_logits_mean"] = x => One(F.BinaryCrossEntropyWithLogits(x[0], x[1])),
            ["bce_logits_none_weight_pos"] = x => One(F.BinaryCrossEntropyWithLogits(x[0], x[1], x[2].Detach(), x[3].Detach(), Reduction.None)),
            ["bce_logits_sum_pos"] = x => One(F.BinaryCrossEntropyWithLogits(x[0], x[1], posWeight: x[2].Detach(), reduction: Reduction.Sum)),
            ["bce_logits_3d"] = x => One(F.BinaryCrossEntropyWithLogits(x[0], x[1], x[2].Detach(), x[3].Detach())),

            // cross-entropy
            ["cross_entropy_mean"] = x => One(F.CrossEntropy(x[0], x[1])),
            ["cross_entropy_weight_mean"] = x => One(F.CrossEntropy(x[0], x[1], x[2].Detach())),
            ["cross_entropy_weight_sum"] = x => One(F.CrossEntropy(x[0], x[1], x[2].Detach(), reduction: Reduction.Sum)),
            ["cross_entropy_none"] = x => One(F.CrossEntropy(x[0], x[1], reduction: Reduction.None)),
            ["cross_entropy_ignore_index"] = x => One(F.CrossEntropy(x[0], x[1], x[2].Detach(), ignoreIndex: 2)),
            ["cross_entropy_ignore_default"] = x => One(F.CrossEntropy(x[0], x[1], reduction: Reduction.None)),
            ["cross_entropy_smoothing"] = x => One(F.CrossEntropy(x[0], x[1], labelSmoothing: 0.1)),
            ["cross_entropy_smoothing_weight_ignore"] = x => One(F.CrossEntropy(x[0], x[1], x[2].Detach(), ignoreIndex: -100, labelSmoothing: 0.25)),
            ["cross_entropy_smoothing_sum"] = x => One(F.CrossEntropy(x[0], x[1], reduction: Reduction.Sum, labelSmoothing: 0.3)),
            ["cross_entropy_spatial"] = x => One(F.CrossEntropy(x[0], x[1])),
            ["cross_entropy_unbatched"] = x => One(F.CrossEntropy(x[0], x[1])),
            ["cross_entropy_probs"] = x => One(F.CrossEntropy(x[0], x[1])),
            ["cross_entropy_probs_weight_smoothing_sum"] = x => One(F.CrossEntropy(x[0], x[1], x[2].Detach(), reduction: Reduction.Sum, labelSmoothing: 0.2)),
            ["cross_entropy_probs_none"] = x => One(F.CrossEntropy(x[0], x[1], reduction: Reduction.None)),

            // KL divergence, MSE
            ["kl_div_mean"] = x => One(F.KlDiv(x[0], x[1], KlDivReduction.Mean)),
            ["kl_div_sum"] = x => One(F.KlDiv(x[0], x[1], KlDivReduction.Sum)),
            ["kl_div_none"] = x => One(F.KlDiv(x[0], x[1], KlDivReduction.None)),
            ["kl_div_batchmean"] = x => One(F.KlDiv(x[0], x[1], KlDivReduction.BatchMean)),
            ["kl_div_batchmean_log_target"] = x => One(F.KlDiv(x[0], x[1], KlDivReduction.BatchMean, logTarget: true)),
            ["kl_div_none_log_target"] = x => One(F.KlDiv(x[0], x[1], KlDivReduction.None, logTarget: true)),
            ["mse_loss_mean"] = x => One(F.MseLoss(x[0], x[1])),
            ["mse_loss_sum"] = x => One(F.MseLoss(x[0], x[1], Reduction.Sum)),
            ["mse_loss_none"] = x => One(F.MseLoss(x[0], x[1], Reduction.None)),
            ["mse_loss_broadcast"] = x => One(F.MseLoss(x[0], x[1])),
        };

        // grid_sample: every mode x padding x align_corners, named as in the script.
        var modes = new[] { ("bilinear", InterpolationMode.Bilinear), ("nearest", InterpolationMode.Nearest), ("bicubic", InterpolationMode.Bicubic) };
        var paddings = new[] { ("zeros", GridSamplePadding.Zeros), ("border", GridSamplePadding.Border), ("reflection", GridSamplePadding.Reflection) };
        foreach (var (modeName, mode) in modes)
        {
            foreach (var (paddingName, padding) in paddings)
            {
                foreach (var align in new[] { false, true })
                {
                    ops[$"grid_sample_{modeName}_{paddingName}_{(align ? "align" : "noalign")}"] =
                        x => One(F.GridSample(x[0], x[1], mode, padding, align));
                }
            }
        }

        return ops;
    }

    protected override string FixtureFile => File;

    protected override IReadOnlyDictionary<string, Func<Tensor[], Tensor[]>> Ops => Table;

    private static IEnumerable<string> Cases() => ParityFixture.CaseNames(File);

    [TestCaseSource(nameof(Cases))]
    public void Matches_PyTorch(string name) => Check(name);

    [Test]
    public void Batch_norm_updates_the_running_statistics_of_the_callers_tensors()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.FromArray(Enumerable.Range(0, 24).Select(i => (float)i).ToArray(), [4, 3, 2]);
        var mean = Tensor.Zeros([3]);
        var variance = Tensor.Ones([3]);
        _ = F.BatchNorm(x, mean, variance, training: true, momentum: 0.5);

        // x[n, c, k] = 6n + 2c + k, so channel c holds 2c + {0, 1, 6, 7, 12, 13, 18, 19}.
        double[] values = [0, 1, 6, 7, 12, 13, 18, 19];
        var m = values.Average();
        var unbiased = values.Sum(v => (v - m) * (v - m)) / (values.Length - 1);
        var gotMean = mean.ToDoubleArray();
        var gotVar = variance.ToDoubleArray();
        for (var c = 0; c < 3; c++)
        {
            Assert.That(gotMean[c], Is.EqualTo(0.5 * ((2 * c) + m)).Within(1e-5), $"running mean of channel {c}");
            Assert.That(gotVar[c], Is.EqualTo((0.5 * 1.0) + (0.5 * unbiased)).Within(1e-4), $"running variance of channel {c}");
        }

        var evalOut = F.BatchNorm(x, mean, variance, training: false);
        Assert.That(mean.ToDoubleArray(), Is.EqualTo(gotMean), "evaluation mode leaves the running mean alone");
        Assert.That(evalOut.Shape, Is.EqualTo(new long[] { 4, 3, 2 }));
    }

    [Test]
    public void Dropout_with_the_same_seed_gives_the_same_mask_and_scales_kept_values()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.Ones([1000]);
        LibTorch.ManualSeed(99);
        var a = F.Dropout(x, 0.25).ToDoubleArray();
        LibTorch.ManualSeed(99);
        var b = F.Dropout(x, 0.25).ToDoubleArray();
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a.All(v => v == 0 || Math.Abs(v - (1 / 0.75)) < 1e-6), Is.True, "kept values are scaled by 1 / (1 - p)");
        var dropped = a.Count(v => v == 0);
        Assert.That(dropped, Is.InRange(180, 320), "about a quarter of the elements are dropped");
    }

    [Test]
    public void Ops_leave_no_native_tensor_behind()
    {
        void Run()
        {
            using var scope = DisposeScope.Enter();
            var x = Tensor.Randn([2, 3, 6, 6]);
            _ = F.MaxPool2dWithIndices(x, 2);
            _ = F.AdaptiveMaxPool2d(x, 2);
            _ = F.Interpolate(x, scaleFactor: 2, mode: InterpolationMode.Bilinear);
            _ = F.CrossEntropy(x, Tensor.Zeros([2, 6, 6], ScalarType.Int64));
            Assert.Throws<TorchException>(() => F.Conv2d(x, Tensor.Randn([1, 2, 3, 3])));
        }

        Run();
        var before = LiveTensors.Settled();
        Run();
        Assert.That(LiveTensors.Settled(), Is.EqualTo(before));
    }

    [Test]
    public void Int_pair_converts_from_an_integer_and_a_tuple()
    {
        IntPair both = 3;
        IntPair pair = (2, 5);
        Assert.That(both, Is.EqualTo(new IntPair(3, 3)));
        Assert.That(pair, Is.EqualTo(new IntPair(2, 5)));
        Assert.That(pair.ToString(), Is.EqualTo("(2, 5)"));
    }
}
