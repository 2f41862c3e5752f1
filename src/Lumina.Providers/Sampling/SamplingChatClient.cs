using System.Runtime.CompilerServices;
using Lumina.Abstractions;
using Microsoft.Extensions.AI;

namespace Lumina.Providers.Sampling;

/// <summary>
/// A chat client that runs on the calling MCP client's own model (MCP sampling), through the current
/// <see cref="ILuminaCallContext"/>. It is the kernel's chat service when no provider is configured.
/// </summary>
/// <remarks>
/// A call with no client able to sample fails with a <see cref="LuminaClientCapabilityException"/> whose
/// message says how to configure a provider. Tools go to the client's model only when the client declared that it takes
/// them (<c>sampling.tools</c>); for any other client the request goes without them, and the model answers from what it
/// knows.
/// </remarks>
public sealed class SamplingChatClient(ILuminaCallContextAccessor context) : IChatClient
{
    private static readonly ChatClientMetadata s_metadata = new("mcp-sampling");

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = context.Current;
        if (options is { Tools.Count: > 0 } && !call.Client.CanSampleWithTools)
        {
            options = options.Clone();
            options.Tools = null;
            options.ToolMode = null;
        }

        return call.SampleAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Sampling answers in one piece; the stream is that one answer.
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        response.FinishReason ??= ChatFinishReason.Stop;
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? s_metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}
