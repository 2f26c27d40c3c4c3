using Srn.Tests.Fixtures;
using Srn.Torch;
using Srn.Torch.NN;
using F = Srn.Torch.Functional;

namespace Srn.Tests.Torch;

/// <summary>
/// RoIPool and RoIAlign against torchvision (Fixtures/Torch/make_roi_fixtures.py), forward and backward, through the CPU
/// kernel and through the ATen composite that other devices run; then their modules, helpers and errors.
/// </summary>
[TestFixture]
public sealed class RoIOpsTests : ParityTestsBase
{
    private const string File = "Torch/roi.safetensors";

    private static Tensor[] One(Tensor t) => [t];

    private static Dictionary<string, Func<Tensor[], Tensor[]>> BuildOps(bool composite)
    {
        Func<Tensor[], Tensor[]> Pool(IntPair size, double scale) => x => One(F.RoIPool(x[0], x[1], size, scale, composite));
        Func<Tensor[], Tensor[]> Align(IntPair size, double scale, long ratio, bool aligned) =>
            x => One(F.RoIAlign(x[0], x[1], size, scale, ratio, aligned, composite));

        var ops = new Dictionary<string, Func<Tensor[], Tensor[]>>
        {
            ["pool_s8_rect"] = Pool((3, 5), 1.0 / 8),
            ["pool_ties"] = Pool((4, 3), 1.0 / 16),
            ["align_s16_sr2"] = Align(7, 1.0 / 16, 2, false),
            ["align_s8_adaptive_aligned"] = Align((4, 3), 1.0 / 8, 0, true),
            ["align_s16_sr1_rect"] = Align((2, 5), 1.0 / 16, 1, false),
            ["align_s1_adaptive"] = Align(3, 1.0, -1, true),
            ["pool_s1"] = Pool(3, 1.0),
        };
        foreach (var suffix in new[] { string.Empty, "_f64" })
        {
            ops["pool_s16" + suffix] = Pool(7, 1.0 / 16);
            ops["align_s16_sr2_aligned" + suffix] = Align(7, 1.0 / 16, 2, true);
            ops["align_s8_adaptive" + suffix] = Align((4, 3), 1.0 / 8, -1, false);
            ops["pool_no_boxes" + suffix] = x => Pool(7, 1.0 / 16)([x[0], Tensor.Zeros([0, 5], x[0].DType)]);
            ops["align_no_boxes" + suffix] = x => Align(7, 1.0 / 16, 2, false)([x[0], Tensor.Zeros([0, 5], x[0].DType)]);
        }

        return ops;
    }

    private static readonly Dictionary<string, Func<Tensor[], Tensor[]>> KernelOps = BuildOps(composite: false);
    private static readonly Dictionary<string, Func<Tensor[], Tensor[]>> CompositeOps = BuildOps(composite: true);

    /// <inheritdoc/>
    protected override string FixtureFile => File;

    /// <inheritdoc/>
    protected override IReadOnlyDictionary<string, Func<Tensor[], Tensor[]>> Ops => KernelOps;

    private static IEnumerable<string> Cases() => ParityFixture.CaseNames(File);

    [TestCaseSource(nameof(Cases))]
    public void Kernel_matches_torchvision(string name) => Check(name);

    // The composite sums in another order (matmul), so float32 results agree to rounding, not to the bit.
    [TestCaseSource(nameof(Cases))]
    public void Composite_matches_torchvision(string name) => Fixture.Check(name, CompositeOps[name], rtol: 1e-4, atol: 1e-5);

    [Test]
    public void An_image_without_boxes_gets_a_zero_gradient()
    {
        using var scope = DisposeScope.Enter();
        var x = Fixture["align_s16_sr2/in0"].Clone().RequiresGrad_();
        var boxes = Fixture["align_s16_sr2/in1"];
        Assert.That(boxes.Index(TensorIndex.Slice(), 0).Eq(1).Any().Item<bool>(), Is.False, "the fixture leaves image 1 without boxes");
        F.RoIAlign(x, boxes, 7, 1.0 / 16, 2).Sum().Backward();
        Assert.That(x.Grad!.Index(1).Abs().Max().Item<float>(), Is.EqualTo(0f));
        Assert.That(x.Grad!.Index(0).Abs().Max().Item<float>(), Is.GreaterThan(0f));
    }

    [TestCase(false, 2, false)]
    [TestCase(true, 2, true)]
    [TestCase(false, -1, true)]
    public void Kernel_and_composite_agree_on_random_boxes_in_float64(bool pool, long ratio, bool aligned)
    {
        using var scope = DisposeScope.Enter();
        var (x, boxes) = RandomProblem(seed: 5, images: 2, boxes: 60);
        Tensor Run(bool composite, out Tensor grad)
        {
            var xi = x.Clone().RequiresGrad_();
            var y = pool ? F.RoIPool(xi, boxes, (5, 4), 1.0 / 8, composite) : F.RoIAlign(xi, boxes, (5, 4), 1.0 / 8, ratio, aligned, composite);
            (y * y).Sum().Backward();
            grad = xi.Grad!;
            return y.Detach();
        }

        var kernel = Run(false, out var kernelGrad);
        var composite = Run(true, out var compositeGrad);
        ParityFixture.AssertClose(composite, kernel, 1e-10, 1e-12, "output");
        ParityFixture.AssertClose(compositeGrad, kernelGrad, 1e-10, 1e-12, "gradient");
    }

