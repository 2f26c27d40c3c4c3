using System.IO.Compression;
using System.Text;

namespace Srn.Torch.IO.Pickle;

/// <summary>
/// torch.save's zip format (the default since torch 1.6): records <c>NAME/data.pkl</c> (the object pickle),
/// <c>NAME/data/KEY</c> (one raw storage per key), <c>NAME/version</c> and maybe <c>NAME/byteorder</c>, where
/// NAME varies (the file's stem, or <c>archive</c>). Every record read is checked against its CRC-32.
/// </summary>
internal sealed class ZipCheckpointArchive : CheckpointArchive
{
    private const string PickleName = "data.pkl";

    private readonly ZipArchive zip;
    private readonly string prefix;

    public ZipCheckpointArchive(string path, FileStream file)
        : base(path, file)
    {
        try
        {
            zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or NotSupportedException)
        {
            throw Bad($"{TorchCheckpoint.Unreadable}corrupt or truncated zip archive: {e.Message}", e);
        }

        try
        {
            var pickle = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/" + PickleName, StringComparison.Ordinal)
                && e.FullName.IndexOf('/', StringComparison.Ordinal) == e.FullName.Length - PickleName.Length - 1)
                ?? throw Bad($"a zip archive without a NAME/{PickleName} record: not a torch.save checkpoint");
            prefix = pickle.FullName[..^PickleName.Length];

            if (zip.GetEntry(prefix + "byteorder") is { } byteOrder)
            {
                var order = Encoding.ASCII.GetString(ReadEntry(byteOrder)).Trim();
                if (order != "little")
                {
                    throw Bad($"storages are stored {order}-endian (record {byteOrder.FullName}); only little-endian checkpoints are supported");
                }
            }

            using var pkl = new MemoryStream(ReadEntry(pickle), writable: false);
            Root = new Unpickler(pkl, $"{path} (record {pickle.FullName})", PersistentLoad).Load();
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    protected override byte[] ReadRoot(PickledStorage storage)
    {
        var name = prefix + "data/" + storage.RootKey;
        var entry = zip.GetEntry(name) ?? throw Bad($"storage '{storage.RootKey}' is missing: the archive has no record {name}");
        if (entry.Length < storage.RootBytes)
        {
            throw Bad($"record {name} holds {entry.Length} bytes, but storage '{storage.RootKey}' needs {storage.RootBytes} ({storage.RootNumel} elements of {storage.DType})");
        }

        return ReadEntry(entry);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            zip.Dispose();
        }

        base.Dispose(disposing);
    }

    private byte[] ReadEntry(ZipArchiveEntry entry)
    {
        if (entry.Length > Array.MaxLength)
        {
            throw Bad($"record {entry.FullName} is {entry.Length} bytes, larger than one .NET array can hold");
        }

        var buffer = new byte[entry.Length];
        try
        {
            using var stream = entry.Open();
            stream.ReadExactly(buffer);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
        {
            throw Bad($"record {entry.FullName} is truncated or corrupt: {e.Message}", e);
        }

        if (Crc32.Compute(buffer) != entry.Crc32)
        {
            throw Bad($"record {entry.FullName} fails its CRC-32 check: the file is corrupt");
        }

        return buffer;
    }
}
