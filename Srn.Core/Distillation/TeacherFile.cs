using System.Text.Json;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Distillation;

/// <summary>
/// A trained WSDDN teacher on its own: its state dict (the teacher's own keys, <c>backbone.*</c>, <c>fc6.*</c>, ...) in a
/// safetensors file with metadata (format <c>srn-teacher/1</c>, backbone, input size, class names, head width, RoI op),
/// so runs that share training labels can share one teacher (KD-WSD's <c>teacher</c> option, <c>srn sweep
/// --share-teachers</c>).
/// </summary>
public static class TeacherFile
{
    /// <summary>The metadata format tag.</summary>
    public const string Format = "srn-teacher/1";

    /// <summary>Writes a teacher atomically (temporary file, then rename).</summary>
    /// <param name="path">The file.</param>
    /// <param name="teacher">The teacher.</param>
    /// <param name="identity">What the teacher is (compared on load).</param>
    public static void Save(string path, WsddnTeacher teacher, TeacherIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(identity);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        SafeTensors.Save(path, teacher.StateDict(), new Dictionary<string, string>
        {
            ["format"] = Format,
            ["identity"] = JsonSerializer.Serialize(identity),
        });
    }

    /// <summary>Loads a teacher's weights into <paramref name="teacher"/>, after checking the file describes the same teacher.</summary>
    /// <param name="path">The file.</param>
    /// <param name="teacher">The teacher to fill.</param>
    /// <param name="identity">What the teacher must be.</param>
    /// <exception cref="FileNotFoundException">When the file is missing.</exception>
    /// <exception cref="InvalidDataException">When it is not a teacher file, or describes another teacher (the message names both).</exception>
    public static void Load(string path, WsddnTeacher teacher, TeacherIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(identity);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Teacher file not found: {path}", path);
        }

        using var scope = DisposeScope.Enter();
        var (tensors, metadata) = SafeTensors.Read(path);
        if (!metadata.TryGetValue("format", out var format) || format != Format)
        {
            throw new InvalidDataException($"{path}: not an Srn teacher file (metadata format '{format ?? "missing"}', expected '{Format}').");
        }

        TeacherIdentity? stored;
        try
        {
            stored = metadata.TryGetValue("identity", out var json) ? JsonSerializer.Deserialize<TeacherIdentity>(json) : null;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: corrupt teacher metadata: {e.Message}", e);
        }

        if (stored is null || !stored.SameTeacher(identity))
        {
            throw new InvalidDataException($"{path}: the teacher there is {stored?.ToString() ?? "undescribed"}; this run needs {identity}.");
        }

        teacher.LoadStateDict(tensors);
    }
}
