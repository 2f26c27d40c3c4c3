using System.Globalization;
using System.Text;

namespace Srn.Torch.NN;

/// <summary>
/// A checkpoint does not fit a model. The message is one line naming the first few missing, unexpected and wrong-shape
/// keys with their counts; <see cref="MissingKeys"/>, <see cref="UnexpectedKeys"/> and <see cref="WrongShapeKeys"/> list
/// them all.
/// </summary>
/// <remarks>
/// It derives from <see cref="IOException"/>, not <see cref="Exception"/>, because the fault is in the input (a checkpoint
/// that does not fit), and callers that report unusable input files (the command line's error handler among them) catch
/// <see cref="IOException"/>; <see cref="InvalidDataException"/>, the type of the readers' format errors, is sealed.
/// </remarks>
public sealed class StateDictMismatchException : IOException
{
    /// <summary>How many keys of each kind the message names before it gives the count of the rest.</summary>
    public const int ListedInMessage = 5;

    /// <summary>Creates the exception for a model type and the keys at fault.</summary>
    /// <param name="model">The model's type name.</param>
    /// <param name="missing">Keys the model has and the checkpoint lacks.</param>
    /// <param name="unexpected">Keys the checkpoint has and the model lacks.</param>
    /// <param name="wrongShape">Keys present in both with different shapes, each with both shapes.</param>
    public StateDictMismatchException(string model, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> wrongShape)
        : base(Describe(model, missing, unexpected, wrongShape))
    {
        MissingKeys = missing;
        UnexpectedKeys = unexpected;
        WrongShapeKeys = wrongShape;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public StateDictMismatchException()
        : this("model", [], [], [])
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    /// <param name="message">The message.</param>
    public StateDictMismatchException(string message)
        : base(message)
    {
        MissingKeys = UnexpectedKeys = WrongShapeKeys = [];
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public StateDictMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
        MissingKeys = UnexpectedKeys = WrongShapeKeys = [];
    }

    /// <summary>Keys the model has and the checkpoint lacks.</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>Keys the checkpoint has and the model lacks.</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>Keys with different shapes, each with both shapes.</summary>
    public IReadOnlyList<string> WrongShapeKeys { get; }

    private static string Describe(string model, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> wrongShape)
    {
        var sb = new StringBuilder($"the state dict does not fit {model}, nothing was loaded:");
        var first = true;
        Append(sb, "missing", missing, ref first);
        Append(sb, "unexpected", unexpected, ref first);
        Append(sb, "wrong shape", wrongShape, ref first);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, string title, IReadOnlyList<string> keys, ref bool first)
    {
        if (keys.Count == 0)
        {
            return;
        }

        sb.Append(first ? " " : "; ");
        first = false;
        sb.Append(CultureInfo.InvariantCulture, $"{keys.Count} {title} key{(keys.Count == 1 ? "" : "s")} (");
        sb.AppendJoin(", ", keys.Take(ListedInMessage).Select(OneLine));
        if (keys.Count > ListedInMessage)
        {
            sb.Append(CultureInfo.InvariantCulture, $", and {keys.Count - ListedInMessage} more");
        }

        sb.Append(')');
    }

    // Keys come from files: a line break in one must not break the one-line message.
    private static string OneLine(string key) => key.ReplaceLineEndings(" ");
}
