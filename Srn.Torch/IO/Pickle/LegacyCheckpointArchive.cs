using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;

namespace Srn.Torch.IO.Pickle;

/// <summary>
/// torch.save's legacy format (before torch 1.6, or <c>_use_new_zipfile_serialization=False</c>; torchvision's
/// older ImageNet checkpoints): consecutive pickles of the magic number, the protocol version (1001), the
/// system info, the object and the list of storage keys; then, per key in that order, an int64 element count
/// and the storage's raw little-endian bytes.
/// </summary>
internal sealed class LegacyCheckpointArchive : CheckpointArchive
{
    private const long ProtocolVersion = 1001;
    private static readonly BigInteger MagicNumber = BigInteger.Parse("1950a86a20f9469cfc6c", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private readonly Dictionary<string, long> dataOffsets = new(StringComparer.Ordinal);

    public LegacyCheckpointArchive(string path, FileStream file)
        : base(path, file)
    {
        var stream = new BufferedStream(file, 1 << 16);
        var magic = new Unpickler(stream, $"{path} (magic number pickle)", null).Load();
        if (magic is not BigInteger m || m != MagicNumber)
        {
            throw Bad($"{TorchCheckpoint.Unreadable}the first pickle holds {PyValues.Repr(magic)} instead of torch's magic number");
        }

        var protocol = new Unpickler(stream, $"{path} (protocol version pickle)", null).Load();
        if (PyValues.AsLong(protocol) != ProtocolVersion)
        {
            throw Bad($"legacy serialization protocol {PyValues.Repr(protocol)} is not supported (only {ProtocolVersion})");
        }

        var sysInfo = new Unpickler(stream, $"{path} (sys_info pickle)", null).Load();
        if (sysInfo is PyDict info && info.TryGetValue("little_endian", out var little) && little is false)
        {
            throw Bad("written on a big-endian machine; only little-endian checkpoints are supported");
        }

        Root = new Unpickler(stream, $"{path} (object pickle)", PersistentLoad).Load();
        var keys = new Unpickler(stream, $"{path} (storage key list pickle)", null).Load() as List<object?>
            ?? throw Bad("the pickle after the object is not the list of storage keys");
        IndexData(keys, stream.Position);
    }

    protected override byte[] ReadRoot(PickledStorage storage)
    {
        if (!dataOffsets.TryGetValue(storage.RootKey, out var offset))
        {
            throw Bad($"storage '{storage.RootKey}' is missing: its key is not in the file's storage list");
        }

        var buffer = new byte[storage.RootBytes];
        File.Position = offset;
        try
        {
            File.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw Bad($"the file is truncated inside storage '{storage.RootKey}'", e);
        }

        return buffer;
    }

    // Walks the data section: checks each record's element count and that its bytes are all there.
    private void IndexData(List<object?> keys, long position)
    {
        Span<byte> count = stackalloc byte[8];
        foreach (var item in keys)
        {
            if (item is not string key)
            {
                throw Bad($"the storage key list holds {PyValues.Describe(item)}");
            }

            if (!Storages.TryGetValue(key, out var storage) || storage.RootKey != key)
            {
                throw Bad($"storage '{key}' is in the data section, but no tensor of the object refers to it");
            }

            if (!dataOffsets.TryAdd(key, position + 8))
            {
                throw Bad($"storage '{key}' appears twice in the storage key list");
            }

            File.Position = position;
            if (File.ReadAtLeast(count, 8, throwOnEndOfStream: false) < 8)
            {
                throw Bad($"the file is truncated: it ends at byte {File.Length}, before the element count of storage '{key}' at byte {position}");
            }

            var numel = BinaryPrimitives.ReadInt64LittleEndian(count);
            if (numel != storage.RootNumel)
            {
                throw Bad($"storage '{key}' has {numel} elements in the data section but {storage.RootNumel} in the pickle: the file is corrupt");
            }

            var end = position + 8 + storage.RootBytes;
            if (end > File.Length)
            {
                throw Bad($"the file is truncated: storage '{key}' needs bytes [{position + 8}, {end}) but the file ends at byte {File.Length}");
            }

            position = end;
        }
    }
}
