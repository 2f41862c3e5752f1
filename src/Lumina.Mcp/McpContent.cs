using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Tools;
using Microsoft.SemanticKernel;
using ModelContextProtocol.Protocol;

namespace Lumina.Mcp;

/// <summary>Maps what kernel functions return to MCP content.</summary>
internal static class McpContent
{
    public static ContentBlock Block(LuminaContent content) => content switch
    {
        LuminaText text => new TextContentBlock { Text = text.Value },
        LuminaImage image => ImageContentBlock.FromBytes(image.Data, image.MimeType),
        LuminaAudio audio => AudioContentBlock.FromBytes(audio.Data, audio.MimeType),
        LuminaEmbeddedResource resource => new EmbeddedResourceBlock { Resource = Resource(resource) },
        LuminaResourceLink link => new ResourceLinkBlock { Uri = link.Uri, Name = link.Name, MimeType = link.MimeType, Description = link.Description },
        _ => throw new ArgumentOutOfRangeException(nameof(content), content.GetType().Name, "Unknown content type."),
    };

    public static ResourceContents Resource(LuminaEmbeddedResource resource) => resource.Text is { } text
        ? new TextResourceContents { Uri = resource.Uri, MimeType = resource.MimeType, Text = text }
        : BlobResourceContents.FromBytes(resource.Blob!.Value, resource.Uri, resource.MimeType);

    /// <summary>The tool result for a function's return value.</summary>
    public static CallToolResult ToolResult(object? value, bool structured)
    {
        switch (value)
        {
            case null:
                return new CallToolResult { Content = [] };
            case string text:
                return Text(text);
            case LuminaResult result:
                return new CallToolResult
                {
                    Content = [.. result.Items.Select(Block)],
                    IsError = result.IsError ? true : null,
                    StructuredContent = result.Structured is null ? null : JsonSerializer.SerializeToElement(result.Structured, result.Structured.GetType(), LuminaJson.Options),
                };
            case LuminaContent content:
                return new CallToolResult { Content = [Block(content)] };
            case IEnumerable<LuminaContent> contents:
                return new CallToolResult { Content = [.. contents.Select(Block)] };
            case KernelContent kernelContent:
                return Text(kernelContent.ToString() ?? string.Empty);
            default:
                var json = JsonSerializer.SerializeToElement(value, value.GetType(), LuminaJson.Options);
                if (json.ValueKind == JsonValueKind.String)
                {
                    return Text(json.GetString()!);
                }

                // Structured content goes with its JSON as text, for clients that read only text.
                return new CallToolResult
                {
                    Content = [new TextContentBlock { Text = json.GetRawText() }],
                    StructuredContent = structured && json.ValueKind == JsonValueKind.Object ? json : null,
                };
        }
    }

    /// <summary>A text result.</summary>
    public static CallToolResult Text(string text) => new() { Content = [new TextContentBlock { Text = text }] };

    /// <summary>A tool error result with a message safe to show.</summary>
    public static CallToolResult Error(string message) => new() { Content = [new TextContentBlock { Text = message }], IsError = true };

    /// <summary>Prompt messages for what a prompt function returned.</summary>
    public static IList<PromptMessage> PromptMessages(object? value) => value switch
    {
        null => [],
        LuminaPromptMessage message => [Message(message)],
        IEnumerable<LuminaPromptMessage> messages => [.. messages.Select(Message)],
        LuminaContent content => [new PromptMessage { Role = Role.User, Content = Block(content) }],
        IEnumerable<LuminaContent> contents => [.. contents.Select(c => new PromptMessage { Role = Role.User, Content = Block(c) })],
        _ => [new PromptMessage { Role = Role.User, Content = new TextContentBlock { Text = value.ToString() ?? string.Empty } }],
    };

    /// <summary>Resource contents for what a resource function returned.</summary>
    public static IList<ResourceContents> ResourceContents(object? value, string uri, string? mimeType) => value switch
    {
        null => [],
        string text => [new TextResourceContents { Uri = uri, MimeType = mimeType ?? "text/plain", Text = text }],
        byte[] bytes => [BlobResourceContents.FromBytes(bytes, uri, mimeType ?? "application/octet-stream")],
        ReadOnlyMemory<byte> memory => [BlobResourceContents.FromBytes(memory, uri, mimeType ?? "application/octet-stream")],
        LuminaEmbeddedResource resource => [Resource(resource)],
        IEnumerable<LuminaEmbeddedResource> resources => [.. resources.Select(Resource)],
        _ => [new TextResourceContents
        {
            Uri = uri,
            MimeType = mimeType ?? "application/json",
            Text = JsonSerializer.Serialize(value, value.GetType(), LuminaJson.Options),
        }],
    };

    private static PromptMessage Message(LuminaPromptMessage message) => new()
    {
        Role = message.Role == LuminaRole.Assistant ? Role.Assistant : Role.User,
        Content = Block(message.Content),
    };
}
