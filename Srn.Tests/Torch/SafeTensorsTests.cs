using System.Text;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Tests.Torch;

[TestFixture]
public sealed class SafeTensorsTests
{
    private string dir = null!;

    [SetUp]
    public void MakeDir() => dir = Directory.CreateTempSubdirectory("srn-st-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    [Test]
    public void Every_dtype_and_the_metadata_round_trip()
    {
        var path = Path.Combine(dir, "all.safetensors");
        using var scope = DisposeScope.Enter();
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = Tensor.FromArray(new float[] { 1.5f, -2, 3, 4 }, [2, 2]),
            ["f64"] = Tensor.FromArray(new double[] { Math.PI }),
            ["f16"] = Tensor.FromArray(new float[] { 0.5f, 2 }).To(ScalarType.Float16),
            ["bf16"] = Tensor.FromArray(new float[] { 0.5f, 2 }).To(ScalarType.BFloat16),
            ["i64"] = Tensor.FromArray(new long[] { long.MinValue, 7 }),
            ["i32"] = Tensor.FromArray(new int[] { -1 }),
            ["i16"] = Tensor.FromArray(new short[] { 300 }),
            ["i8"] = Tensor.FromArray(new sbyte[] { -7 }),
            ["u8"] = Tensor.FromArray(new byte[] { 255, 0, 1 }),
            ["bool"] = Tensor.FromArray(new[] { true, false }),
            ["scalar"] = Tensor.Scalar(3.0f),
            ["empty"] = Tensor.Zeros([0, 3]),
            ["strided"] = Tensor.Einsum("ij->ji", Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3])),
        };
        SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode" });
        var (loaded, metadata) = SafeTensors.Read(path);
        try
        {
            Assert.That(loaded.Keys, Is.EqualTo(tensors.Keys));
            foreach (var (name, expected) in tensors)
            {
                var actual = loaded[name];
                Assert.That(actual.DType, Is.EqualTo(expected.DType), name);
                Assert.That(actual.Shape, Is.EqualTo(expected.Shape), name);
                Assert.That(actual.ToBytes(), Is.EqualTo(expected.ToBytes()), name);
            }

            Assert.That(metadata["note"], Is.EqualTo("ünïcode"));
            Assert.That(Directory.GetFiles(dir), Has.Length.EqualTo(1), "no temporary file is left behind");
        }
        finally
        {
            foreach (var t in loaded.Values)
            {
                t.Dispose();
            }
        }
    }

    [Test]
    public void Data_starts_8_byte_aligned_as_the_format_requires()
    {
        var path = Path.Combine(dir, "a.safetensors");
        using var t = Tensor.Ones([3]);
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["x"] = t });
        var bytes = File.ReadAllBytes(path);
        var headerLength = BitConverter.ToUInt64(bytes, 0);
        Assert.That(headerLength % 8, Is.Zero);
        Assert.That((long)bytes.Length, Is.EqualTo(8 + (long)headerLength + 12));
    }

    [Test]
    public void Truncated_file_is_reported_with_its_path()
    {
        var path = Path.Combine(dir, "t.safetensors");
        using var t = Tensor.Ones([100]);
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["x"] = t });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        Assert.That(() => SafeTensors.Load(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains(path).And.Message.Contains("'x'"));
        File.WriteAllBytes(path, bytes[..4]);
        Assert.That(() => SafeTensors.Load(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains(path));
    }

    [Test]
    public void Malformed_headers_are_reported()
    {
        var path = Path.Combine(dir, "bad.safetensors");
        WriteRaw(path, "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4]);
        Assert.That(() => SafeTensors.Load(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains("needs 8 bytes"));
        WriteRaw(path, "{\"x\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]);
        Assert.That(() => SafeTensors.Load(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains("unsupported dtype 'C64'"));
        WriteRaw(path, "not json", []);
        Assert.That(() => SafeTensors.Load(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains("JSON"));
        Assert.That(() => SafeTensors.Load(Path.Combine(dir, "missing.safetensors")), Throws.TypeOf<FileNotFoundException>());
    }

    [Test]
    public void Reserved_names_are_refused()
    {
        using var t = Tensor.Ones([1]);
        Assert.That(() => SafeTensors.Save(Path.Combine(dir, "r.safetensors"), new Dictionary<string, Tensor> { ["__metadata__"] = t }), Throws.ArgumentException);
    }

    private static void WriteRaw(string path, string header, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header);
        using var f = File.Create(path);
        f.Write(BitConverter.GetBytes((ulong)h.Length));
        f.Write(h);
        f.Write(data);
    }
}
