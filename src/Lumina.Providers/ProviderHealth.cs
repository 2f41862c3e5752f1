using Polly;
using Polly.CircuitBreaker;
using PollyCircuit = Polly.CircuitBreaker.CircuitState;

namespace Lumina.Providers;

/// <summary>
/// A provider's health as the router sees it: its circuit breaker (Polly's, in <see cref="Breaker"/>), its rate-limit
/// cooldown, recent latency and counters.
/// </summary>
/// <remarks>
/// <para>
/// Polly's breaker opens on a failure ratio over a sampling window, and counts every outcome it does not handle as a
/// success; <see cref="RoutingOptions.FailureThreshold"/> means failures <em>in a row</em>. The two agree when the ratio
/// is 1, the minimum throughput is the threshold, and the breaker's statistics start again after every outcome that
/// is not such a failure (<see cref="RestartCountAsync"/>): then the window holds only the failures since the last
/// success.
/// </para>
/// <para>
/// The rate-limit cooldown stays here rather than in Polly: a 429 says nothing about the provider's health (it must not
/// count towards the breaker), and the router needs to know when the first resting provider comes back, to wait for it.
/// One lock per provider: every operation is a few field updates, far cheaper than the call it guards.
/// </para>
/// </remarks>
public sealed class ProviderHealth
{
    /// <summary>The longest sampling window Polly accepts; failures further apart than this no longer add up.</summary>
    internal static readonly TimeSpan SamplingWindow = TimeSpan.FromDays(1);

    private readonly Lock _lock = new();
    private readonly Queue<double> _latencies = new();
    private readonly RoutingOptions _options;
    private readonly TimeProvider _time;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private readonly CircuitBreakerManualControl _control = new();
    private double _latencySum;
    private int _consecutiveFailures;
    private DateTimeOffset _openUntil;
    private DateTimeOffset _coolUntil;
    private long _calls;
    private long _failures;
    private string? _lastError;
    private ProviderErrorKind? _lastErrorKind;
    private int? _lastErrorStatus;
    private DateTimeOffset? _lastErrorAt;

