using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Core.Tasks;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Lumina.Mcp.Tasks;

/// <summary>How a stored task reads on the wire (SEP-2663).</summary>
internal static class TaskWire
{
    public static string Status(LuminaTaskStatus status) => status switch
    {
        LuminaTaskStatus.Working => "working",
        LuminaTaskStatus.InputRequired => "input_required",
        LuminaTaskStatus.Completed => "completed",
        LuminaTaskStatus.Failed => "failed",
        _ => "cancelled",
    };

    public static CreatedTaskResult Created(LuminaTaskRecord task, TimeSpan pollInterval) => new()
    {
        ResultType = "task",
        TaskId = task.Id,
        Status = Status(task.Status),
        StatusMessage = task.StatusMessage,
        CreatedAt = task.CreatedAt,
        LastUpdatedAt = task.LastUpdatedAt,
        TtlMs = (long)task.Ttl.TotalMilliseconds,
        PollIntervalMs = (long)pollInterval.TotalMilliseconds,
    };

    /// <summary>The <c>tasks/get</c> answer (a <c>DetailedTask</c>): the task, with its questions, result or error inline.</summary>
    public static JsonObject Detailed(LuminaTaskRecord task, TimeSpan pollInterval)
    {
        var detailed = new JsonObject
        {
            ["resultType"] = "complete",
            ["taskId"] = task.Id,
            ["status"] = Status(task.Status),
            ["createdAt"] = task.CreatedAt,
            ["lastUpdatedAt"] = task.LastUpdatedAt,
            ["ttlMs"] = (long)task.Ttl.TotalMilliseconds,
            ["pollIntervalMs"] = (long)pollInterval.TotalMilliseconds,
        };
        if (task.StatusMessage is { } message)
        {
            detailed["statusMessage"] = message;
        }

        switch (task.Status)
        {
            case LuminaTaskStatus.InputRequired when task.InputRequests is { } requests:
                detailed["inputRequests"] = JsonNode.Parse(requests);
                break;
            case LuminaTaskStatus.Completed when task.Result is { } result:
                detailed["result"] = JsonNode.Parse(result);
                break;
            case LuminaTaskStatus.Failed when task.Error is { } error:
                detailed["error"] = JsonNode.Parse(error);
                break;
        }

        return detailed;
    }

    /// <summary>The empty acknowledgement of <c>tasks/update</c> and <c>tasks/cancel</c>.</summary>
    public static JsonObject Ack() => new() { ["resultType"] = "complete" };

    public static string Result(CallToolResult result) =>
        JsonSerializer.Serialize(result, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(CallToolResult)));

    /// <summary>A JSON-RPC error object, as a failed task carries it.</summary>
    public static string Error(int code, string message, JsonNode? data = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (data is not null)
        {
            error["data"] = data;
        }

        return error.ToJsonString();
    }
}
