using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Lumina.Abstractions;
using Lumina.Core.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace Lumina.Providers;

/// <summary>
/// Picks a provider by the configured strategy among those able to take the request (tools, images, JSON output,
/// context window), runs each attempt through the provider's Polly pipeline (retries per error class with backoff,
/// around a circuit breaker), honours Retry-After with a cooldown and falls back to the next provider. Every answer
/// carries the <see cref="ProviderCall"/> it took (provider, tokens, cost, attempts): <see cref="UsageChatClient"/> and
/// <see cref="Budgets.BudgetChatClient"/> above it count and charge it.
/// </summary>
/// <remarks>
/// Streaming falls back only before the first update: after that, a broken stream is an error, because the caller
/// has already received part of an answer. A stream that stays silent longer than the provider's timeout counts as
/// broken. The last update of every stream, finished or broken, carries no content, only the call's accounting.
/// </remarks>
public sealed partial class ProviderRouter : IChatClient
{
    private static readonly ChatClientMetadata s_metadata = new("lumina-router");
    private readonly IReadOnlyList<RoutedProvider> _providers;
    private readonly RoutingOptions _options;
    private readonly RoutingStrategy _strategy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LuminaTelemetry? _telemetry;
    private readonly Dictionary<RoutedProvider, ResiliencePipeline> _pipelines;

    public ProviderRouter(
        IEnumerable<RoutedProvider> providers,
        RoutingOptions options,
        TimeProvider time,
        ILogger<ProviderRouter> logger,
        LuminaTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(options);
        _providers = [.. providers.OrderBy(p => p.Options.Priority).ThenBy(p => p.Name, StringComparer.Ordinal)];
        if (_providers.Count == 0)
        {
            throw new ArgumentException("The router needs at least one provider.", nameof(providers));
        }

        _options = options;
        _strategy = new RoutingStrategy(options.Strategy);
        _time = time;
        _logger = logger;
        _telemetry = telemetry;
        _pipelines = _providers.ToDictionary(p => p, Pipeline);
        telemetry?.ObserveCircuits(() => _providers.Select(p => new Measurement<int>(
            p.Health.Snapshot(_time.GetUtcNow()).Circuit switch { CircuitState.Open => 2, CircuitState.HalfOpen => 1, _ => 0 },
            new KeyValuePair<string, object?>("lumina.provider", p.Name))));
    }

    /// <summary>The providers in priority order.</summary>
    public IReadOnlyList<RoutedProvider> Providers => _providers;

