using Srn.Tests.Fixtures;
using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.Tests.Torch;

/// <summary>
/// Srn.Torch.NN layers, their default initialisation under a seed, and <see cref="Init"/> against PyTorch
/// (Fixtures/Torch/make_layers_fixtures.py): forward output, input gradients, and the state dict after the forward.
/// Python and the shim share libtorch 1.13, so seeded initialisation must be PyTorch's bit for bit.
/// </summary>
[TestFixture]
public sealed class LayersParityTests : ParityTestsBase
{
    private const string File = "Torch/layers.safetensors";

    private static readonly Dictionary<string, Func<Tensor[], Tensor[]>> Table = BuildOps();

    protected override string FixtureFile => File;

    protected override IReadOnlyDictionary<string, Func<Tensor[], Tensor[]>> Ops => Table;

    private static IEnumerable<string> Cases() => ParityFixture.CaseNames(File);

    private static IEnumerable<string> InitCases() =>
        Cases().Where(n => n.StartsWith("init_", StringComparison.Ordinal) && !IsOrthogonal(n));

    private static IEnumerable<string> OrthogonalInitCases() => Cases().Where(IsOrthogonal);

    private static bool IsOrthogonal(string name) => name.StartsWith("init_orthogonal", StringComparison.Ordinal);

    [TestCaseSource(nameof(Cases))]
    public void Matches_PyTorch(string name) => Check(name);

    /// <summary>Seeded initialisation draws exactly PyTorch's values: compared with zero tolerance.</summary>
    [TestCaseSource(nameof(InitCases))]
    public void Init_is_bit_identical(string name) => Fixture.Check(name, Table[name], rtol: 0, atol: 0);

    /// <summary>
    /// Orthogonal initialisation draws PyTorch's normal values bit for bit, then takes a QR decomposition through
    /// LAPACK, whose OpenBLAS kernels differ by CPU (AVX2 vs AVX-512 order the sums differently): PyTorch itself
    /// differs from the fixture by ~4e-8 on an AVX-512 machine. Compared within 1e-6, far below the ~0.1 a wrong
    /// draw, sign correction or transposition would cost.
    /// </summary>
    [TestCaseSource(nameof(OrthogonalInitCases))]
    public void Orthogonal_init_matches_PyTorch(string name) => Fixture.Check(name, Table[name], rtol: 1e-5, atol: 1e-6);

    /// <summary>The parameters a layer starts with under a seed are PyTorch's, bit for bit (outputs 1.. of each layer case that has parameters).</summary>
    [TestCaseSource(nameof(SeededLayerCases))]
    public void Initial_parameters_are_bit_identical(string name)
    {
        var (seed, make) = SeededLayers[name];
        LibTorch.ManualSeed(seed);
        using var scope = DisposeScope.Enter();
        using var m = make();
        var keys = m.StateDict().Keys.ToList();
        var parameterNames = m.NamedParameters().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        Assert.That(parameterNames, Is.Not.Empty);
        for (var k = 0; k < keys.Count; k++)
        {
            if (parameterNames.Contains(keys[k]))
            {
                var p = m.NamedParameters().Single(q => q.Name == keys[k]).Parameter;
                ParityFixture.AssertClose(p, Fixture[$"{name}/out{k + 1}"], 0, 0, $"{name}: initial {keys[k]}");
            }
        }
    }

    private static string[] SeededLayerCases() => [.. SeededLayers.Keys];

