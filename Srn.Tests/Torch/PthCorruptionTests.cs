using System.IO.Compression;
using System.Text;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Tests.Torch;

/// <summary>
/// Whatever is wrong with a .pth file (random bytes, any truncation, flipped bytes, a zip with a garbage pickle, an empty
/// file), TorchCheckpoint fails with one InvalidDataException that starts with the path, never another exception type.
/// </summary>
[TestFixture]
public sealed class PthCorruptionTests
{
    private static readonly string FixtureDir =
        Path.Combine(Path.GetDirectoryName(typeof(PthCorruptionTests).Assembly.Location)!, "Fixtures", "Torch", "pth");

    private string dir = null!;

    [SetUp]
    public void SetUp() => dir = Directory.CreateTempSubdirectory("srn-pth-corrupt-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // Either it loads (a flip the format cannot see, in a legacy storage) or it is one InvalidDataException naming the file.
    private static void LoadsOrIsInvalidData(string path, string what)
    {
        try
        {
            foreach (var t in TorchCheckpoint.Load(path).Values)
            {
                t.Dispose();
            }
        }
        catch (InvalidDataException e)
        {
            Assert.That(e.Message, Does.StartWith(path), what);
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name}: {e.Message}");
        }
    }

    [Test]
    public void Empty_and_random_files_are_not_readable_checkpoints()
    {
        var empty = Write("empty.pth", []);
        Assert.That(() => TorchCheckpoint.Load(empty), Throws.TypeOf<InvalidDataException>()
            .With.Message.EqualTo($"{empty}: not a readable PyTorch checkpoint: the file is empty"));

        var rng = new Random(11);
        for (var i = 0; i < 30; i++)
        {
            var bytes = new byte[rng.Next(1, 4000)];
            rng.NextBytes(bytes);
            if (i % 3 == 1)
            {
                bytes[0] = 0x80; // the pickle PROTO opcode: random bytes that look like a legacy checkpoint
            }
            else if (i % 3 == 2)
            {
                bytes[0] = (byte)'P'; // zip's first bytes
                if (bytes.Length > 1)
                {
                    bytes[1] = (byte)'K';
                }
            }

            var path = Write($"random{i}.pth", bytes);
            var e = Assert.Throws<InvalidDataException>(() => TorchCheckpoint.Load(path), $"random{i}")!;
            Assert.That(e.Message, Does.StartWith(path), $"random{i}");
            Assert.Throws<InvalidDataException>(() => TorchCheckpoint.Keys(path), $"random{i} keys");
            Assert.Throws<InvalidDataException>(() => TorchCheckpoint.Load(path, "model"), $"random{i} key");
        }
    }

    [Test]
    public void A_zip_with_a_garbage_pickle_is_not_a_readable_checkpoint()
    {
        var rng = new Random(5);
        for (var i = 0; i < 30; i++)
        {
            var path = Path.Combine(dir, $"garbage{i}.pth");
            using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
            {
                var pickle = new byte[rng.Next(0, 300)];
                rng.NextBytes(pickle);
                if (pickle.Length > 1)
                {
                    pickle[0] = 0x80;
                    pickle[1] = 2; // PROTO 2, then garbage
                }

                using var s = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open();
                s.Write(pickle);
            }

            var e = Assert.Throws<InvalidDataException>(() => TorchCheckpoint.Load(path), $"garbage{i}")!;
            Assert.That(e.Message, Does.StartWith(path), $"garbage{i}");
        }
    }

    [Test]
    public void Every_truncation_of_a_real_checkpoint_is_invalid_data()
    {
        foreach (var fixture in new[] { "state.pth", "state_legacy.pth", "nested.pth" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(FixtureDir, fixture));
            var step = Math.Max(1, bytes.Length / 400);
            for (var cut = 0; cut < bytes.Length; cut += step)
            {
                var path = Write("cut.pth", bytes[..cut]);
                var e = Assert.Throws<InvalidDataException>(() => TorchCheckpoint.Load(path), $"{fixture} cut at {cut}")!;
                Assert.That(e.Message, Does.StartWith(path), $"{fixture} cut at {cut}");
            }
        }
    }

    [Test]
    public void Flipped_bytes_anywhere_load_or_are_invalid_data()
    {
        foreach (var fixture in new[] { "state.pth", "state_legacy.pth" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(FixtureDir, fixture));
            var rng = new Random(fixture.Length);
            for (var i = 0; i < 300; i++)
            {
                var flipped = (byte[])bytes.Clone();
                var at = rng.Next(flipped.Length);
                flipped[at] ^= (byte)(1 << rng.Next(8));
                LoadsOrIsInvalidData(Write("flip.pth", flipped), $"{fixture} byte {at}");
            }
        }
    }

    [Test]
    public void A_missing_key_is_still_a_key_not_found_error()
    {
        Assert.That(() => TorchCheckpoint.Load(Path.Combine(FixtureDir, "nested.pth"), "no-such-key"), Throws.TypeOf<KeyNotFoundException>());
    }
}
