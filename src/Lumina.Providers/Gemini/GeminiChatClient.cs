using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Lumina.Providers.Gemini;

/// <summary>
/// Sends a request's function tools to Gemini's OpenAI-compatible endpoint with their schemas rewritten by
/// <see cref="GeminiSchema"/>; everything else passes through to the OpenAI chat client below.
/// </summary>
/// <remarks>
/// The tools go in as OpenAI <see cref="ChatTool"/>s through <see cref="ChatOptions.RawRepresentationFactory"/> rather
/// than as rewritten <see cref="AIFunctionDeclaration"/>s: the OpenAI adapter writes <c>"additionalProperties": false</c>
/// at the top of every declaration's schema, which is one of the things Gemini rejects. Tool calls come back as
/// <see cref="FunctionCallContent"/> as before; the layers above match them to their tools by name.
/// </remarks>
internal sealed class GeminiChatClient(IChatClient innerClient) : DelegatingChatClient(innerClient)
{
    // The same declarations come with every step of an ask loop; their schemas are rewritten once.
    private readonly ConditionalWeakTable<AIFunctionDeclaration, BinaryData> _schemas = [];

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, Rewrite(options), cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, Rewrite(options), cancellationToken);

    private ChatOptions? Rewrite(ChatOptions? options)
    {
        if (options?.Tools is not { Count: > 0 } tools || !tools.Any(t => t is AIFunctionDeclaration))
        {
            return options;
        }

        var functions = tools.OfType<AIFunctionDeclaration>()
            .Select(f => ChatTool.CreateFunctionTool(f.Name, f.Description, _schemas.GetValue(f, static f => BinaryData.FromString(GeminiSchema.Normalize(f.JsonSchema, f.Name).ToJsonString()))))
            .ToList();
        var others = tools.Where(t => t is not AIFunctionDeclaration).ToList();
        var raw = options.RawRepresentationFactory;
        var mode = options.ToolMode;
        var parallel = options.AllowMultipleToolCalls;
        var rewritten = options.Clone();
        rewritten.Tools = others.Count > 0 ? others : null;
        rewritten.RawRepresentationFactory = client =>
        {
            // Without ChatOptions.Tools the adapter sets no tool choice either: it is set here the way the adapter would.
            var completion = raw?.Invoke(client) as ChatCompletionOptions ?? new ChatCompletionOptions();
            foreach (var function in functions)
            {
                completion.Tools.Add(function);
            }

            completion.AllowParallelToolCalls ??= parallel;
            completion.ToolChoice ??= mode switch
            {
                NoneChatToolMode => ChatToolChoice.CreateNoneChoice(),
                RequiredChatToolMode { RequiredFunctionName: { } name } => ChatToolChoice.CreateFunctionChoice(name),
                RequiredChatToolMode => ChatToolChoice.CreateRequiredChoice(),
                _ => ChatToolChoice.CreateAutoChoice(),
            };
            return completion;
        };
        return rewritten;
    }
}
