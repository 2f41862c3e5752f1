using System.Text.Json;

namespace Lumina.Workflows.Tests;

/// <summary>A few tools with hand-written schemas, shaped like the real ones.</summary>
internal static class TestCatalog
{
    public static WorkflowCatalog Create() => new(new Dictionary<string, JsonElement>
    {
        ["files_list"] = Schema("""{"type":"object","properties":{"path":{"type":"string"},"pattern":{"type":"string"},"recursive":{"type":"boolean"}}}"""),
        ["files_read"] = Schema("""{"type":"object","properties":{"path":{"type":"string"},"startLine":{"type":"integer"}},"required":["path"]}"""),
        ["files_write"] = Schema("""{"type":"object","properties":{"path":{"type":"string"},"content":{"type":"string"},"overwrite":{"type":"boolean"}},"required":["path","content"]}"""),
        ["ask"] = Schema("""{"type":"object","properties":{"message":{"type":"string"},"maxSteps":{"type":"integer"}},"required":["message"]}"""),
        ["text_summarize"] = Schema("""{"type":"object","properties":{"text":{"type":"string"},"length":{"type":"string"}},"required":["text"]}"""),
        ["memory_remember"] = Schema("""{"type":"object","properties":{"text":{"type":"string"},"tags":{"type":["array","null"]}},"required":["text"]}"""),
        ["workflow_other"] = Schema("""{"type":"object","properties":{"topic":{"type":"string"}}}"""),
    });

    private static JsonElement Schema(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
