using System.ClientModel;
using System.Runtime.CompilerServices;
using Lumina.Abstractions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Lumina.Core.Providers;

/// <summary>A provider the router can send a request to.</summary>
public sealed record RoutedProvider(string Name, IChatClient Client, ProviderOptions Options);

/// <summary>
/// The kernel's chat service when providers are configured: tries them in priority order and falls back to the next
/// when one fails (an error status, a refused connection, a timeout), so a dead provider costs one attempt, not the
/// answer. Streaming falls back only before the first update: after that, a broken stream is an error, because the
/// caller has already received part of an answer.
/// </summary>
public sealed partial class ProviderRouter : IChatClient
{
    private static readonly ChatClientMetadata s_metadata = new("lumina-router");
    private readonly IReadOnlyList<RoutedProvider> _providers;
    private readonly ILogger _logger;

    public ProviderRouter(IEnumerable<RoutedProvider> providers, ILogger<ProviderRouter> logger)
    {
        _providers = [.. providers.OrderBy(p => p.Options.Priority).ThenBy(p => p.Name, StringComparer.Ordinal)];
        _logger = logger;
        if (_providers.Count == 0)
        {
            throw new ArgumentException("The router needs at least one provider.", nameof(providers));
        }
    }

    /// <summary>The providers in the order they are tried.</summary>
    public IReadOnlyList<RoutedProvider> Providers => _providers;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var failures = new List<string>();
        foreach (var provider in Eligible(options))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(provider.Options.Timeout);
            try
            {
                var response = await provider.Client.GetResponseAsync(history, options, timeout.Token).ConfigureAwait(false);
                response.AdditionalProperties ??= [];
                response.AdditionalProperties["lumina.provider"] = provider.Name;
                return response;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsProviderFailure(ex))
            {
                failures.Add($"{provider.Name}: {Describe(ex)}");
                LogFallback(provider.Name, Describe(ex));
            }
        }

        throw new LuminaException($"No provider could answer. {string.Join("; ", failures)}.");
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var failures = new List<string>();
        foreach (var provider in Eligible(options))
        {
            IAsyncEnumerator<ChatResponseUpdate>? stream = null;
            ChatResponseUpdate? first = null;
            try
            {
                stream = provider.Client.GetStreamingResponseAsync(history, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
                if (await stream.MoveNextAsync().ConfigureAwait(false))
                {
                    first = stream.Current;
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsProviderFailure(ex))
            {
                failures.Add($"{provider.Name}: {Describe(ex)}");
                LogFallback(provider.Name, Describe(ex));
                if (stream is not null)
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                }

                continue;
            }

            await using (stream.ConfigureAwait(false))
            {
                if (first is null)
                {
                    yield break;
                }

                yield return first;
                var count = 1;
                var finished = first.FinishReason is not null;
                while (true)
                {
                    ChatResponseUpdate update;
                    try
                    {
                        if (!await stream.MoveNextAsync().ConfigureAwait(false))
                        {
                            // A stream that simply stops, with no finish reason, was cut: say so rather than pass
                            // half an answer off as a whole one.
                            if (!finished)
                            {
                                throw new LuminaException($"The answer from {provider.Name} broke off after {count} parts: the stream ended before the model finished. Ask again.");
                            }

                            yield break;
                        }

                        update = stream.Current;
                        finished |= update.FinishReason is not null;
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsProviderFailure(ex))
                    {
                        throw new LuminaException($"The answer from {provider.Name} broke off after {count} parts: {Describe(ex)}. Ask again.", ex);
                    }

                    count++;
                    yield return update;
                }
            }
        }

        throw new LuminaException($"No provider could answer. {string.Join("; ", failures)}.");
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? s_metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    /// <summary>A request with tools never goes to a provider whose model cannot call them.</summary>
    private List<RoutedProvider> Eligible(ChatOptions? options)
    {
        var needsTools = options?.Tools is { Count: > 0 };
        var eligible = _providers.Where(p => !needsTools || p.Options.SupportsTools).ToList();
        if (eligible.Count == 0)
        {
            throw new LuminaException("The request uses tools, but no configured provider supports tool calling (Lumina:Providers:<name>:SupportsTools).");
        }

        return eligible;
    }

    private static bool IsProviderFailure(Exception ex) =>
        ex is ClientResultException or HttpRequestException or OperationCanceledException or TimeoutException or System.Text.Json.JsonException or InvalidOperationException;

    private static string Describe(Exception ex) => ex switch
    {
        ClientResultException { Status: > 0 } result => $"HTTP {result.Status}",
        ClientResultException { InnerException: { } inner } => $"unreachable ({inner.Message})",
        OperationCanceledException or TimeoutException => "timed out",
        HttpRequestException http => http.Message,
        _ => ex.GetType().Name,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider} failed ({Reason}); trying the next one.")]
    private partial void LogFallback(string provider, string reason);
}