    [Test]
    public void RoIAlign_gradient_matches_finite_differences()
    {
        using var scope = DisposeScope.Enter();
        var (x, boxes) = RandomProblem(seed: 9, images: 2, boxes: 6);
        var w = Tensor.Randn([6, 3, 2, 3], ScalarType.Float64);
        double Loss(Tensor input) => (F.RoIAlign(input, boxes, (2, 3), 1.0 / 8, -1, aligned: true) * w).Sum().Item<double>();
        var xg = x.Clone().RequiresGrad_();
        (F.RoIAlign(xg, boxes, (2, 3), 1.0 / 8, -1, aligned: true) * w).Sum().Backward();
        var analytic = xg.Grad!.ToDoubleArray();
        var flat = x.Clone().Reshape([-1]);
        var values = flat.ToDoubleArray();
        const double h = 1e-6;
        for (var i = 0; i < values.Length; i += 7)
        {
            var plus = (double[])values.Clone();
            var minus = (double[])values.Clone();
            plus[i] += h;
            minus[i] -= h;
            var numeric = (Loss(Tensor.FromArray(plus, x.Shape)) - Loss(Tensor.FromArray(minus, x.Shape))) / (2 * h);
            Assert.That(analytic[i], Is.EqualTo(numeric).Within(1e-6), $"element {i}");
        }
    }

    [Test]
    public void Modules_run_the_functions()
    {
        using var scope = DisposeScope.Enter();
        var (x, boxes) = RandomProblem(seed: 3, images: 2, boxes: 5);
        var pool = new RoIPool(7, 1.0 / 8);
        var align = new RoIAlign((3, 2), 1.0 / 8, samplingRatio: 2, aligned: true);
        Assert.That(pool.Forward((x, boxes)).Eq(F.RoIPool(x, boxes, 7, 1.0 / 8)).All().Item<bool>(), Is.True);
        Assert.That(align.Forward((x, boxes)).Eq(F.RoIAlign(x, boxes, (3, 2), 1.0 / 8, 2, true)).All().Item<bool>(), Is.True);
        Assert.That(align.Forward((x, boxes)).Shape, Is.EqualTo(new long[] { 5, 3, 3, 2 }));
        Assert.That(pool.Parameters(), Is.Empty);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new RoIAlign(0, 1.0 / 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new RoIPool(7, 0));
    }

    [Test]
    public void Boxes_are_converted_to_the_input_dtype()
    {
        using var scope = DisposeScope.Enter();
        var (x, boxes) = RandomProblem(seed: 4, images: 2, boxes: 8);
        var x32 = x.To(ScalarType.Float32);
        var expected = F.RoIAlign(x32, boxes.To(ScalarType.Float32), 3, 1.0 / 8, 2);
        var actual = F.RoIAlign(x32, boxes, 3, 1.0 / 8, 2);
        Assert.That(actual.DType, Is.EqualTo(ScalarType.Float32));
        Assert.That(actual.Eq(expected).All().Item<bool>(), Is.True);
    }