    // Layer cases whose parameters come from the seeded global generator: the case's seed and constructor.
    private static readonly Dictionary<string, (ulong Seed, Func<Module> Make)> SeededLayers = new()
    {
        ["linear"] = (1, () => new Linear(5, 3)),
        ["linear_no_bias"] = (2, () => new Linear(5, 3, bias: false)),
        ["conv2d"] = (3, () => new Conv2d(3, 4, 3, padding: 1)),
        ["conv2d_no_bias_stride"] = (4, () => new Conv2d(3, 5, (3, 2), stride: 2, bias: false)),
        ["conv2d_groups_dilation"] = (5, () => new Conv2d(4, 6, 3, padding: 2, dilation: 2, groups: 2)),
        ["embedding"] = (6, () => new Embedding(7, 4)),
        ["embedding_padding"] = (7, () => new Embedding(7, 4, paddingIdx: 2)),
        ["embedding_padding_negative"] = (8, () => new Embedding(6, 3, paddingIdx: -1)),
        ["gru_cell"] = (9, () => new GRUCell(5, 4)),
        ["gru_cell_no_hidden"] = (10, () => new GRUCell(5, 4)),
        ["gru_cell_no_bias"] = (11, () => new GRUCell(3, 6, bias: false)),
        ["gru_cell_unbatched"] = (12, () => new GRUCell(5, 4)),
        ["sequential"] = (14, MakeSequential),
        ["tiny_net"] = (15, () => new TinyNet()),
    };