    /// <summary>The strategy that picks the first provider.</summary>
    public string Strategy => _strategy.Name;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        using var activity = StartChat(streaming: false);
        var request = Analyze(history, options);
        var (provider, response, attempts, timeout) = await AttemptAsync(
            Candidates(request),
            request,
            async (p, token) => await p.Client.GetResponseAsync(history, Forward(options, p), token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        timeout.Dispose();
        var call = Account(provider, response.Usage, request, response.Messages, response.ModelId, attempts);
        response.AdditionalProperties ??= [];
        response.AdditionalProperties[RoutingHints.Provider] = provider.Name;
        response.AdditionalProperties[ProviderCall.PropertyName] = call;
        Record(activity, call);
        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        using var activity = StartChat(streaming: true);
        var request = Analyze(history, options);
        var (provider, (stream, first), attempts, timeout) = await AttemptAsync(
            Candidates(request),
            request,
            async (p, token) =>
            {
                var stream = p.Client.GetStreamingResponseAsync(history, Forward(options, p), token).GetAsyncEnumerator(token);
                try
                {
                    return (stream, await stream.MoveNextAsync().ConfigureAwait(false) ? stream.Current : null);
                }
                catch
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            },
            cancellationToken).ConfigureAwait(false);

        using (timeout)
        await using (stream.ConfigureAwait(false))
        {
            var received = new List<ChatResponseUpdate>();
            if (first is not null)
            {
                received.Add(first);
                yield return first;
            }

            LuminaException? broken = null;
            ProviderFailure? lateFailure = null;
            var finished = first is null || first.FinishReason is not null;
            while (first is not null)
            {
                ChatResponseUpdate update;
                try
                {
                    // The provider's timeout now bounds the silence between two updates, not the whole answer.
                    timeout.CancelAfter(provider.Options.Timeout);
                    if (!await stream.MoveNextAsync().ConfigureAwait(false))
                    {
                        // A stream that simply stops, with no finish reason, was cut: say so rather than pass half an
                        // answer off as a whole one.
                        broken = finished ? null : new LuminaException($"The answer from {provider.Name} broke off after {received.Count} parts: the stream ended before the model finished. Ask again.");
                        break;
                    }

                    update = stream.Current;
                    finished |= update.FinishReason is not null;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ProviderFailure.Classify(ex, timeout.IsCancellationRequested, provider.Options.ApiKey) is { } failure)
                {
                    lateFailure = failure;
                    broken = new LuminaException($"The answer from {provider.Name} broke off after {received.Count} parts: {failure.Describe()}. Ask again.", ex);
                    break;
                }

                received.Add(update);
                yield return update;
            }

            if (lateFailure is not null)
            {
                await provider.Health.OnLateFailureAsync(lateFailure, _time.GetUtcNow()).ConfigureAwait(false);
            }

            // What the provider sent is what it will bill, finished or not: the accounting goes up before the error.
            yield return Charge(activity, provider, request, received, attempts);
            if (broken is not null)
            {
                throw broken;
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? s_metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    /// <summary>
    /// Tries the providers in order, each through its resilience pipeline (Polly: retries per error class around the
    /// provider's circuit breaker), until one answers. When every provider failed and some are only cooling down after
    /// a rate limit that ends soon enough, waits for the first to come back and goes round once more.
    /// </summary>
    private async Task<(RoutedProvider Provider, T Result, int Attempts, CancellationTokenSource Timeout)> AttemptAsync<T>(
        List<RoutedProvider> order,
        RouteRequest request,
        Func<RoutedProvider, CancellationToken, Task<T>> attempt,
        CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var attempts = 0;
        var waited = false;
        int? windowFloor = null;
        while (true)
        {
            foreach (var provider in order)
            {
                if (windowFloor is { } floor && provider.Options.ContextWindow > 0 && provider.Options.ContextWindow <= floor)
                {
                    failures.Add($"{provider.Name}: skipped (its context window is no larger than the one exceeded)");
                    continue;
                }

                if (provider.Health.Unavailable(_time.GetUtcNow()) is { } resting)
                {
                    failures.Add($"{provider.Name}: skipped ({resting})");
                    continue;
                }

                var tries = 0;
                ProviderFailure? last = null;
                ProviderFailure failure;
                try
                {
                    var (result, timeout) = await _pipelines[provider].ExecuteAsync(
                        async token =>
                        {
                            attempts++;
                            tries++;
                            try
                            {
                                return await AttemptOnceAsync(provider, attempt, attempts, token).ConfigureAwait(false);
                            }
                            catch (ProviderAttemptException ex)
                            {
                                last = ex.Failure;
                                throw;
                            }
                        },
                        cancellationToken).ConfigureAwait(false);
                    await provider.Health.RestartCountAsync().ConfigureAwait(false);
                    return (provider, result, attempts, timeout);
                }
                catch (ProviderAttemptException ex)
                {
                    failure = ex.Failure;
                }
                catch (BrokenCircuitException) when (last is not null)
                {
                    // This provider's own failures opened the circuit between two tries: the retries end there.
                    failure = last;
                }
                catch (BrokenCircuitException)
                {
                    failures.Add($"{provider.Name}: skipped ({provider.Health.Refusal(_time.GetUtcNow())})");
                    continue;
                }
                catch
                {
                    // The caller's cancellation or a bug: Polly counted it as a success, so the count starts again.
                    await provider.Health.RestartCountAsync().ConfigureAwait(false);
                    throw;
                }

                if (!failure.CountsAgainstProvider)
                {
                    await provider.Health.RestartCountAsync().ConfigureAwait(false);
                }

                var reason = failure.Describe();
                failures.Add($"{provider.Name}: {reason}{(tries > 1 ? $" ({tries} attempts)" : string.Empty)}");
                LogFallback(provider.Name, reason);
                _telemetry?.Fallbacks.Add(1, new("lumina.provider", provider.Name), new("error.type", failure.Kind.ToString()));
                if (failure.Kind == ProviderErrorKind.ContextWindowExceeded)
                {
                    windowFloor = Math.Max(windowFloor ?? 0, provider.Options.ContextWindow);
                }
            }

            var now = _time.GetUtcNow();
            var comeback = order.Select(p => p.Health.CoolingUntil(now)).Where(t => t is not null).Min();
            if (!waited && comeback is { } until && until - now <= _options.MaxRetryAfterWait)
            {
                waited = true;
                LogWaiting((until - now).TotalSeconds);
                // A little past the end of the cooldown, so timer granularity cannot wake us a moment too early.
                await Task.Delay(until - now + TimeSpan.FromMilliseconds(20), _time, cancellationToken).ConfigureAwait(false);
                failures.Clear();
                continue;
            }

            throw new ProviderUnavailableException($"No provider could answer. {string.Join("; ", failures)}.");
        }
    }

    /// <summary>The options for one provider: its own model (the router chose the provider), without the router's hints.</summary>
    private static ChatOptions? Forward(ChatOptions? options, RoutedProvider provider)
    {
        if (options is null)
        {
            return null;
        }

        var forwarded = options.Clone();
        forwarded.ModelId = string.Equals(options.ModelId, provider.Options.Model, StringComparison.OrdinalIgnoreCase) ? options.ModelId : null;
        if (forwarded.AdditionalProperties is { } properties)
        {
            properties.Remove(RoutingHints.Provider);
            properties.Remove(RoutingHints.Only);
            if (properties.Count == 0)
            {
                forwarded.AdditionalProperties = null;
            }
        }

        return forwarded;
    }

    private sealed record RouteRequest(bool NeedsTools, bool NeedsVision, bool NeedsJson, long InputTokens, long OutputTokens, string? Hint, bool Only);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider} failed ({Reason}); trying the next one.")]
    private partial void LogFallback(string provider, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Every provider is rate limited; waiting {Seconds:0.#} s for the first to come back.")]
    private partial void LogWaiting(double seconds);
}
