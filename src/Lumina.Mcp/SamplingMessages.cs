using Microsoft.Extensions.AI;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Lumina.Mcp;

/// <summary>
/// A plugin's sampling request as MCP's <c>sampling/createMessage</c> and the client's answer back as a chat response,
/// for input-required results, where the request travels inside the result instead of through the SDK's sampling call.
/// </summary>
internal static class SamplingMessages
{
    /// <summary>The length of a completion when the plugin sets none (MCP requires one).</summary>
    private const int DefaultMaxTokens = 1000;

    public static CreateMessageRequestParams ToRequest(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        var system = string.Join("\n", messages.Where(m => m.Role == ChatRole.System).Select(m => m.Text));
        return new CreateMessageRequestParams
        {
            Messages = [.. messages.Where(m => m.Role != ChatRole.System).Select(m => new SamplingMessage
            {
                Role = m.Role == ChatRole.Assistant ? Role.Assistant : Role.User,
                Content = [.. m.Contents.Select(c => c.ToContentBlock())],
            })],
            SystemPrompt = system.Length == 0 ? null : system,
            MaxTokens = options?.MaxOutputTokens ?? DefaultMaxTokens,
            Temperature = options?.Temperature,
            StopSequences = options?.StopSequences is { Count: > 0 } stops ? [.. stops] : null,
        };
    }

    public static ChatResponse ToResponse(CreateMessageResult result) =>
        new(new ChatMessage(result.Role == Role.Assistant ? ChatRole.Assistant : ChatRole.User, [.. result.Content.Select(c => c.ToAIContent()).OfType<AIContent>()]))
        {
            ModelId = result.Model,
            FinishReason = result.StopReason == "maxTokens" ? ChatFinishReason.Length : ChatFinishReason.Stop,
        };
}