    [Test]
    public void BoxesToRois_prefixes_each_image_index()
    {
        using var scope = DisposeScope.Enter();
        var a = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, [2, 4]);
        var none = Tensor.Zeros([0, 4]);
        var c = Tensor.FromArray(new float[] { 9, 10, 11, 12 }, [1, 4]);
        var rois = F.BoxesToRois([a, none, c]);
        Assert.That(rois.Shape, Is.EqualTo(new long[] { 3, 5 }));
        Assert.That(rois.ToArray<float>(), Is.EqualTo(new float[] { 0, 1, 2, 3, 4, 0, 5, 6, 7, 8, 2, 9, 10, 11, 12 }));
        Assert.That(F.BoxesToRois([]).Shape, Is.EqualTo(new long[] { 0, 5 }));
        Assert.Throws<ArgumentException>(() => F.BoxesToRois([Tensor.Zeros([2, 5])]));
        Assert.Throws<ArgumentException>(() => F.BoxesToRois([a, Tensor.Zeros([1, 4], ScalarType.Float64)]));
    }

    [Test]
    public void Second_derivatives_are_refused()
    {
        using var scope = DisposeScope.Enter();
        var (x, boxes) = RandomProblem(seed: 6, images: 2, boxes: 4);
        foreach (var pool in new[] { false, true })
        {
            var xi = x.Clone().RequiresGrad_();
            var y = pool ? F.RoIPool(xi, boxes, 2, 1.0 / 8) : F.RoIAlign(xi, boxes, 2, 1.0 / 8, 2);
            (y * y).Sum().Backward(createGraph: true);
            var e = Assert.Throws<TorchException>(() => xi.Grad!.Sum().Backward());
            Assert.That(e!.Message, Does.Contain("double backward"));
        }
    }

    [Test]
    public void Repeated_forward_and_backward_leaks_no_tensor()
    {
        var (x, boxes) = RandomProblem(seed: 8, images: 2, boxes: 10);
        void Step(bool composite)
        {
            using var scope = DisposeScope.Enter();
            var xi = x.Clone().RequiresGrad_();
            (F.RoIPool(xi, boxes, 3, 1.0 / 8, composite).Sum() + F.RoIAlign(xi, boxes, 3, 1.0 / 8, -1, true, composite).Sum()).Backward();
        }

        Step(false);
        Step(true);
        var before = LiveTensors.Settled();
        for (var i = 0; i < 5; i++)
        {
            Step(false);
            Step(true);
        }

        Assert.That(LiveTensors.Settled(), Is.EqualTo(before));
        x.Dispose();
        boxes.Dispose();
    }

    [TestCase("[2, 4]", "[K, 5]")]
    [TestCase("index 3", "batch index 3")]
    [TestCase("index -1", "batch index -1")]
    [TestCase("index 0.5", "batch index 0.5")]
    [TestCase("nan", "non-finite")]
    [TestCase("int boxes", "floating-point boxes")]
    [TestCase("int input", "floating-point input")]
    [TestCase("3-d input", "[N, C, H, W]")]
    [TestCase("half on cpu", "float32 and float64")]
    public void Bad_input_gets_a_clear_error(string what, string fragment)
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.Randn([2, 3, 6, 6]);
        var good = Tensor.FromArray(new float[] { 0, 0, 0, 4, 4, 1, 1, 1, 5, 5 }, [2, 5]);
        Tensor Box(float index) => Tensor.FromArray(new float[] { 0, 0, 0, 4, 4, index, 1, 1, 5, 5 }, [2, 5]);
        (Tensor Input, Tensor Boxes) args = what switch
        {
            "[2, 4]" => (x, Tensor.Zeros([2, 4])),
            "index 3" => (x, Box(3)),
            "index -1" => (x, Box(-1)),
            "index 0.5" => (x, Box(0.5f)),
            "nan" => (x, Tensor.FromArray(new float[] { 0, 0, float.NaN, 4, 4 }, [1, 5])),
            "int boxes" => (x, good.To(ScalarType.Int64)),
            "int input" => (x.To(ScalarType.Int64), good),
            "3-d input" => (x.Index(0), good),
            "half on cpu" => (x.To(ScalarType.Float16), good),
            _ => throw new ArgumentException(what),
        };
        foreach (var op in new Func<Tensor>[] { () => F.RoIPool(args.Input, args.Boxes, 2), () => F.RoIAlign(args.Input, args.Boxes, 2) })
        {
            var e = Assert.Throws<TorchException>(() => op());
            Assert.That(e!.Message, Does.Contain(fragment), what);
        }
    }

    [Test]
    public void A_bad_batch_index_names_the_box()
    {
        using var scope = DisposeScope.Enter();
        var boxes = Tensor.FromArray(new float[] { 0, 0, 0, 4, 4, 1, 0, 0, 4, 4, 2, 1, 1, 5, 5 }, [3, 5]);
        var e = Assert.Throws<TorchException>(() => F.RoIAlign(Tensor.Randn([2, 3, 6, 6]), boxes, 2));
        Assert.That(e!.Message, Does.Contain("box 2 has batch index 2").And.Contain("2 image(s)"));
    }

    [Test]
    public void Bad_sizes_and_scales_are_argument_errors()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.Randn([1, 1, 4, 4]);
        var b = Tensor.Zeros([1, 5]);
        Assert.Throws<ArgumentOutOfRangeException>(() => F.RoIPool(x, b, (0, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => F.RoIAlign(x, b, 2, spatialScale: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => F.RoIAlign(x, b, 2, spatialScale: double.NaN));
        Assert.Throws<ArgumentNullException>(() => F.RoIAlign(x, null!, 2));
    }

    // A float64 map of `images` images of 3 x 20 x 24 cells (160 x 192 pixels at stride 8) and boxes over it, some of
    // them crossing the border, tiny or degenerate.
    private static (Tensor X, Tensor Boxes) RandomProblem(int seed, int images, int boxes)
    {
        var rng = new Random(seed);
        var x = new double[images * 3 * 20 * 24];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (rng.NextDouble() * 2) - 1;
        }

        var b = new double[boxes * 5];
        for (var k = 0; k < boxes; k++)
        {
            var x1 = (rng.NextDouble() * 240) - 40;
            var y1 = (rng.NextDouble() * 200) - 40;
            var w = k % 7 == 0 ? 0 : rng.NextDouble() * (k % 3 == 0 ? 6 : 150);
            var h = k % 11 == 0 ? 0 : rng.NextDouble() * (k % 3 == 0 ? 6 : 120);
            b[5 * k] = k % images;
            b[(5 * k) + 1] = x1;
            b[(5 * k) + 2] = y1;
            b[(5 * k) + 3] = x1 + w;
            b[(5 * k) + 4] = y1 + h;
        }

        return (Tensor.FromArray(x, [images, 3, 20, 24]), Tensor.FromArray(b, [boxes, 5]));
    }
}
