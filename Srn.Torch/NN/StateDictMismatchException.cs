using System.Text;

namespace Srn.Torch.NN;

/// <summary>A checkpoint does not fit a model: lists every missing, unexpected and wrong-shape key.</summary>
public sealed class StateDictMismatchException : Exception
{
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
        var sb = new StringBuilder($"Error(s) loading the state dict of {model}; nothing was loaded.");
        Append(sb, "Missing key(s)", missing);
        Append(sb, "Unexpected key(s)", unexpected);
        Append(sb, "Size mismatch", wrongShape);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, string title, IReadOnlyList<string> keys)
    {
        if (keys.Count == 0)
        {
            return;
        }

        sb.AppendLine().Append(title).Append(" (").Append(keys.Count).Append("):");
        foreach (var k in keys)
        {
            sb.AppendLine().Append("  ").Append(k);
        }
    }
}
