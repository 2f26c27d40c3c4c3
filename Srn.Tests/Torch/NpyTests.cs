using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Tests.Torch;

/// <summary>
/// Npy against files numpy wrote (Fixtures/Torch/make_npy_fixtures.py): every supported dtype, both byte orders, C and
/// Fortran order and the three format versions load to the C-order tensor in expected.safetensors, bit for bit; everything
/// else is refused with a message naming the file.
/// </summary>
[TestFixture]
public sealed class NpyTests
{
    private static readonly string FixtureDir =
        Path.Combine(Path.GetDirectoryName(typeof(NpyTests).Assembly.Location)!, "Fixtures", "Torch", "npy");

    private Dictionary<string, Tensor> expected = null!;

    [OneTimeSetUp]
    public void LoadExpected() => expected = SafeTensors.Load(Fixture("expected.safetensors"));

    [OneTimeTearDown]
    public void DisposeExpected()
    {
        foreach (var t in expected.Values)
        {
            t.Dispose();
        }
    }

    [Test]
    public void Every_fixture_array_is_tested() =>
        Assert.That(expected.Keys, Is.EquivalentTo(Directory.GetFiles(FixtureDir, "*.npy").Select(Path.GetFileNameWithoutExtension).Where(n => !n!.StartsWith("bad", StringComparison.Ordinal))));

    [TestCase("f4_2x3", ScalarType.Float32)]
    [TestCase("f8_3d", ScalarType.Float64)]
    [TestCase("f2_vec", ScalarType.Float16)]
    [TestCase("i8_vec", ScalarType.Int64)]
    [TestCase("i4_2x2", ScalarType.Int32)]
    [TestCase("i2_vec", ScalarType.Int16)]
    [TestCase("i1_vec", ScalarType.Int8)]
    [TestCase("u1_2x4", ScalarType.UInt8)]
    [TestCase("b1_3", ScalarType.Bool)]
    [TestCase("f4_big", ScalarType.Float32)]
    [TestCase("f8_big", ScalarType.Float64)]
    [TestCase("i8_big", ScalarType.Int64)]
    [TestCase("i4_big", ScalarType.Int32)]
    [TestCase("f4_fortran", ScalarType.Float32)]
    [TestCase("f8_fortran_3d", ScalarType.Float64)]
    [TestCase("i8_fortran_big", ScalarType.Int64)]
    [TestCase("f8_fortran_2x5", ScalarType.Float64)]
    [TestCase("scalar_f8", ScalarType.Float64)]
    [TestCase("empty_0x3", ScalarType.Float32)]
    [TestCase("labels_300d", ScalarType.Float32)]
    [TestCase("v2_f4_2x3", ScalarType.Float32)]
    [TestCase("v3_f8_3d", ScalarType.Float64)]
    public void Loads_what_numpy_saved_bit_for_bit(string name, ScalarType dtype)
    {
        using var loaded = Npy.Load(Fixture(name + ".npy"));
        var e = expected[name];
        Assert.That(loaded.DType, Is.EqualTo(dtype));
        Assert.That(e.DType, Is.EqualTo(dtype));
        Assert.That(loaded.Shape, Is.EqualTo(e.Shape));
        Assert.That(loaded.IsContiguous, Is.True);
        Assert.That(loaded.ToBytes(), Is.EqualTo(e.ToBytes()));
    }

    [Test]
    public void Byte_order_and_fortran_order_give_the_values_numpy_shows()
    {
        // Independent of expected.safetensors: values known from how the script built the arrays.
        using var big = Npy.Load(Fixture("i8_big.npy"));
        Assert.That(big.ToArray<long>(), Is.EqualTo(new[] { 1L, -2, 1L << 50, -(1L << 33) }));
        using var fortran = Npy.Load(Fixture("i8_fortran_big.npy"));
        Assert.That(fortran.Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(fortran.ToArray<long>(), Is.EqualTo(new long[] { 0, 1, 2, 3, 4, 5 }));
        using var flags = Npy.Load(Fixture("b1_3.npy"));
        Assert.That(flags.ToArray<bool>(), Is.EqualTo(new[] { true, false, true }));
        using var scalar = Npy.Load(Fixture("scalar_f8.npy"));
        Assert.That(scalar.Shape, Is.Empty);
        Assert.That(scalar.Item<double>(), Is.EqualTo(2.5));
    }

    [Test]
    public void The_header_reads_without_the_data()
    {
        var header = Npy.ReadHeader(Fixture("f8_fortran_3d.npy"));
        Assert.That(header, Has.Property(nameof(NpyHeader.Descr)).EqualTo("<f8").And.Property(nameof(NpyHeader.FortranOrder)).True
            .And.Property(nameof(NpyHeader.Version)).EqualTo("1.0"));
        Assert.That(header.Shape, Is.EqualTo(new long[] { 2, 3, 4 }));
        Assert.That(Npy.ReadHeader(Fixture("v3_f8_3d.npy")).Version, Is.EqualTo("3.0"));
        Assert.That(Npy.ReadHeader(Fixture("f4_big.npy")).BigEndian, Is.True);
    }

    [TestCase("bad_object.npy", "dtype '|O' is not supported")]
    [TestCase("bad_structured.npy", "structured dtypes are not supported")]
    [TestCase("bad_u4.npy", "dtype '<u4' is not supported")]
    [TestCase("bad_complex.npy", "dtype '<c8' is not supported")]
    [TestCase("bad.npz", "is a zip archive")]
    [TestCase("bad_truncated.npy", "(truncated)")]
    [TestCase("bad_trailing.npy", "(trailing bytes)")]
    [TestCase("bad_magic.npy", "not a .npy file")]
    [TestCase("bad_version.npy", "format version 9.0 is not supported")]
    public void Anything_else_is_refused_in_one_line_naming_the_file(string file, string reason)
    {
        var path = Fixture(file);
        Assert.That(() => Npy.Load(path), Throws.TypeOf<InvalidDataException>()
            .With.Message.StartsWith(path + ": ").And.Message.Contains(reason).And.Message.Not.Contains("\n"));
    }

    [Test]
    public void A_missing_file_is_FileNotFoundException() =>
        Assert.That(() => Npy.Load(Fixture("absent.npy")), Throws.TypeOf<FileNotFoundException>().With.Message.Contains("absent.npy"));

    private static string Fixture(string name) => Path.Combine(FixtureDir, name);
}
