using Srn.Tests.Fixtures;
using Srn.Torch;

namespace Srn.Tests.Torch;

/// <summary>Creation, elementwise math, matrix products, reductions, in-place ops and conversions against PyTorch (Fixtures/Torch/make_math_fixtures.py).</summary>
[TestFixture]
public sealed class MathParityTests : ParityTestsBase
{
    private const string File = "Torch/math.safetensors";

    private static Tensor[] One(Tensor t) => [t];

    private static Tensor[] Seeded(ulong seed, Func<Tensor> make)
    {
        LibTorch.ManualSeed(seed);
        return [make()];
    }

    private static Tensor[] Pair((Tensor Values, Tensor Indices) r) => [r.Values, r.Indices];

    private static readonly Dictionary<string, Func<Tensor[], Tensor[]>> Table = new()
    {
        // creation
        ["zeros"] = _ => One(Tensor.Zeros([2, 3])),
        ["ones_i64"] = _ => One(Tensor.Ones([2, 3], ScalarType.Int64)),
        ["full"] = _ => One(Tensor.Full([2, 2], 2.5)),
        ["arange_int"] = _ => One(Tensor.Arange(2, 11, 3)),
        ["arange_float"] = _ => One(Tensor.Arange(0.0, 1.0, 0.25)),
        ["linspace"] = _ => One(Tensor.Linspace(-1, 1, 7)),
        ["eye"] = _ => One(Tensor.Eye(3, 4)),
        ["rand_seeded"] = _ => Seeded(7, () => Tensor.Rand([3, 5])),
        ["randn_seeded"] = _ => Seeded(7, () => Tensor.Randn([4, 2])),
        ["randint_seeded"] = _ => Seeded(7, () => Tensor.RandInt(0, 10, [6])),
        ["randperm_seeded"] = _ => Seeded(7, () => Tensor.RandPerm(8)),
        ["float64_randn_seeded"] = _ => Seeded(3, () => Tensor.Randn([2, 2], ScalarType.Float64)),

        // elementwise binary
        ["add"] = x => One(x[0] + x[1]),
        ["add_broadcast"] = x => One(x[0] + x[1]),
        ["add_alpha"] = x => One(x[0].Add(x[1], alpha: -0.5)),
        ["add_scalar"] = x => One(x[0] + 1.5),
        ["sub"] = x => One(x[0] - x[1]),
        ["rsub_scalar"] = x => One(2.0 - x[0]),
        ["mul"] = x => One(x[0] * x[1]),
        ["mul_scalar"] = x => One(x[0] * 3.0),
        ["div"] = x => One(x[0] / x[1]),
        ["rdiv_scalar"] = x => One(2.0 / x[0]),
        ["pow_scalar"] = x => One(x[0].Pow(3)),
        ["pow_tensor"] = x => One(x[0].Pow(x[1])),
        ["maximum"] = x => One(x[0].Maximum(x[1])),
        ["minimum"] = x => One(x[0].Minimum(x[1])),
        ["remainder_int"] = x => One(x[0] % x[1]),
        ["floor_divide_int"] = x => One(x[0].FloorDivide(x[1])),
        ["atan2"] = x => One(x[0].Atan2(x[1])),
        ["small_add_nograd"] = x => One(x[0] + x[1]),
        ["small_sub_nograd"] = x => One(x[0] - x[1]),
        ["small_mul_nograd"] = x => One(x[0] * x[1]),
        ["small_div_nograd"] = x => One(x[0] / x[1]),
        ["small_div_float64_nograd"] = x => One(x[0] / x[1]),
        ["large_add_nograd"] = x => One(x[0] + x[1]),
        ["int_plus_int_scalar"] = x => One(x[0] + 2),
        ["int_plus_float_scalar"] = x => One(x[0] + 0.5),
        ["int_div_int"] = x => One(x[0] / x[1]),
        ["eq"] = x => One(x[0].Eq(x[1])),
        ["ne_scalar"] = x => One(x[0].Ne(1)),
        ["lt"] = x => One(x[0] < x[1]),
        ["le_scalar"] = x => One(x[0] <= 0.0),
        ["gt"] = x => One(x[0] > x[1]),
        ["ge_scalar"] = x => One(x[0] >= 0.0),
        ["logical_and"] = x => One(x[0] & x[1]),
        ["logical_or"] = x => One(x[0] | x[1]),
        ["logical_xor"] = x => One(x[0].LogicalXor(x[1])),
        ["logical_not"] = x => One(!x[0]),

        // unary and activations
        ["neg"] = x => One(-x[0]),
        ["exp"] = x => One(x[0].Exp()),
        ["log"] = x => One(x[0].Log()),
        ["log2"] = x => One(x[0].Log2()),
        ["log1p"] = x => One(x[0].Log1p()),
        ["expm1"] = x => One(x[0].Expm1()),
        ["sqrt"] = x => One(x[0].Sqrt()),
        ["rsqrt"] = x => One(x[0].Rsqrt()),
        ["square"] = x => One(x[0].Square()),
        ["abs"] = x => One(x[0].Abs()),
        ["sign"] = x => One(x[0].Sign()),
        ["floor"] = x => One(x[0].Floor()),
        ["ceil"] = x => One(x[0].Ceil()),
        ["round"] = x => One(x[0].Round()),
        ["trunc"] = x => One(x[0].Trunc()),
        ["reciprocal"] = x => One(x[0].Reciprocal()),
        ["sin"] = x => One(x[0].Sin()),
        ["cos"] = x => One(x[0].Cos()),
        ["erf"] = x => One(x[0].Erf()),
        ["isnan"] = x => One(x[0].Log().IsNan()),
        ["isfinite"] = x => One(x[0].Log().IsFinite()),
        ["sigmoid"] = x => One(x[0].Sigmoid()),
        ["tanh"] = x => One(x[0].Tanh()),
        ["relu"] = x => One(x[0].Relu()),
        ["silu"] = x => One(x[0].Silu()),
        ["gelu"] = x => One(x[0].Gelu()),
        ["leaky_relu"] = x => One(x[0].LeakyRelu(0.2)),
        ["softplus"] = x => One(x[0].Softplus()),
        ["softplus_beta"] = x => One(x[0].Softplus(beta: 2.0, threshold: 5.0)),
        ["logsigmoid"] = x => One(x[0].LogSigmoid()),
        ["softmax"] = x => One(x[0].Softmax(1)),
        ["softmax_dim0"] = x => One(x[0].Softmax(0)),
        ["log_softmax"] = x => One(x[0].LogSoftmax(-1)),
        ["softmax_float64"] = x => One(x[0].Softmax(1, ScalarType.Float64)),
        ["clamp"] = x => One(x[0].Clamp(-0.5, 0.5)),
        ["clamp_min"] = x => One(x[0].Clamp(min: 0.0)),
        ["clamp_max"] = x => One(x[0].Clamp(max: 0.1)),
        ["clamp_tensor"] = x => One(x[0].Clamp(x[1], x[2])),
        ["lerp"] = x => One(x[0].Lerp(x[1], 0.3)),

        // matrix products
        ["matmul_2d"] = x => One(x[0].MatMul(x[1])),
        ["matmul_batched_broadcast"] = x => One(x[0].MatMul(x[1])),
        ["matmul_vec"] = x => One(x[0].MatMul(x[1])),
        ["bmm"] = x => One(x[0].Bmm(x[1])),
        ["mm"] = x => One(x[0].Mm(x[1])),
        ["outer"] = x => One(x[0].Outer(x[1])),
        ["dot"] = x => One(x[0].Dot(x[1])),
        ["einsum_bmm"] = x => One(Tensor.Einsum("bij,bjk->bik", x[0], x[1])),
        ["einsum_trace_like"] = x => One(Tensor.Einsum("ii->i", x[0])),
        ["einsum_outer_sum"] = x => One(Tensor.Einsum("i,j->", x[0], x[1])),

        // reductions
        ["sum_all"] = x => One(x[0].Sum()),
        ["sum_dim"] = x => One(x[0].Sum(1)),
        ["sum_dims_keepdim"] = x => One(x[0].Sum([0, 2], keepDim: true)),
        ["sum_int"] = x => One(x[0].Sum()),
        ["nansum"] = x => One(x[0].Log().NanSum()),
        ["mean_all"] = x => One(x[0].Mean()),
        ["mean_dim_keepdim"] = x => One(x[0].Mean(-1, keepDim: true)),
        ["prod_all"] = x => One(x[0].Prod()),
        ["prod_dim"] = x => One(x[0].Prod(0)),
        ["max_all"] = x => One(x[0].Max()),
        ["min_all"] = x => One(x[0].Min()),
        ["max_dim"] = x => Pair(x[0].Max(1)),
        ["min_dim_keepdim"] = x => Pair(x[0].Min(0, keepDim: true)),
        ["amax_dims"] = x => One(x[0].AMax([1, 2])),
        ["amin_dims_keepdim"] = x => One(x[0].AMin([0], keepDim: true)),
        ["argmax_all"] = x => One(x[0].ArgMax()),
        ["argmax_dim"] = x => One(x[0].ArgMax(1)),
        ["argmin_dim_keepdim"] = x => One(x[0].ArgMin(0, keepDim: true)),
        ["var_all"] = x => One(x[0].Var()),
        ["var_dim_biased"] = x => One(x[0].Var([1], unbiased: false)),
        ["std_all"] = x => One(x[0].Std()),
        ["std_dims_keepdim"] = x => One(x[0].Std([0, 2], keepDim: true)),
        ["norm_all"] = x => One(x[0].Norm()),
        ["norm_p1_dim"] = x => One(x[0].Norm(1, [1])),
        ["norm_inf_dim"] = x => One(x[0].Norm(double.PositiveInfinity, [1], keepDim: true)),
        ["logsumexp_dim"] = x => One(x[0].LogSumExp([1])),
        ["logsumexp_all"] = x => One(x[0].LogSumExp([0, 1, 2])),
        ["any_all"] = x => One(x[0].Any()),
        ["any_dim"] = x => One(x[0].Any(1)),
        ["all_all"] = x => One(x[0].All()),
        ["all_dim_keepdim"] = x => One(x[0].All(0, keepDim: true)),
        ["topk"] = x => Pair(x[0].TopK(2, dim: 1)),
        ["topk_smallest_dim0"] = x => Pair(x[0].TopK(2, dim: 0, largest: false)),
        ["sort"] = x => Pair(x[0].Sort(1)),
        ["sort_desc_stable"] = x => Pair(x[0].Sort(0, descending: true, stable: true)),
        ["argsort"] = x => One(x[0].ArgSort(1, descending: true)),
        ["cumsum"] = x => One(x[0].CumSum(1)),
        ["cumprod"] = x => One(x[0].CumProd(0)),

        // in-place
        ["add_inplace_alpha"] = x => One(x[0].Clone().Add_(x[1], alpha: -0.1)),
        ["add_inplace_scalar"] = x => One(x[0].Clone().Add_(2.0)),
        ["sub_inplace"] = x => One(x[0].Clone().Sub_(x[1], alpha: 2.0)),
        ["mul_inplace"] = x => One(x[0].Clone().Mul_(x[1])),
        ["mul_inplace_scalar"] = x => One(x[0].Clone().Mul_(0.9)),
        ["div_inplace"] = x => One(x[0].Clone().Div_(x[1])),
        ["div_inplace_scalar"] = x => One(x[0].Clone().Div_(4.0)),
        ["pow_inplace"] = x => One(x[0].Clone().Pow_(2.0)),
        ["addcmul_inplace"] = x => One(x[0].Clone().Addcmul_(x[1], x[2], 0.5)),
        ["addcdiv_inplace"] = x => One(x[0].Clone().Addcdiv_(x[1], x[2], -0.01)),
        ["copy_inplace_broadcast"] = x => One(x[0].Clone().Copy_(x[1])),
        ["zero_inplace"] = x => One(x[0].Clone().Zero_()),
        ["fill_inplace"] = x => One(x[0].Clone().Fill_(3.25)),
        ["clamp_inplace"] = x => One(x[0].Clone().Clamp_(-0.2, 0.3)),
        ["sqrt_inplace"] = x => One(x[0].Clone().Sqrt_()),
        ["neg_inplace"] = x => One(x[0].Clone().Neg_()),
        ["exp_inplace"] = x => One(x[0].Clone().Exp_()),
        ["relu_inplace"] = x => One(x[0].Clone().Relu_()),
        ["lerp_inplace"] = x => One(x[0].Clone().Lerp_(x[1], 0.9)),
        ["lerp_inplace_tensor"] = x => One(x[0].Clone().Lerp_(x[1], x[2])),

        // conversions
        ["to_float64"] = x => One(x[0].To(ScalarType.Float64)),
        ["to_int32_truncates"] = x => One((x[0] * 3.0).To(ScalarType.Int32)),
        ["to_float16"] = x => One(x[0].To(ScalarType.Float16)),
        ["to_bfloat16"] = x => One(x[0].To(ScalarType.BFloat16)),
        ["bool_to_float"] = x => One(x[0].To(ScalarType.Float32)),
    };

    protected override string FixtureFile => File;

    protected override IReadOnlyDictionary<string, Func<Tensor[], Tensor[]>> Ops => Table;

    private static IEnumerable<string> Cases() => ParityFixture.CaseNames(File);

    [TestCaseSource(nameof(Cases))]
    public void Matches_PyTorch(string name) => Check(name);
}
