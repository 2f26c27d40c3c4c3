using System.Buffers.Binary;
using Srn.Torch;
using Srn.Torch.IO;
using Srn.Training;
using Srn.Training.Methods;

namespace Srn.Tests.Training;

/// <summary>
/// TrainingCheckpoint.Load refuses corrupt files: a flipped bit anywhere in the tensor data fails the checksum, NaN or
/// infinity in the model is refused by name and count, and a checkpoint written before the checksum existed still loads.
/// </summary>
[TestFixture]
public sealed class CheckpointIntegrityTests
{
    private string dir = null!;

    [SetUp]
    public void SetUp() => dir = Directory.CreateTempSubdirectory("srn-ckpt-integrity-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(dir, recursive: true);

    private static MethodSetup Setup() => new()
    {
        Method = "srn", Backbone = "resnet-small", ClassNames = ["c0", "c1", "c2"], ImageSize = 32, Epochs = 4, Seed = 0,
        Options = new Dictionary<string, string>(),
    };

    private string SaveTiny(string name, Action<SrnMethod>? damage = null)
    {
        using var scope = DisposeScope.Enter();
        using var method = new SrnMethod(Setup());
        damage?.Invoke(method);
        var path = Path.Combine(dir, name);
        TrainingCheckpoint.Save(path, method, stage: 0, stageEpochs: 0, optimizer: null, scheduler: null, history: []);
        return path;
    }

    private static int DataStart(byte[] file) => 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file);

    [Test]
    public void Save_writes_a_checksum_and_the_clean_file_loads()
    {
        var path = SaveTiny("c.safetensors");
        var (tensors, metadata) = SafeTensors.Read(path);
        try
        {
            Assert.That(metadata[TrainingCheckpoint.ChecksumKey], Does.Match("^[0-9a-f]{64}$"));
            Assert.That(metadata[TrainingCheckpoint.ChecksumKey], Is.EqualTo(TrainingCheckpoint.ComputeChecksum(tensors)));
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }

        using var checkpoint = TrainingCheckpoint.Load(path);
        Assert.That(checkpoint.ModelState, Is.Not.Empty);
    }

    [Test]
    public void A_flipped_byte_in_the_data_section_fails_the_checksum()
    {
        var path = SaveTiny("c.safetensors");
        var bytes = File.ReadAllBytes(path);
        var start = DataStart(bytes);
        foreach (var at in new[] { start, start + ((bytes.Length - start) / 2), bytes.Length - 1 })
        {
            var flipped = (byte[])bytes.Clone();
            flipped[at] ^= 0x04; // a low mantissa bit of some float: the format stays valid, the value barely changes
            File.WriteAllBytes(path, flipped);
            var e = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Load(path).Dispose())!;
            Assert.That(e.Message, Does.StartWith(path + ": checksum mismatch: the file is corrupt (expected "), $"byte {at}");
        }
    }

    [Test]
    public void A_changed_weight_value_is_caught_by_the_checksum_though_the_file_is_well_formed()
    {
        var path = SaveTiny("c.safetensors");
        var (tensors, metadata) = SafeTensors.Read(path);
        var key = tensors.Keys.First(k => k.StartsWith("model.", StringComparison.Ordinal) && tensors[k].DType == ScalarType.Float32);
        using (var scope = DisposeScope.Enter())
        {
            tensors[key].Add_(Tensor.Full(tensors[key].Shape, 0.5, ScalarType.Float32));
        }

        SafeTensors.Save(path, tensors, metadata); // same metadata, so the old checksum
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }

        var before = Tensor.LiveCount;
        var e = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Load(path).Dispose())!;
        Assert.That(e.Message, Does.Contain("checksum mismatch"));
        Assert.That(Tensor.LiveCount, Is.EqualTo(before), "the tensors read are freed");
    }

    [Test]
    public void A_checkpoint_without_a_checksum_still_loads()
    {
        var path = SaveTiny("c.safetensors");
        var (tensors, metadata) = SafeTensors.Read(path);
        metadata.Remove(TrainingCheckpoint.ChecksumKey);
        SafeTensors.Save(path, tensors, metadata);
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }

        using var checkpoint = TrainingCheckpoint.Load(path);
        Assert.That(checkpoint.ModelState, Is.Not.Empty);
    }

    [Test]
    public void Non_finite_model_weights_are_refused_naming_the_tensors_and_the_count()
    {
        string? poisoned = null;
        var path = SaveTiny("nan.safetensors", method =>
        {
            var (name, weight) = method.Model.StateDict().First(kv => kv.Value.DType == ScalarType.Float32 && kv.Value.NumEl >= 4);
            poisoned = name;
            using (Autograd.NoGrad())
            {
                var flat = weight.Reshape(-1);
                flat[0].Fill_(double.NaN);
                flat[1].Fill_(double.PositiveInfinity);
                flat[2].Fill_(double.NegativeInfinity);
            }
        });

        var e = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Load(path).Dispose())!;
        Assert.That(e.Message, Does.StartWith(path + ": 3 non-finite values"));
        Assert.That(e.Message, Does.Contain($"model.{poisoned} (3 of "));
    }

    [Test]
    public void A_truncated_checkpoint_is_invalid_data_naming_the_file()
    {
        var path = SaveTiny("c.safetensors");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^100]);
        var e = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Load(path).Dispose())!;
        Assert.That(e.Message, Does.StartWith(path + ": ").And.Contain("truncated"));
    }
}
