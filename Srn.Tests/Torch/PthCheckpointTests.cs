using System.IO.Compression;
using System.Text;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Tests.Torch;

/// <summary>
/// TorchCheckpoint against files torch.save wrote (Fixtures/Torch/make_pth_fixtures.py): every tensor equals the one
/// in expected.safetensors bit for bit, in the same order; damaged and hostile files fail with the file's name.
/// </summary>
[TestFixture]
public sealed class PthCheckpointTests
{
    private static readonly string FixtureDir =
        Path.Combine(Path.GetDirectoryName(typeof(PthCheckpointTests).Assembly.Location)!, "Fixtures", "Torch", "pth");

    private Dictionary<string, Tensor> expected = null!;
    private string dir = null!;

    [OneTimeSetUp]
    public void LoadExpected() => expected = SafeTensors.Load(Fixture("expected.safetensors"));

    [OneTimeTearDown]
    public void DisposeExpected() => DisposeAll(expected);

    [SetUp]
    public void MakeDir() => dir = Directory.CreateTempSubdirectory("srn-pth-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    [TestCase("state.pth")]
    [TestCase("state_legacy.pth")]
    [TestCase("state_proto4.pth")]
    public void Every_dtype_and_layout_equals_torch_bit_for_bit(string file)
    {
        var loaded = TorchCheckpoint.Load(Fixture(file));
        try
        {
            AssertEqualsExpected(loaded, "state");
        }
        finally
        {
            DisposeAll(loaded);
        }
    }

    [TestCase("state.pth")]
    [TestCase("state_legacy.pth")]
    public void Views_offsets_strides_parameters_and_scalars_have_the_values_torch_saved(string file)
    {
        // Independent of expected.safetensors: values known from how the fixture script built them.
        var loaded = TorchCheckpoint.Load(Fixture(file));
        try
        {
            Assert.That(loaded["view_offset"].ToArray<float>(), Is.EqualTo(new float[] { 5, 6, 7, 8, 9, 10 }));
            Assert.That(loaded["view_strided"].Shape, Is.EqualTo(new long[] { 3, 3 }));
            Assert.That(loaded["view_strided"].ToArray<float>(), Is.EqualTo(new float[] { 6, 8, 10, 12, 14, 16, 18, 20, 22 }));
            Assert.That(loaded["i64_transposed"].ToArray<long>(), Is.EqualTo(new long[] { 0, 3, 1, 4, 2, 5 }));
            Assert.That(loaded["i64"].ToArray<long>(), Is.EqualTo(new[] { -(1L << 62), 0, 7, 1L << 40 }));
            Assert.That(loaded["bn.num_batches_tracked"].Shape, Is.Empty);
            Assert.That(loaded["bn.num_batches_tracked"].Item<long>(), Is.EqualTo(12));
            Assert.That(loaded["scalar"].Item<float>(), Is.EqualTo(2.5f));
            Assert.That(loaded["empty"].Shape, Is.EqualTo(new long[] { 0, 3 }));
            Assert.That(loaded["param"].RequiresGrad, Is.False, "parameters load as plain tensors");
            var expanded = loaded["expanded"].ToArray<float>();
            for (var r = 0; r < 3; r++)
            {
                Assert.That(expanded.AsSpan(r * 4, 4).ToArray(), Is.All.EqualTo(expanded[r * 4]), "stride 0 repeats the element");
            }

            Assert.That(loaded.Values.All(t => t.IsContiguous && t.Device.Type == DeviceType.Cpu), Is.True);
        }
        finally
        {
            DisposeAll(loaded);
        }
    }

    [TestCase("model.pth")]
    [TestCase("model_legacy.pth")]
    public void A_conv_batchnorm_linear_state_dict_loads_as_saved(string file)
    {
        var loaded = TorchCheckpoint.Load(Fixture(file));
        try
        {
            AssertEqualsExpected(loaded, "model");
            Assert.That(loaded.Keys, Does.Contain("1.running_var").And.Contain("4.weight"));
            Assert.That(loaded["1.num_batches_tracked"].DType, Is.EqualTo(ScalarType.Int64));
            Assert.That(loaded["1.num_batches_tracked"].Item<long>(), Is.EqualTo(1));
        }
        finally
        {
            DisposeAll(loaded);
        }
    }

    [Test]
    public void Legacy_storage_views_and_rebuild_tensor_v1_of_old_torch_load()
    {
        var loaded = TorchCheckpoint.Load(Fixture("old_views.pth"));
        try
        {
            AssertEqualsExpected(loaded, "old");
        }
        finally
        {
            DisposeAll(loaded);
        }
    }

    [TestCase("nested.pth")]
    [TestCase("nested_legacy.pth")]
    public void A_nested_state_dict_loads_by_key(string file)
    {
        var path = Fixture(file);
        Assert.That(TorchCheckpoint.Keys(path), Is.EqualTo(new[] { "model", "epoch", "lr", "arch" }));
        var loaded = TorchCheckpoint.Load(path, "model");
        try
        {
            AssertEqualsExpected(loaded, "model");
        }
        finally
        {
            DisposeAll(loaded);
        }

        Assert.That(() => TorchCheckpoint.Load(path), Throws.TypeOf<InvalidDataException>()
            .With.Message.Contains(path).And.Message.Contains("'model'").And.Message.Contains("Load(path, key)"));
        Assert.That(() => TorchCheckpoint.Load(path, "epoch"), Throws.TypeOf<InvalidDataException>()
            .With.Message.Contains(path).And.Message.Contains("'epoch'").And.Message.Contains("an int"));
        Assert.That(() => TorchCheckpoint.Load(path, "optimizer"), Throws.TypeOf<KeyNotFoundException>()
            .With.Message.Contains("'optimizer'").And.Message.Contains("'model', 'epoch', 'lr', 'arch'"));
    }

    [Test]
    public void Keys_of_a_plain_state_dict_are_its_tensor_names_in_file_order()
    {
        var names = expected.Keys.Where(k => k.StartsWith("state/")).Select(k => k["state/".Length..]);
        Assert.That(TorchCheckpoint.Keys(Fixture("state_legacy.pth")), Is.EqualTo(names));
    }

    [TestCase("evil_global.pth", "os.system")]
    [TestCase("custom_class.pth", "__main__.TrainConfig")]
    public void A_disallowed_global_is_refused_by_name(string file, string global)
    {
        var path = Fixture(file);
        Assert.That(() => TorchCheckpoint.Load(path), Throws.TypeOf<InvalidDataException>()
            .With.Message.Contains(path).And.Message.Contains($"global '{global}' is not allowed"));
        Assert.That(() => TorchCheckpoint.Keys(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains(global));
    }

    [Test]
    public void A_zip_truncated_anywhere_is_reported_with_its_path()
    {
        var bytes = File.ReadAllBytes(Fixture("state.pth"));
        var storage = IndexOf(bytes, expected["state/f32"].ToBytes());
        var pickle = IndexOf(bytes, Encoding.ASCII.GetBytes("torch._utils"));
        Assert.That(storage, Is.Positive);
        Assert.That(pickle, Is.Positive);
        foreach (var (cut, where) in new[]
                 {
                     (bytes.Length - 10, "inside the end of the central directory"),
                     (bytes.Length - 150, "inside the central directory"),
                     (storage + 10, "inside a storage"),
                     (pickle, "inside data.pkl"),
                     (3, "inside the first header"),
                 })
        {
            var path = Write($"cut{cut}.pth", bytes[..cut]);
            Assert.That(() => TorchCheckpoint.Load(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains(path), where);
        }
    }

    [Test]
    public void A_legacy_file_truncated_anywhere_is_reported_with_its_path()
    {
        var bytes = File.ReadAllBytes(Fixture("state_legacy.pth"));
        var storage = IndexOf(bytes, expected["state/f32"].ToBytes());
        var pickle = IndexOf(bytes, Encoding.ASCII.GetBytes("_rebuild_tensor_v2"));
        Assert.That(storage, Is.Positive);
        foreach (var (cut, where, says) in new[]
                 {
                     (10, "inside the magic number", "truncated"),
                     (pickle, "inside the object pickle", "object pickle"),
                     (storage - 4, "inside a storage's element count", "truncated"),
                     (storage + 10, "inside a storage", "truncated"),
                     (bytes.Length - 1, "inside the last storage", "truncated"),
                 })
        {
            var path = Write($"cut{cut}.pth", bytes[..cut]);
            Assert.That(() => TorchCheckpoint.Load(path), Throws.TypeOf<InvalidDataException>()
                .With.Message.Contains(path).And.Message.Contains(says), where);
        }
    }

    [Test]
    public void Corrupt_bytes_are_detected()
    {
        var zip = File.ReadAllBytes(Fixture("state.pth"));
        var storage = IndexOf(zip, expected["state/f32"].ToBytes());
        var flipped = (byte[])zip.Clone();
        flipped[storage + 5] ^= 0x40;
        var path = Write("flipped_storage.pth", flipped);
        Assert.That(() => TorchCheckpoint.Load(path), Throws.TypeOf<InvalidDataException>()
            .With.Message.Contains(path).And.Message.Contains("CRC-32"));

        flipped = (byte[])zip.Clone();
        flipped[IndexOf(zip, Encoding.ASCII.GetBytes("OrderedDict"))] ^= 0x01;
        path = Write("flipped_pickle.pth", flipped);
        Assert.That(() => TorchCheckpoint.Load(path), Throws.TypeOf<InvalidDataException>()
            .With.Message.Contains(path).And.Message.Contains("data.pkl"));

        flipped = (byte[])zip.Clone();
        flipped[LastIndexOf(zip, [(byte)'P', (byte)'K', 5, 6]) + 2] = 0x77;
        path = Write("flipped_directory.pth", flipped);
        Assert.That(() => TorchCheckpoint.Load(path), Throws.TypeOf<InvalidDataException>()
            .With.Message.Contains(path).And.Message.Contains("zip"));

        var legacy = File.ReadAllBytes(Fixture("state_legacy.pth"));
        var legacyStorage = IndexOf(legacy, expected["state/f32"].ToBytes());
        flipped = (byte[])legacy.Clone();
        flipped[legacyStorage - 8] = 7; // the element count in front of the storage: 6 -> 7
        path = Write("flipped_count.pth", flipped);
        Assert.That(() => TorchCheckpoint.Load(path), Throws.TypeOf<InvalidDataException>()
            .With.Message.Contains(path).And.Message.Contains("7 elements in the data section"));

        flipped = (byte[])legacy.Clone();
        flipped[IndexOf(legacy, Encoding.ASCII.GetBytes("_rebuild_tensor_v2")) - 14] = 0xff; // the GLOBAL opcode
        path = Write("flipped_opcode.pth", flipped);
        Assert.That(() => TorchCheckpoint.Load(path), Throws.TypeOf<InvalidDataException>()
            .With.Message.Contains(path).And.Message.Contains("0xff (not a pickle opcode)"));

        path = Write("garbage.pth", Encoding.ASCII.GetBytes("this is not a checkpoint"));
        Assert.That(() => TorchCheckpoint.Load(path), Throws.TypeOf<InvalidDataException>()
            .With.Message.Contains(path).And.Message.Contains("not a readable PyTorch checkpoint"));
        path = Write("empty.pth", []);
        Assert.That(() => TorchCheckpoint.Load(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains("empty"));
        Assert.That(() => TorchCheckpoint.Load(Path.Combine(dir, "missing.pth")), Throws.TypeOf<FileNotFoundException>());
    }

    [Test]
    public void A_missing_storage_record_is_named_and_nothing_leaks()
    {
        var path = Path.Combine(dir, "missing_storage.pth");
        File.Copy(Fixture("state.pth"), path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            zip.GetEntry("state/data/5")!.Delete();
        }

        var baseline = LiveTensors.Settled();
        Assert.That(() => TorchCheckpoint.Load(path), Throws.TypeOf<InvalidDataException>()
            .With.Message.Contains(path).And.Message.Contains("storage '5' is missing").And.Message.Contains("state/data/5"));
        Assert.That(LiveTensors.Settled(), Is.EqualTo(baseline), "tensors made before the failure are disposed");
    }

    [TestCase(new byte[] { 0x82, 0x05 }, "EXT1 (0x82)")]
    [TestCase(new byte[] { (byte)'i', (byte)'o', (byte)'s', 10, (byte)'x', 10 }, "INST (0x69)")]
    [TestCase(new byte[] { (byte)'P', (byte)'1', 10 }, "PERSID (0x50)")]
    [TestCase(new byte[] { 0x80, 0x06 }, "pickle protocol 6")]
    public void An_unsupported_opcode_is_named(byte[] body, string says)
    {
        var path = WriteZip("opcode.pth", [0x80, 0x02, .. body, (byte)'.']);
        Assert.That(() => TorchCheckpoint.Load(path), Throws.TypeOf<InvalidDataException>()
            .With.Message.Contains(path).And.Message.Contains(says));
    }

    [Test]
    public void Hostile_or_malformed_pickles_fail_cleanly()
    {
        var cases = new (byte[] Body, string Says)[]
        {
            ([(byte)'}', (byte)'N', .. Enumerable.Repeat((byte)0x85, 1000), (byte)'K', 1, (byte)'s'], "nests tuples more than 64 deep"),
            ([(byte)'h', 5], "memo entry 5 is read before it is written"),
            ([(byte)'R'], "stack is empty"),
            ([(byte)'X', 0xff, 0xff, 0xff, 0x7f], "truncated"),
            ([(byte)'e'], "MARK that was never set"),
            ([(byte)'K', 0, (byte)'K', 1, (byte)'K', 2, (byte)'s'], "SETITEM applies to an int"),
            ([(byte)'N', (byte)'Q'], "persistent id is None"),
            ([(byte)'c', .. "torch\nFloatStorage\n"u8, (byte)')', (byte)'R'], "the pickle calls a reference to torch.FloatStorage"),
            ([(byte)'X', 2, 0, 0, 0, 0xc3, 0x28], "Unable to translate bytes"),
        };
        foreach (var (body, says) in cases)
        {
            var path = WriteZip("hostile.pth", [0x80, 0x02, .. body, (byte)'.']);
            Assert.That(() => TorchCheckpoint.Load(path), Throws.TypeOf<InvalidDataException>()
                .With.Message.Contains(path).And.Message.Contains(says), says);
            File.Delete(path);
        }
    }

    [Test]
    public void A_checkpoint_that_is_not_a_dict_of_tensors_is_refused()
    {
        var list = WriteZip("list.pth", [0x80, 0x02, (byte)']', (byte)'.']);
        Assert.That(() => TorchCheckpoint.Load(list), Throws.TypeOf<InvalidDataException>()
            .With.Message.Contains(list).And.Message.Contains("a list, not a state dict"));
        Assert.That(() => TorchCheckpoint.Keys(list), Throws.TypeOf<InvalidDataException>().With.Message.Contains("not a dict"));

        // {'a': 3}
        var ints = WriteZip("ints.pth", [0x80, 0x02, (byte)'}', (byte)'X', 1, 0, 0, 0, (byte)'a', (byte)'K', 3, (byte)'s', (byte)'.']);
        Assert.That(() => TorchCheckpoint.Load(ints), Throws.TypeOf<InvalidDataException>()
            .With.Message.Contains(ints).And.Message.Contains("entry 'a'").And.Message.Contains("an int, not a tensor"));
        Assert.That(TorchCheckpoint.Keys(ints), Is.EqualTo(new[] { "a" }));

        // {'epoch': 3, 'state_dict': {}}: the hint names the nested dict even when a non-dict entry comes first.
        var nested = WriteZip("nested.pth", [0x80, 0x02, (byte)'}', (byte)'X', 5, 0, 0, 0, .. "epoch"u8, (byte)'K', 3, (byte)'s',
            (byte)'X', 10, 0, 0, 0, .. "state_dict"u8, (byte)'}', (byte)'s', (byte)'.']);
        Assert.That(() => TorchCheckpoint.Load(nested), Throws.TypeOf<InvalidDataException>()
            .With.Message.Contains("entry 'epoch'").And.Message.Contains("key one of 'state_dict'"));
        var empty = TorchCheckpoint.Load(nested, "state_dict");
        Assert.That(empty, Is.Empty);
    }

    [TestCase("state.pth")]
    [TestCase("state_legacy.pth")]
    public void Loading_leaks_no_native_handles(string file)
    {
        var baseline = LiveTensors.Settled();
        using (DisposeScope.Enter())
        {
            var loaded = TorchCheckpoint.Load(Fixture(file));
            Assert.That(LiveTensors.Settled(), Is.EqualTo(baseline + loaded.Count), "one handle per tensor, nothing else");
            DisposeAll(loaded);
        }

        Assert.That(LiveTensors.Settled(), Is.EqualTo(baseline));
    }

    private static string Fixture(string name) => Path.Combine(FixtureDir, name);

    private static void DisposeAll(Dictionary<string, Tensor> tensors)
    {
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    private static int LastIndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().LastIndexOf(needle);

    private void AssertEqualsExpected(Dictionary<string, Tensor> loaded, string prefix)
    {
        var keys = expected.Keys.Where(k => k.StartsWith(prefix + "/")).ToList();
        Assert.That(keys, Is.Not.Empty);
        Assert.That(loaded.Keys.Select(k => $"{prefix}/{k}"), Is.EqualTo(keys), "same keys in the same order");
        foreach (var key in keys)
        {
            var e = expected[key];
            var a = loaded[key[(prefix.Length + 1)..]];
            Assert.That(a.DType, Is.EqualTo(e.DType), key);
            Assert.That(a.Shape, Is.EqualTo(e.Shape), key);
            Assert.That(a.ToBytes(), Is.EqualTo(e.ToBytes()), key);
        }
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // A zip checkpoint with a hand-written data.pkl (for opcodes and shapes torch.save itself never writes).
    private string WriteZip(string name, byte[] pickle)
    {
        var path = Path.Combine(dir, name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var s = zip.CreateEntry("crafted/data.pkl", CompressionLevel.NoCompression).Open())
        {
            s.Write(pickle);
        }

        using (var s = zip.CreateEntry("crafted/version", CompressionLevel.NoCompression).Open())
        {
            s.Write("3\n"u8);
        }

        return path;
    }
}
