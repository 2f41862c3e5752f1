using System.Runtime.CompilerServices;
using Lumina.Abstractions;
using Lumina.Core.Telemetry;
using Microsoft.Extensions.AI;

namespace Lumina.Providers;

/// <summary>
/// Counts every routed call's tokens and cost per provider and per caller (<see cref="UsageMeter"/>) and in the
/// <c>lumina.provider.tokens</c>/<c>lumina.provider.cost</c> metrics, from the <see cref="ProviderCall"/> the
/// <see cref="ProviderRouter"/> below attaches to each answer (for a stream, to its last update).
/// </summary>
public sealed class UsageChatClient(IChatClient innerClient, UsageMeter usage, ILuminaCallContextAccessor context, LuminaTelemetry? telemetry = null)
    : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var caller = context.Current.Caller.Id;
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        if (ProviderCall.From(response) is { } call)
        {
            Record(caller, call);
        }

        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var caller = context.Current.Caller.Id;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            if (update.AdditionalProperties?.TryGetValue(ProviderCall.PropertyName, out var value) == true && value is ProviderCall call)
            {
                Record(caller, call);
            }

            yield return update;
        }
    }

    private void Record(string caller, ProviderCall call)
    {
        usage.Record(caller, call);
        if (telemetry is not null)
        {
            var provider = new KeyValuePair<string, object?>("lumina.provider", call.Provider);
            telemetry.Tokens.Add(call.InputTokens, provider, new("gen_ai.token.type", "input"));
            telemetry.Tokens.Add(call.OutputTokens, provider, new("gen_ai.token.type", "output"));
            telemetry.Cost.Add((double)call.Cost, provider);
        }
    }
}
