using System.Text.Json.Serialization;
using ModelContextProtocol.Protocol;

namespace Lumina.Mcp.Tasks;

/// <summary>
/// The answer to a call that became a task (SEP-2663 <c>CreateTaskResult</c>): the task itself, flat, with
/// <c>resultType</c> <c>task</c>. Its result, error or questions are for <c>tasks/get</c>.
/// </summary>
internal sealed class CreatedTaskResult : Result
{
    [JsonPropertyName("taskId")]
    public required string TaskId { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("statusMessage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StatusMessage { get; init; }

    [JsonPropertyName("createdAt")]
    public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("lastUpdatedAt")]
    public required DateTimeOffset LastUpdatedAt { get; init; }

    [JsonPropertyName("ttlMs")]
    public required long TtlMs { get; init; }

    [JsonPropertyName("pollIntervalMs")]
    public required long PollIntervalMs { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreatedTaskResult))]
internal sealed partial class TasksJsonContext : JsonSerializerContext;