    private static Sequential MakeSequential() => new(
        new Conv2d(3, 4, 3, padding: 1, bias: false), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2), new Conv2d(4, 2, 1), new AdaptiveAvgPool2d(1));

    // [forward output, *state dict values] of a layer built under ManualSeed(seed), as the script's layer_case.
    private static Tensor[] Layer<TM>(ulong seed, Func<TM> make, Func<TM, Tensor> run, bool train = true)
        where TM : Module
    {
        LibTorch.ManualSeed(seed);
        using var m = make();
        m.Train(train);
        var y = run(m);
        return [y, .. m.StateDict().Values];
    }

    private static Tensor[] Layer(ulong seed, Func<Module<Tensor, Tensor>> make, Tensor input, bool train = true) =>
        Layer(seed, make, m => m.Forward(input), train);

    // The gradient of every parameter for the upstream gradient given as the last input, as the script's param_grads_case.
    private static Tensor[] ParamGrads<TM>(ulong seed, Func<TM> make, Tensor[] x, Func<TM, Tensor[], Tensor> run)
        where TM : Module
    {
        LibTorch.ManualSeed(seed);
        using var m = make();
        var y = run(m, x[..^1]);
        y.Backward(x[^1]);
        return [.. m.Parameters().Select(p => p.Grad ?? throw new AssertionException("a parameter got no gradient"))];
    }

    private static Tensor[] InitCase(ulong seed, long[] shape, Func<Tensor, Tensor> fill, ScalarType dtype = ScalarType.Float32)
    {
        LibTorch.ManualSeed(seed);
        var t = Tensor.Empty(shape, dtype);
        fill(t);
        return [t];
    }

    private static BatchNorm2d AfterOneBatch(Tensor x0, double? momentum = 0.1)
    {
        var bn = new BatchNorm2d(3, momentum: momentum);
        using (Autograd.NoGrad())
        {
            bn.Forward(x0).Dispose();
        }

        return bn;
    }

    private static Tensor[] WithState(Module m, Tensor y) => [y, .. m.StateDict().Values];

    private static Dictionary<string, Func<Tensor[], Tensor[]>> BuildOps() => new()
    {
        // torch.nn.init
        ["init_kaiming_uniform_fan_in_relu"] = _ => InitCase(11, [6, 4, 3, 3], t => Init.KaimingUniform_(t, mode: FanMode.FanIn, nonlinearity: Nonlinearity.Relu)),
        ["init_kaiming_uniform_fan_out_leaky_relu"] = _ => InitCase(12, [5, 7], t => Init.KaimingUniform_(t, a: 0.2, mode: FanMode.FanOut, nonlinearity: Nonlinearity.LeakyRelu)),
        ["init_kaiming_uniform_defaults"] = _ => InitCase(13, [8, 3], t => Init.KaimingUniform_(t)),
        ["init_kaiming_uniform_sqrt5_float64"] = _ => InitCase(14, [6, 5], t => Init.KaimingUniform_(t, a: Math.Sqrt(5)), ScalarType.Float64),
        ["init_kaiming_normal_fan_out_relu"] = _ => InitCase(15, [6, 4, 3, 3], t => Init.KaimingNormal_(t, mode: FanMode.FanOut, nonlinearity: Nonlinearity.Relu)),
        ["init_kaiming_normal_fan_in_leaky_relu"] = _ => InitCase(16, [5, 7], t => Init.KaimingNormal_(t, a: 0.1, mode: FanMode.FanIn, nonlinearity: Nonlinearity.LeakyRelu)),
        ["init_xavier_uniform_tanh_gain"] = _ => InitCase(17, [6, 4, 3, 3], t => Init.XavierUniform_(t, gain: Init.CalculateGain(Nonlinearity.Tanh))),
        ["init_xavier_normal"] = _ => InitCase(18, [5, 7], t => Init.XavierNormal_(t)),
        ["init_uniform"] = _ => InitCase(19, [4, 5], t => Init.Uniform_(t, -0.3, 0.7)),
        ["init_normal"] = _ => InitCase(20, [4, 5], t => Init.Normal_(t, 0.5, 2.0)),
        ["init_zeros"] = _ => InitCase(21, [3, 2], Init.Zeros_),
        ["init_ones"] = _ => InitCase(22, [3, 2], Init.Ones_),
        ["init_constant"] = _ => InitCase(23, [3, 2], t => Init.Constant_(t, 0.25)),
        ["init_orthogonal_tall"] = _ => InitCase(24, [8, 3], t => Init.Orthogonal_(t)),
        ["init_orthogonal_wide"] = _ => InitCase(25, [3, 8], t => Init.Orthogonal_(t)),
        ["init_orthogonal_4d_wide_gain"] = _ => InitCase(26, [4, 2, 3, 3], t => Init.Orthogonal_(t, gain: 2.0)),
        ["init_orthogonal_4d_tall"] = _ => InitCase(27, [20, 2, 1, 3], t => Init.Orthogonal_(t)),
        ["init_calculate_gain"] = _ => [Tensor.FromArray(new[]
        {
            Init.CalculateGain(Nonlinearity.Linear), Init.CalculateGain(Nonlinearity.Sigmoid), Init.CalculateGain(Nonlinearity.Tanh),
            Init.CalculateGain(Nonlinearity.Relu), Init.CalculateGain(Nonlinearity.LeakyRelu), Init.CalculateGain(Nonlinearity.LeakyRelu, 0.2),
            Init.CalculateGain(Nonlinearity.Selu),
        })],

        // Linear
        ["linear"] = x => Layer(1, () => new Linear(5, 3), x[0]),
        ["linear_no_bias"] = x => Layer(2, () => new Linear(5, 3, bias: false), x[0]),
        ["linear_param_grads"] = x => ParamGrads(1, () => new Linear(5, 3), x, (m, a) => m.Forward(a[0])),

        // Conv2d
        ["conv2d"] = x => Layer(3, () => new Conv2d(3, 4, 3, padding: 1), x[0]),
        ["conv2d_no_bias_stride"] = x => Layer(4, () => new Conv2d(3, 5, (3, 2), stride: 2, bias: false), x[0]),
        ["conv2d_groups_dilation"] = x => Layer(5, () => new Conv2d(4, 6, 3, padding: 2, dilation: 2, groups: 2), x[0]),
        ["conv2d_param_grads"] = x => ParamGrads(3, () => new Conv2d(3, 4, 3, padding: 1), x, (m, a) => m.Forward(a[0])),

        // BatchNorm2d
        ["batch_norm_train"] = x => Layer(0, () => new BatchNorm2d(3), x[0]),
        ["batch_norm_eval"] = x =>
        {
            using var bn = AfterOneBatch(x[0]);
            bn.Eval();
            return WithState(bn, bn.Forward(x[1]));
        },
        ["batch_norm_frozen_statistics_in_train"] = x =>
        {
            using var bn = AfterOneBatch(x[0], momentum: 0.3);
            bn.FrozenStatistics = true;
            Assert.That(bn.Training, Is.True);
            return WithState(bn, bn.Forward(x[1]));
        },
        ["batch_norm_cumulative_average"] = x =>
        {
            using var bn = new BatchNorm2d(3, momentum: null);
            bn.Forward(x[0]);
            bn.Forward(x[1]);
            return WithState(bn, bn.Forward(x[2]));
        },
        ["batch_norm_untracked_eval"] = x => Layer(0, () => new BatchNorm2d(3, affine: false, trackRunningStats: false), x[0], train: false),

        // LayerNorm
        ["layer_norm_affine"] = x => Layer(0, () => new LayerNorm([4, 5]), x[0]),
        ["layer_norm_no_affine"] = x => Layer(0, () => new LayerNorm(5, eps: 1e-3, elementwiseAffine: false), x[0]),
        ["layer_norm_param_grads"] = x => ParamGrads(0, () => new LayerNorm([4, 5]), x, (m, a) => m.Forward(a[0])),

        // Embedding
        ["embedding"] = x => Layer(6, () => new Embedding(7, 4), x[0]),
        ["embedding_padding"] = x => Layer(7, () => new Embedding(7, 4, paddingIdx: 2), x[0]),
        ["embedding_padding_negative"] = x => Layer(8, () => new Embedding(6, 3, paddingIdx: -1), x[0]),
        ["embedding_padding_param_grads"] = x => ParamGrads(7, () => new Embedding(7, 4, paddingIdx: 2), x, (m, a) => m.Forward(a[0])),

        // GRUCell
        ["gru_cell"] = x => Layer(9, () => new GRUCell(5, 4), m => m.Forward((x[0], x[1]))),
        ["gru_cell_no_hidden"] = x => Layer(10, () => new GRUCell(5, 4), m => m.Forward((x[0], null))),
        ["gru_cell_no_bias"] = x => Layer(11, () => new GRUCell(3, 6, bias: false), m => m.Forward((x[0], x[1]))),
        ["gru_cell_unbatched"] = x => Layer(12, () => new GRUCell(5, 4), m => m.Forward((x[0], x[1]))),
        ["gru_cell_two_steps"] = x => Layer(9, () => new GRUCell(5, 4), m => m.Forward((x[1], m.Forward((x[0], null))))),
        ["gru_cell_param_grads"] = x => ParamGrads(9, () => new GRUCell(5, 4), x, (m, a) => m.Forward((a[0], a[1]))),

        // Dropout
        ["dropout_train"] = x => Layer(13, () => new Dropout(0.3), x[0]),
        ["dropout_train_p1"] = x => Layer(13, () => new Dropout(1.0), x[0]),
        ["dropout_eval"] = x => Layer(13, () => new Dropout(0.3), x[0], train: false),

        // pooling and activations
        ["avg_pool2d"] = x => Layer(0, () => new AvgPool2d(2), x[0]),
        ["avg_pool2d_pad_ceil_exclude_pad"] = x => Layer(0, () => new AvgPool2d(3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false), x[0]),
        ["avg_pool2d_divisor_override"] = x => Layer(0, () => new AvgPool2d((2, 3), stride: (1, 2), divisorOverride: 4), x[0]),
        ["max_pool2d"] = x => Layer(0, () => new MaxPool2d(3, stride: 2, padding: 1), x[0]),
        ["max_pool2d_dilation_ceil"] = x => Layer(0, () => new MaxPool2d(2, stride: 1, dilation: 2, ceilMode: true), x[0]),
        ["adaptive_avg_pool2d"] = x => Layer(0, () => new AdaptiveAvgPool2d((2, 3)), x[0]),
        ["adaptive_avg_pool2d_global"] = x => Layer(0, () => new AdaptiveAvgPool2d(1), x[0]),
        ["sigmoid"] = x => Layer(0, () => new Sigmoid(), x[0]),
        ["tanh"] = x => Layer(0, () => new Tanh(), x[0]),
        ["identity"] = x => Layer(0, () => new Identity(), x[0]),
        ["relu"] = x => Layer(0, () => new ReLU(), x[0]),
        ["relu_inplace"] = x => Layer(0, () => new ReLU(inplace: true), m => m.Forward(x[0] * 1.0)),

        // containers and a nested model
        ["sequential"] = x => Layer(14, MakeSequential, x[0]),
        ["tiny_net"] = x => Layer(15, () => new TinyNet(), m => m.Forward((x[0], x[1]))),
    };
}