    /// <param name="options">The thresholds, break and cooldown.</param>
    /// <param name="time">The clock the breaker's break and the cooldown follow; the system's when <see langword="null"/>.</param>
    public ProviderHealth(RoutingOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time ?? TimeProvider.System;
        Breaker = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 1.0,
                MinimumThroughput = options.FailureThreshold,
                SamplingDuration = SamplingWindow,
                // Polly takes 0.5 s to a day here; the generator, which decides every break, takes what was configured.
                BreakDuration = TimeSpan.FromSeconds(30),
                BreakDurationGenerator = _ => ValueTask.FromResult(options.BreakDuration),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is ProviderAttemptException { Failure.CountsAgainstProvider: true }),
                OnOpened = args =>
                {
                    lock (_lock)
                    {
                        _openUntil = _time.GetUtcNow() + args.BreakDuration;
                    }

                    return default;
                },
                StateProvider = _circuit,
                ManualControl = _control,
            })
            .Build();
    }

    /// <summary>
    /// The provider's circuit breaker: an attempt run through it is refused with a <see cref="BrokenCircuitException"/>
    /// while the circuit is open (or half-open with its trial in flight). It handles a <see cref="ProviderAttemptException"/>
    /// whose failure <see cref="ProviderFailure.CountsAgainstProvider">counts against the provider</see>.
    /// </summary>
    internal ResiliencePipeline Breaker { get; }

    /// <summary>Why the provider cannot take a request now, before its circuit is even asked; <see langword="null"/> when it can.</summary>
    public string? Unavailable(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_coolUntil > now)
            {
                return $"rate limited, cooling down for {(_coolUntil - now).TotalSeconds:0.#} s";
            }
        }

        return null;
    }

    /// <summary>Why the circuit refused an attempt, for the error that lists every provider.</summary>
    public string Refusal(DateTimeOffset now)
    {
        lock (_lock)
        {
            return _circuit.CircuitState == PollyCircuit.HalfOpen
                ? "circuit half-open, a trial request is in flight"
                : $"circuit open for {Math.Max(0, (_openUntil - now).TotalSeconds):0.#} s after {_consecutiveFailures} failures";
        }
    }

    /// <summary>When the provider will take requests again after a rate limit; <see langword="null"/> when not cooling.</summary>
    public DateTimeOffset? CoolingUntil(DateTimeOffset now)
    {
        lock (_lock)
        {
            return _coolUntil > now ? _coolUntil : null;
        }
    }

    /// <summary>Records a success: the latency joins the window.</summary>
    public void OnSuccess(TimeSpan latency)
    {
        lock (_lock)
        {
            _calls++;
            _latencies.Enqueue(latency.TotalMilliseconds);
            _latencySum += latency.TotalMilliseconds;
            while (_latencies.Count > _options.LatencyWindow)
            {
                _latencySum -= _latencies.Dequeue();
            }
        }
    }

    /// <summary>Records a failure: a rate limit starts a cooldown; a failure of the provider's own counts towards its circuit.</summary>
    public void OnFailure(ProviderFailure failure, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(failure);
        lock (_lock)
        {
            _calls++;
            _failures++;
            _lastError = failure.Describe();
            _lastErrorKind = failure.Kind;
            _lastErrorStatus = failure.Status;
            _lastErrorAt = now;
            if (failure.Kind == ProviderErrorKind.RateLimited)
            {
                _coolUntil = now + (failure.RetryAfter ?? _options.RateLimitCooldown);
            }

            if (failure.CountsAgainstProvider)
            {
                _consecutiveFailures++;
            }
        }
    }

    /// <summary>
    /// Records a failure that came after the attempt had already succeeded (a stream that broke after its first part):
    /// it counts and it goes to the breaker, as a failure of the provider's own, just as one before the first part.
    /// </summary>
    public async ValueTask OnLateFailureAsync(ProviderFailure failure, DateTimeOffset now)
    {
        OnFailure(failure, now);
        if (!failure.CountsAgainstProvider)
        {
            await RestartCountAsync().ConfigureAwait(false);
            return;
        }

        // Polly takes outcomes only from what runs through it: this one is replayed. An open circuit refuses it, and
        // then there is nothing to count.
        try
        {
            await Breaker.ExecuteAsync(static (state, _) => ValueTask.FromException(new ProviderAttemptException(state, null)), failure).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ProviderAttemptException or BrokenCircuitException)
        {
        }
    }

    /// <summary>
    /// Starts the count of failures in a row again, after an outcome that was not a failure of the provider's own (a
    /// success, a rate limit, a refusal, the caller's cancellation): Polly counted it as a success in its window, and
    /// the circuit is to open after <see cref="RoutingOptions.FailureThreshold"/> failures with nothing between them.
    /// </summary>
    /// <remarks>Only a closed circuit: one that another caller's failures opened meanwhile stays open for its break.</remarks>
    public ValueTask RestartCountAsync()
    {
        lock (_lock)
        {
            _consecutiveFailures = 0;
        }

        return _circuit.CircuitState == PollyCircuit.Closed ? new(_control.CloseAsync()) : default;
    }

    /// <summary>The average latency of the recent successful calls; <see langword="null"/> before the first.</summary>
    public double? AverageLatencyMs
    {
        get
        {
            lock (_lock)
            {
                return _latencies.Count == 0 ? null : _latencySum / _latencies.Count;
            }
        }
    }

    /// <summary>A consistent picture of the provider's health; the circuit's state is Polly's.</summary>
    public ProviderHealthSnapshot Snapshot(DateTimeOffset now)
    {
        var polly = _circuit.CircuitState;
        lock (_lock)
        {
            // Polly moves an open circuit to half-open on the next attempt after the break; by then it would let one
            // through, which is what half-open means to a reader.
            var open = polly is PollyCircuit.Open or PollyCircuit.Isolated;
            var state = open && now >= _openUntil ? CircuitState.HalfOpen
                : open ? CircuitState.Open
                : polly == PollyCircuit.HalfOpen ? CircuitState.HalfOpen
                : CircuitState.Closed;
            return new(
                state,
                open && now < _openUntil ? _openUntil : null,
                _coolUntil > now ? _coolUntil : null,
                _consecutiveFailures,
                _latencies.Count == 0 ? null : Math.Round(_latencySum / _latencies.Count, 1),
                _calls,
                _failures,
                _lastError,
                _lastErrorKind,
                _lastErrorStatus,
                _lastErrorAt);
        }
    }
}
