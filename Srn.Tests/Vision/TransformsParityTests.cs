using Srn.Tests.Fixtures;
using Srn.Torch;
using Srn.Vision;
using Srn.Vision.Transforms;

namespace Srn.Tests.Vision;

/// <summary>
/// The deterministic transforms against torchvision 0.14 on tensors (Fixtures/Vision/make_transforms_fixtures.py).
/// Tolerance: uint8 outputs must be identical (torchvision's uint8 results are exact functions of the float ones, which
/// run the same libtorch kernels); float32 outputs within |a - e| &lt;= 1e-6 + 1e-5 |e|.
/// </summary>
[TestFixture]
public sealed class TransformsParityTests : ParityTestsBase
{
    private const string File = "Vision/transforms.safetensors";

    private static readonly Dictionary<string, Func<Tensor[], Tensor[]>> Table = BuildTable();

    protected override string FixtureFile => File;

    protected override IReadOnlyDictionary<string, Func<Tensor[], Tensor[]>> Ops => Table;

    private static IEnumerable<string> Cases() => ParityFixture.CaseNames(File);

    [TestCaseSource(nameof(Cases))]
    public void Matches_torchvision(string name)
    {
        Assert.That(Table.ContainsKey(name), Is.True, $"no C# op for fixture case '{name}'");
        var exact = Fixture[$"{name}/out0"].DType == ScalarType.UInt8;
        Fixture.Check(name, Table[name], rtol: exact ? 0 : 1e-5, atol: exact ? 0 : 1e-6);
    }

    private static Func<Tensor[], Tensor[]> Via(ITransform t) => x => [t.Apply(new ImageSample(x[0]), new Random(0)).Image];

    private static Func<Tensor[], Tensor[]> Fn(Func<Tensor, Tensor> f) => x => [f(x[0])];

    private static Dictionary<string, Func<Tensor[], Tensor[]>> BuildTable()
    {
        var t = new Dictionary<string, Func<Tensor[], Tensor[]>>();
        var modes = new Dictionary<string, InterpolationMode>
        {
            ["nearest"] = InterpolationMode.Nearest,
            ["bilinear"] = InterpolationMode.Bilinear,
            ["bicubic"] = InterpolationMode.Bicubic,
        };
        var sizes = new Dictionary<string, (int H, int W)> { ["down"] = (10, 15), ["up"] = (29, 40) };
        foreach (var kind in new[] { "u8", "f32" })
        {
            foreach (var (modeName, mode) in modes)
            {
                foreach (var (direction, (h, w)) in sizes)
                {
                    foreach (var aa in mode == InterpolationMode.Nearest ? new[] { false } : [false, true])
                    {
                        t[$"resize_{modeName}_{(aa ? "aa" : "noaa")}_{direction}_{kind}"] = Via(new Resize(h, w, mode, aa));
                    }
                }
            }

            t[$"resize_shorter_side_{kind}"] = Via(Resize.ShorterSide(12, interpolation: InterpolationMode.Bilinear, antialias: true));
            t[$"resize_shorter_side_max_size_{kind}"] = Via(Resize.ShorterSide(15, maxSize: 18, interpolation: InterpolationMode.Bicubic, antialias: true));
            t[$"resize_same_size_{kind}"] = Via(new Resize(19, 27));
            t[$"center_crop_{kind}"] = Via(new CenterCrop(10, 16));
            t[$"center_crop_pad_{kind}"] = Via(new CenterCrop(22, 30));
            t[$"center_crop_pad_width_{kind}"] = Via(new CenterCrop(11, 32));
            t[$"hflip_{kind}"] = Via(new RandomHorizontalFlip(1.0));
        }

        t["resize_shorter_side_tall_f32"] = Via(Resize.ShorterSide(8));
        t["interpolate_aa_bilinear_size"] = Fn(x => Functional.InterpolateAntialias(x, size: (7, 9), mode: InterpolationMode.Bilinear));
        t["interpolate_aa_bicubic_size"] = Fn(x => Functional.InterpolateAntialias(x, size: (7, 9), mode: InterpolationMode.Bicubic));
        t["interpolate_aa_bilinear_scale"] = Fn(x => Functional.InterpolateAntialias(x, scaleFactor: 0.4, mode: InterpolationMode.Bilinear));
        t["interpolate_aa_bicubic_align_corners"] = Fn(x => Functional.InterpolateAntialias(x, size: (6, 25), mode: InterpolationMode.Bicubic, alignCorners: true));

        t["to_float"] = Via(new ToFloat());
        t["normalize"] = Via(Normalize.ImageNet);
        t["normalize_broadcast"] = Via(new Normalize([0.5], [0.25]));

        foreach (var kind in new[] { "u8", "f32", "gray_u8", "gray_f32" })
        {
            foreach (var factor in new[] { 0.4, 1.7 })
            {
                var tag = Tag(factor);
                t[$"brightness_{tag}_{kind}"] = Fn(x => ColorJitter.AdjustBrightness(x, factor));
                t[$"contrast_{tag}_{kind}"] = Fn(x => ColorJitter.AdjustContrast(x, factor));
                t[$"saturation_{tag}_{kind}"] = Fn(x => ColorJitter.AdjustSaturation(x, factor));
            }
        }

        foreach (var kind in new[] { "u8", "f32", "sat_f32", "gray_f32" })
        {
            foreach (var factor in new[] { -0.5, -0.3, 0.15, 0.5 })
            {
                t[$"hue_{(factor < 0 ? "m" : "p")}{Tag(Math.Abs(factor))}_{kind}"] = Fn(x => ColorJitter.AdjustHue(x, factor));
            }
        }

        return t;
    }

    private static string Tag(double factor) => factor.ToString(System.Globalization.CultureInfo.InvariantCulture).Replace('.', 'p');
}
