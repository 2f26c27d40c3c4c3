using System.Text.Json;
using System.Text.Json.Serialization;

namespace Srn.Data;

/// <summary>The parts of a COCO instances file the readers use; everything else (segmentations, captions) is skipped while streaming.</summary>
internal sealed class CocoInstances
{
    [JsonPropertyName("images")]
    public List<CocoImage>? Images { get; set; }

    [JsonPropertyName("categories")]
    public List<CocoCategory>? Categories { get; set; }

    [JsonPropertyName("annotations")]
    public List<CocoAnnotation>? Annotations { get; set; }
}

/// <summary>An entry of COCO's <c>images</c>.</summary>
internal sealed class CocoImage
{
    [JsonPropertyName("id")]
    public long Id { get; set; }

    [JsonPropertyName("file_name")]
    public string? FileName { get; set; }
}

/// <summary>An entry of COCO's <c>categories</c>.</summary>
internal sealed class CocoCategory
{
    [JsonPropertyName("id")]
    public int Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }
}

/// <summary>An entry of COCO's <c>annotations</c>.</summary>
internal sealed class CocoAnnotation
{
    [JsonPropertyName("id")]
    public long Id { get; set; }

    [JsonPropertyName("image_id")]
    public long ImageId { get; set; }

    [JsonPropertyName("category_id")]
    public int CategoryId { get; set; }
}

/// <summary>A WIDER-Attribute annotation file (<c>wider_attribute_{trainval,test}.json</c>); <c>scene_id_map</c> and scenes are skipped.</summary>
internal sealed class WiderAttributeFile
{
    [JsonPropertyName("images")]
    public List<WiderImage>? Images { get; set; }

    [JsonPropertyName("attribute_id_map")]
    public Dictionary<string, string>? AttributeIdMap { get; set; }
}

/// <summary>An entry of WIDER-Attribute's <c>images</c>: the file and its annotated people.</summary>
internal sealed class WiderImage
{
    [JsonPropertyName("file_name")]
    public string? FileName { get; set; }

    [JsonPropertyName("targets")]
    public List<WiderTarget>? Targets { get; set; }
}

/// <summary>One annotated person: 14 attribute values (1, -1, 0 unspecified) and the box <c>[x, y, width, height]</c>.</summary>
internal sealed class WiderTarget
{
    [JsonPropertyName("attribute")]
    public int[]? Attribute { get; set; }

    [JsonPropertyName("bbox")]
    public double[]? Bbox { get; set; }
}

/// <summary>Source-generated (reflection-free) JSON contracts of the dataset readers.</summary>
[JsonSerializable(typeof(CocoInstances))]
[JsonSerializable(typeof(WiderAttributeFile))]
[JsonSerializable(typeof(Dictionary<string, int[]>))]
internal sealed partial class DataJsonContext : JsonSerializerContext
{
    /// <summary>Reads a JSON file as <typeparamref name="T"/>, streaming; errors name the file and line.</summary>
    public static T Load<T>(string path, string what, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{what} not found: {path}", path);
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
            return JsonSerializer.Deserialize(stream, type) ?? throw new DataFormatException(path, 0, "the file holds JSON null");
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, e.LineNumber is { } l ? checked((int)l + 1) : 0, $"malformed JSON: {e.Message}", e);
        }
    }
}
