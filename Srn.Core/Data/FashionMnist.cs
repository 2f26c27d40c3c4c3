using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Srn.Data;

/// <summary>
/// Fashion-MNIST (Zalando; 70,000 28x28 grayscale product photos in 10 classes) read from its idx files, as Debian's
/// <c>dataset-fashion-mnist</c> package installs them in <see cref="DefaultDirectory"/> (<c>*-idx*-ubyte.gz</c>; uncompressed
/// files are read too). The source of the FashionScenes items.
/// </summary>
/// <remarks>The PyTorch equivalent is <c>torchvision.datasets.FashionMNIST</c>, which reads the same files.</remarks>
public sealed class FashionMnist
{
    /// <summary>Where Debian's package installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The Debian package that provides the files.</summary>
    public const string DebianPackage = "dataset-fashion-mnist";

    /// <summary>The side of an item in pixels.</summary>
    public const int ItemSize = 28;

    /// <summary>The pixels of an item.</summary>
    public const int ItemPixels = ItemSize * ItemSize;

    private FashionMnist(string directory, FashionMnistSplit train, FashionMnistSplit test, string fingerprint)
    {
        Directory = directory;
        Train = train;
        Test = test;
        Fingerprint = fingerprint;
    }

    /// <summary>
    /// The class names, as identifiers, in Fashion-MNIST's label order: T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal,
    /// Shirt, Sneaker, Bag, Ankle boot.
    /// </summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["tshirt_top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle_boot"];

    /// <summary>The directory the files were read from.</summary>
    public string Directory { get; }

    /// <summary>The training split (60,000 items).</summary>
    public FashionMnistSplit Train { get; }

    /// <summary>The test split (10,000 items).</summary>
    public FashionMnistSplit Test { get; }

    /// <summary>The SHA-256 of the decompressed files (hex, 16 characters): identifies the data a generation used.</summary>
    public string Fingerprint { get; }

    /// <summary>Reads the four idx files.</summary>
    /// <param name="directory">The directory of the files; null for <see cref="DefaultDirectory"/>.</param>
    /// <returns>Both splits.</returns>
    /// <exception cref="FileNotFoundException">A file is missing; the message names the path and the Debian package.</exception>
    /// <exception cref="DataFormatException">A file is not an idx file of the expected shape.</exception>
    public static FashionMnist Load(string? directory = null)
    {
        directory ??= DefaultDirectory;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var trainImages = ReadIdx(directory, "train-images-idx3-ubyte", 3, sha);
        var trainLabels = ReadIdx(directory, "train-labels-idx1-ubyte", 1, sha);
        var testImages = ReadIdx(directory, "t10k-images-idx3-ubyte", 3, sha);
        var testLabels = ReadIdx(directory, "t10k-labels-idx1-ubyte", 1, sha);
        var train = Split("train", trainImages, trainLabels);
        var test = Split("test", testImages, testLabels);
        return new FashionMnist(directory, train, test, Convert.ToHexStringLower(sha.GetHashAndReset())[..16]);
    }

    private static FashionMnistSplit Split(string name, (byte[] Data, int[] Dims, string Path) images, (byte[] Data, int[] Dims, string Path) labels)
    {
        if (images.Dims[1] != ItemSize || images.Dims[2] != ItemSize)
        {
            throw new DataFormatException(images.Path, 0, string.Create(CultureInfo.InvariantCulture,
                $"items are {images.Dims[1]}x{images.Dims[2]}, expected {ItemSize}x{ItemSize}"));
        }

        if (images.Dims[0] != labels.Dims[0])
        {
            throw new DataFormatException(labels.Path, 0, string.Create(CultureInfo.InvariantCulture,
                $"{labels.Dims[0]} labels for {images.Dims[0]} images in {images.Path}"));
        }

        var bad = Array.FindIndex(labels.Data, l => l >= ClassNames.Count);
        if (bad >= 0)
        {
            throw new DataFormatException(labels.Path, 0, string.Create(CultureInfo.InvariantCulture, $"label {labels.Data[bad]} of item {bad} is not a class (0..9)"));
        }

        return new FashionMnistSplit(name, images.Data, labels.Data);
    }

    private static (byte[] Data, int[] Dims, string Path) ReadIdx(string directory, string name, int rank, IncrementalHash sha)
    {
        var gz = Path.Combine(directory, name + ".gz");
        var plain = Path.Combine(directory, name);
        var path = File.Exists(gz) ? gz : File.Exists(plain) ? plain : throw new FileNotFoundException(
            $"Fashion-MNIST not found: {gz} does not exist. Install Debian's {DebianPackage} package " +
            $"(sudo apt-get install {DebianPackage}), or give the directory that holds the *-idx*-ubyte.gz files (srn data fashion-scenes --fashion-mnist DIR).",
            gz);
        byte[] bytes;
        try
        {
            using var file = File.OpenRead(path);
            using Stream input = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var buffer = new MemoryStream();
            input.CopyTo(buffer);
            bytes = buffer.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, 0, $"not a valid gzip file: {e.Message}", e);
        }

        sha.AppendData(bytes);
        var header = 4 + 4 * rank;
        if (bytes.Length < header || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08 || bytes[3] != rank)
        {
            throw new DataFormatException(path, 0, string.Create(CultureInfo.InvariantCulture, $"not an idx file of unsigned bytes with {rank} dimension(s)"));
        }

        var dims = new int[rank];
        long count = 1;
        for (var d = 0; d < rank; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            count *= dims[d];
        }

        if (bytes.Length - header != count)
        {
            throw new DataFormatException(path, 0, string.Create(CultureInfo.InvariantCulture,
                $"{bytes.Length - header} data bytes, expected {count} for dimensions {string.Join('x', dims)}"));
        }

        return (bytes[header..], dims, path);
    }
}
