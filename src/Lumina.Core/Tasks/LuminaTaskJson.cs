using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumina.Core.Tasks;

/// <summary>How the stores write a task: one JSON document, the same in every backend.</summary>
public static class LuminaTaskJson
{
    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(LuminaTaskRecord task) => JsonSerializer.Serialize(task, s_options);

    /// <exception cref="JsonException">The text is not a task.</exception>
    public static LuminaTaskRecord Deserialize(string json) =>
        JsonSerializer.Deserialize<LuminaTaskRecord>(json, s_options) ?? throw new JsonException("A stored task is empty.");
}
