using System.Text.Json;
using Lumina.Abstractions;

namespace Lumina.Core.Search;

/// <summary>One tool as tool search indexes and returns it.</summary>
/// <param name="Name">The MCP tool name, such as <c>github_create_issue</c>.</param>
/// <param name="Title">The human-readable title, when the tool has one.</param>
/// <param name="Description">What the tool does.</param>
/// <param name="InputSchema">The JSON schema of its arguments; its property names and descriptions are indexed too.</param>
internal sealed record ToolSearchDocument(string Name, string? Title, string Description, JsonElement InputSchema)
{
    /// <summary>The document of a listed tool, with an optional <paramref name="title"/>.</summary>
    public static ToolSearchDocument From(LuminaToolInfo tool, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return new ToolSearchDocument(tool.Name, title, tool.Description, tool.InputSchema);
    }
}

/// <summary>A tool search result: the tool and its score (BM25, or the fused reciprocal-rank score with embeddings).</summary>
internal sealed record ToolSearchHit(ToolSearchDocument Tool, double Score);
