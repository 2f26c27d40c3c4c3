using System.CommandLine;
using System.Globalization;
using Srn.Data;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Experiments;

/// <summary>The <c>--images</c> option of <c>srn attention</c> and <c>srn predict</c>: files and directories, repeated or comma-separated.</summary>
internal static class ImageInputs
{
    /// <summary>The image file extensions taken from a directory.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".png", ".jpg", ".jpeg"];

    /// <summary>The option: <c>--images a.png b.png</c>, <c>--images a.png --images b.png</c>, <c>--images a.png,b.png</c> or <c>--images DIR</c>.</summary>
    public static Option<string[]> CreateOption() => new("--images")
    {
        Description = "Image files or directories (PNG, JPEG; a directory's in name order): repeat the option, list several after it, or separate them with commas.",
        Required = true,
        AllowMultipleArgumentsPerToken = true,
    };

    /// <summary>
    /// The image files named by <paramref name="arguments"/>: each argument is a file, a directory (its PNG and JPEG files,
    /// sorted by name, not recursive) or a comma-separated list of those (an argument that exists as it is, commas and all,
    /// is taken whole). A file named twice is taken once. At most <paramref name="limit"/> images.
    /// </summary>
    /// <exception cref="ArgumentException">A limit below 1, or no image found.</exception>
    /// <exception cref="FileNotFoundException">A path that is neither a file nor a directory.</exception>
    public static List<string> List(IEnumerable<string> arguments, int limit = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (limit < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--limit must be at least 1 (the number of images to process); got {limit}."));
        }

        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string file)
        {
            if (seen.Add(Path.GetFullPath(file)))
            {
                result.Add(file);
            }
        }

        foreach (var argument in arguments)
        {
            var parts = File.Exists(argument) || Directory.Exists(argument)
                ? [argument]
                : argument.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var p in parts)
            {
                if (Directory.Exists(p))
                {
                    foreach (var f in Directory.EnumerateFiles(p).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal))
                    {
                        Add(f);
                    }
                }
                else if (File.Exists(p))
                {
                    Add(p);
                }
                else
                {
                    throw new FileNotFoundException($"--images: no such image or directory: {p}", p);
                }
            }
        }

        if (result.Count == 0)
        {
            throw new ArgumentException("--images found no PNG or JPEG file.");
        }

        return [.. result.Take(limit)];
    }

    /// <summary>Decodes an image; one that does not decode is a <see cref="DataFormatException"/> naming it.</summary>
    public static Tensor Decode(string path)
    {
        try
        {
            return ImageCodec.Decode(path);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, 0, $"cannot read the image ({Unprefixed(e.Message, path)}); pass PNG or JPEG files", e);
        }
    }

    /// <summary>A decoder message without the file name it may already start with.</summary>
    internal static string Unprefixed(string message, string path) =>
        message.StartsWith(path + ": ", StringComparison.Ordinal) ? message[(path.Length + 2)..] : message;
}
