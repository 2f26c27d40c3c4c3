using System.Text;

namespace Srn.Torch.IO.Pickle;

/// <summary>
/// An open <c>torch.save</c> file: its unpickled object (<see cref="Root"/>, with storages as
/// <see cref="PickledStorage"/> and tensors as <see cref="PickledTensor"/>) and access to the raw storage bytes.
/// <see cref="Open"/> tells the zip format (torch &gt;= 1.6) from the legacy one by the first bytes.
/// </summary>
internal abstract class CheckpointArchive : IDisposable
{
    private readonly FileStream file;

    protected CheckpointArchive(string path, FileStream file)
    {
        Path = path;
        this.file = file;
    }

    /// <summary>The file, as given; every error message starts with it.</summary>
    public string Path { get; }

    /// <summary>The object the checkpoint holds (a dict for state dicts and most training checkpoints).</summary>
    public object? Root { get; protected set; }

    /// <summary>Storages by key, as the persistent ids of the pickle describe them.</summary>
    protected Dictionary<string, PickledStorage> Storages { get; } = new(StringComparer.Ordinal);

    protected FileStream File => file;

    /// <summary>Opens a checkpoint in either format and unpickles its object (storage bytes are read later, on demand).</summary>
    /// <param name="path">The .pth / .pt file.</param>
    /// <returns>The open checkpoint; the caller disposes it.</returns>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="InvalidDataException">When the file is not a readable checkpoint; the message names the file.</exception>
    public static CheckpointArchive Open(string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"checkpoint file not found: {path}", path, e);
        }

        try
        {
            var head = new byte[512];
            var n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            file.Position = 0;
            if (n >= 2 && head[0] == 'P' && head[1] == 'K')
            {
                return new ZipCheckpointArchive(path, file);
            }

            if (n >= 2 && head[0] == PickleOpcodes.Proto)
            {
                return new LegacyCheckpointArchive(path, file);
            }

            if (n >= 262 && Encoding.ASCII.GetString(head, 257, 5) == "ustar")
            {
                throw new InvalidDataException($"{path}: a tar archive, the format of torch < 0.1.10, which this reader does not support; re-save it with a recent torch");
            }

            throw new InvalidDataException(n == 0
                ? $"{path}: {TorchCheckpoint.Unreadable}the file is empty"
                : $"{path}: {TorchCheckpoint.Unreadable}it starts with bytes {Convert.ToHexString(head, 0, Math.Min(n, 8))}, neither a zip archive (torch.save since 1.6) nor a pickle (the legacy format)");
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The bytes of a storage's root storage (<see cref="PickledStorage.RootBytes"/> of them, or more).</summary>
    /// <param name="storage">A storage of this checkpoint.</param>
    /// <returns>The raw little-endian bytes.</returns>
    /// <exception cref="InvalidDataException">When the bytes are missing, truncated or corrupt.</exception>
    public byte[] ReadStorage(PickledStorage storage)
    {
        if (storage.RootBytes > Array.MaxLength)
        {
            throw Bad($"storage '{storage.RootKey}' is {storage.RootBytes} bytes, larger than one .NET array can hold");
        }

        return ReadRoot(storage);
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
        }
    }

    /// <summary>Reads the bytes of <paramref name="storage"/>'s root storage from the file.</summary>
    protected abstract byte[] ReadRoot(PickledStorage storage);

    /// <summary>The persistent-load hook for the object pickle: storages, one object per key.</summary>
    protected object? PersistentLoad(object? pid) => PickledStorage.FromPersistentId(pid, Storages);

    protected InvalidDataException Bad(string what, Exception? inner = null) => new($"{Path}: {what}", inner);
}
