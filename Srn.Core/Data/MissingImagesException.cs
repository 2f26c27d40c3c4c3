using System.Globalization;
using System.Text;

namespace Srn.Data;

/// <summary>
/// Images named by a manifest (or a dataset's lists) do not exist under the image root. All of them are reported at once,
/// with their count, never one at a time; <see cref="MissingImagePolicy.Drop"/> drops them instead.
/// </summary>
public sealed class MissingImagesException : FileNotFoundException
{
    /// <summary>How many missing images the message lists by name.</summary>
    public const int ListedInMessage = 10;

    /// <summary>Creates the exception.</summary>
    /// <param name="source">The manifest or list file the images come from.</param>
    /// <param name="imageRoot">The directory relative image paths were resolved against.</param>
    /// <param name="total">How many images were checked.</param>
    /// <param name="missing">Each missing image with the line it is on (0 when it does not come from a file).</param>
    public MissingImagesException(string source, string imageRoot, int total, IReadOnlyList<(string Image, int Line)> missing)
        : base(Describe(source, imageRoot, total, missing))
    {
        SourceFile = source;
        ImageRoot = imageRoot;
        Total = total;
        Missing = missing.Select(m => m.Image).ToArray();
    }

    /// <summary>Creates the exception with a message only.</summary>
    public MissingImagesException()
        : this("missing images")
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    /// <param name="message">The message.</param>
    public MissingImagesException(string message)
        : base(message)
    {
        SourceFile = ImageRoot = "<unknown>";
        Missing = [];
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MissingImagesException(string message, Exception innerException)
        : base(message, innerException)
    {
        SourceFile = ImageRoot = "<unknown>";
        Missing = [];
    }

    /// <summary>The manifest or list file the images come from.</summary>
    public string SourceFile { get; }

    /// <summary>The directory relative image paths were resolved against.</summary>
    public string ImageRoot { get; }

    /// <summary>How many images were checked.</summary>
    public int Total { get; }

    /// <summary>Every missing image, as written in the source.</summary>
    public IReadOnlyList<string> Missing { get; }

    private static string Describe(string source, string imageRoot, int total, IReadOnlyList<(string Image, int Line)> missing)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{source}: {missing.Count} of {total} images are missing under image root '{imageRoot}': ");
        sb.AppendJoin(", ", missing.Take(ListedInMessage).Select(m => m.Line > 0
            ? string.Create(CultureInfo.InvariantCulture, $"line {m.Line}: {m.Image}")
            : m.Image));
        if (missing.Count > ListedInMessage)
        {
            sb.Append(CultureInfo.InvariantCulture, $", and {missing.Count - ListedInMessage} more");
        }

        sb.Append(". Fix the image root, or drop these rows (MissingImagePolicy.Drop; srn data: --missing-images drop).");
        return sb.ToString();
    }
}
