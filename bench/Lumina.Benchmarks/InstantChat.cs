using Microsoft.Extensions.AI;

namespace Lumina.Benchmarks;

/// <summary>A model that answers at once, with usage, so only Lumina's own work is measured.</summary>
internal sealed class InstantChat : IChatClient
{
    private static readonly ChatResponse s_answer = new(new ChatMessage(ChatRole.Assistant, "We deploy on Tuesdays."))
    {
        Usage = new UsageDetails { InputTokenCount = 42, OutputTokenCount = 6 },
        FinishReason = ChatFinishReason.Stop,
    };

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChatResponse(s_answer.Messages) { Usage = s_answer.Usage, FinishReason = s_answer.FinishReason });

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        s_answer.ToChatResponseUpdates().ToAsyncEnumerable();

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("instant") : null;

    public void Dispose()
    {
    }
}
