using System.Buffers.Binary;
using System.Text;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Tests.Torch;

/// <summary>
/// SafeTensors refuses every malformed layout with one InvalidDataException that starts with the file and names the
/// tensor at fault: overlapping or gapped offsets, trailing or missing bytes, absurd header lengths, broken JSON.
/// </summary>
[TestFixture]
public sealed class SafeTensorsCorruptionTests
{
    private string dir = null!;

    [SetUp]
    public void SetUp() => dir = Directory.CreateTempSubdirectory("srn-st-corrupt-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(dir, recursive: true);

    // A file with a hand-written header: the JSON as given, then `data` bytes.
    private string Craft(string name, string json, int data)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + data];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static InvalidDataException Refused(string path)
    {
        var before = Tensor.LiveCount;
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path))!;
        Assert.That(e.Message, Does.StartWith(path + ": "));
        Assert.That(e.Message, Does.Not.Contain('\n'), "one line");
        Assert.That(Tensor.LiveCount, Is.EqualTo(before), "nothing leaks");
        return e;
    }

    [Test]
    public void Overlapping_offsets_are_refused_naming_both_tensors()
    {
        var path = Craft("overlap.safetensors",
            """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12);
        Assert.That(Refused(path).Message, Does.Contain("'b'").And.Contain("overlap").And.Contain("'a'"));

        path = Craft("same.safetensors",
            """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}""", 8);
        Assert.That(Refused(path).Message, Does.Contain("overlap"));
    }

    [Test]
    public void Gaps_trailing_bytes_and_a_late_start_are_refused()
    {
        var path = Craft("gap.safetensors",
            """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12);
        Assert.That(Refused(path).Message, Does.Contain("'b'").And.Contain("gap of 4 bytes"));

        path = Craft("late.safetensors", """{"a":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}""", 8);
        Assert.That(Refused(path).Message, Does.Contain("'a'").And.Contain("must start at 0"));

        path = Craft("trailing.safetensors", """{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}""", 9);
        Assert.That(Refused(path).Message, Does.Contain("5 trailing bytes").And.Contain("'a'"));
    }

    [Test]
    public void Offsets_that_disagree_with_dtype_and_shape_are_refused()
    {
        var path = Craft("size.safetensors", """{"a":{"dtype":"F64","shape":[2,3],"data_offsets":[0,24]}}""", 24);
        Assert.That(Refused(path).Message, Does.Contain("'a'").And.Contain("needs 48 bytes"));

        path = Craft("negative.safetensors", """{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,0]}}""", 0);
        Assert.That(Refused(path).Message, Does.Contain("'a'").And.Contain("non-negative"));

        path = Craft("huge.safetensors", """{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}""", 4);
        Assert.That(Refused(path).Message, Does.Contain("'a'").And.Contain("too large"));

        path = Craft("dtype.safetensors", """{"a":{"dtype":"F8_E9","shape":[1],"data_offsets":[0,1]}}""", 1);
        Assert.That(Refused(path).Message, Does.Contain("'a'").And.Contain("F8_E9"));

        path = Craft("three.safetensors", """{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}}""", 1);
        Assert.That(Refused(path).Message, Does.Contain("'a'").And.Contain("data_offsets"));

        path = Craft("notobject.safetensors", """{"a":[1,2,3]}""", 0);
        Assert.That(Refused(path).Message, Does.Contain("'a'"));

        path = Craft("twice.safetensors",
            """{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}""", 2);
        Assert.That(Refused(path).Message, Does.Contain("'a' twice"));
    }

    [Test]
    public void Truncated_files_are_refused_at_every_length()
    {
        var path = Path.Combine(dir, "good.safetensors");
        using (var scope = DisposeScope.Enter())
        {
            SafeTensors.Save(path, [KeyValuePair.Create("w", Tensor.Arange(6).To(ScalarType.Float32)), KeyValuePair.Create("b", Tensor.Ones([3]))],
                new Dictionary<string, string> { ["k"] = "v" });
        }

        var bytes = File.ReadAllBytes(path);
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            var cutPath = Path.Combine(dir, $"cut{cut}.safetensors");
            File.WriteAllBytes(cutPath, bytes[..cut]);
            Refused(cutPath);
        }

        var e = Refused(WriteBytes("last.safetensors", bytes[..^1]));
        Assert.That(e.Message, Does.Contain("truncated").And.Contain("'b'"));
    }

    [Test]
    public void Absurd_header_lengths_and_broken_json_are_refused()
    {
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        Assert.That(Refused(WriteBytes("max.safetensors", bytes)).Message, Does.Contain("header length"));

        var big = Path.Combine(dir, "big.safetensors");
        using (var f = File.Create(big))
        {
            f.SetLength(8 + (101L << 20)); // sparse: a header length above the 100 MiB limit that the file could hold
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, 101UL << 20);
            f.Write(bytes, 0, 8);
        }

        Assert.That(Refused(big).Message, Does.Contain("limit"));

        Assert.That(Refused(Craft("json.safetensors", """{"a":{"dtype":"U8","sha""", 0)).Message, Does.Contain("not valid JSON"));
        Assert.That(Refused(Craft("array.safetensors", "[1,2]", 0)).Message, Does.Contain("not an object"));
        Assert.That(Refused(Craft("meta.safetensors", """{"__metadata__":{"k":1}}""", 0)).Message, Does.Contain("'k'"));
    }

    [Test]
    public void Every_flipped_header_byte_either_loads_the_same_tensors_or_is_refused()
    {
        var path = Path.Combine(dir, "good.safetensors");
        using (var scope = DisposeScope.Enter())
        {
            SafeTensors.Save(path, [KeyValuePair.Create("weight", Tensor.Arange(12).To(ScalarType.Float32).Reshape([3, 4])), KeyValuePair.Create("bias", Tensor.Ones([3]))]);
        }

        var bytes = File.ReadAllBytes(path);
        var headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        for (var i = 0; i < headerEnd; i++)
        {
            foreach (var bit in new[] { 0x01, 0x10, 0x40 })
            {
                var flipped = (byte[])bytes.Clone();
                flipped[i] ^= (byte)bit;
                var p = WriteBytes("flip.safetensors", flipped);
                try
                {
                    var loaded = SafeTensors.Load(p);
                    var total = loaded.Values.Sum(t => t.NumEl * t.DType.ElementSize());
                    Assert.That(total, Is.EqualTo(bytes.Length - headerEnd), $"byte {i} ^ {bit:x}: loaded tensors must tile the data");
                    foreach (var t in loaded.Values)
                    {
                        t.Dispose();
                    }
                }
                catch (InvalidDataException e)
                {
                    Assert.That(e.Message, Does.StartWith(p + ": "), $"byte {i} ^ {bit:x}");
                }
            }
        }
    }

    private string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
