using System.Diagnostics;
using Lumina.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Lumina.Providers;

// One attempt on one provider, and the Polly pipeline (retries around the circuit breaker) it runs in.
public sealed partial class ProviderRouter
{
    /// <summary>
    /// One attempt on one provider, under the provider's timeout: on success, the timeout goes back with the result
    /// (a stream keeps it for the silence between its parts); on a provider failure, a
    /// <see cref="ProviderAttemptException"/> for the pipeline to decide on.
    /// </summary>
    private async ValueTask<(T Result, CancellationTokenSource Timeout)> AttemptOnceAsync<T>(
        RoutedProvider provider,
        Func<RoutedProvider, CancellationToken, Task<T>> attempt,
        int number,
        CancellationToken cancellationToken)
    {
        using var span = LuminaTelemetry.Source.StartActivity($"lumina.provider.attempt {provider.Name}", ActivityKind.Client);
        span?.SetTag("lumina.provider", provider.Name);
        span?.SetTag("gen_ai.request.model", provider.Options.Model);
        span?.SetTag("lumina.attempt", number);
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(provider.Options.Timeout);
        var started = _time.GetTimestamp();
        ProviderFailure failure;
        Exception cause;
        try
        {
            var result = await attempt(provider, timeout.Token).ConfigureAwait(false);
            var elapsed = _time.GetElapsedTime(started);
            provider.Health.OnSuccess(elapsed);
            RecordAttempt(provider, "ok", elapsed);
            return (result, timeout);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ProviderFailure.Classify(ex, timeout.IsCancellationRequested, provider.Options.ApiKey) is { } classified)
        {
            timeout.Dispose();
            failure = classified;
            cause = ex;
        }
        catch
        {
            timeout.Dispose();
            throw;
        }

        provider.Health.OnFailure(failure, _time.GetUtcNow());
        span?.SetStatus(ActivityStatusCode.Error, failure.Describe());
        span?.SetTag("error.type", failure.Kind.ToString());
        RecordAttempt(provider, failure.Kind.ToString(), _time.GetElapsedTime(started));
        throw new ProviderAttemptException(failure, cause);
    }

    /// <summary>
    /// The provider's resilience pipeline: retries per error class (<see cref="RoutingOptions.Retries"/>, exponential
    /// backoff with jitter from <see cref="RoutingOptions.RetryDelay"/> up to <see cref="RoutingOptions.MaxRetryDelay"/>)
    /// around its circuit breaker, so no retry goes out once the circuit has opened. A rate limit is never retried in
    /// place: the provider cools down (<see cref="ProviderHealth"/>) and the next one is tried.
    /// </summary>
    private ResiliencePipeline Pipeline(RoutedProvider provider)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = _time };
        var most = _options.Retries.Values.DefaultIfEmpty(0).Max();
        if (most > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = most,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryDelay,
                MaxDelay = _options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is ProviderAttemptException { Failure: var failure }
                    && ProviderFailure.IsTransient(failure.Kind)
                    && args.AttemptNumber < _options.Retries.GetValueOrDefault(failure.Kind)),
                OnRetry = args =>
                {
                    var failure = ((ProviderAttemptException)args.Outcome.Exception!).Failure;
                    var reason = failure.Describe();
                    var allowed = _options.Retries.GetValueOrDefault(failure.Kind);
                    var delay = args.RetryDelay.TotalMilliseconds;
                    LogRetry(provider.Name, reason, delay, args.AttemptNumber + 1, allowed);
                    return default;
                },
            });
        }

        return builder.AddPipeline(provider.Health.Breaker).Build();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Provider {Provider} failed ({Reason}); retrying in {DelayMs:0} ms ({Retry}/{Allowed}).")]
    private partial void LogRetry(string provider, string reason, double delayMs, int retry, int allowed);
}
