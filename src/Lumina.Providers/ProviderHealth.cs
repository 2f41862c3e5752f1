namespace Lumina.Providers;

/// <summary>A provider's health as the router sees it: circuit, rate-limit cooldown, recent latency and counters.</summary>
/// <remarks>One lock per provider: every operation is a few field updates, far cheaper than the call it guards.</remarks>
public sealed class ProviderHealth(RoutingOptions options)
{
    private readonly Lock _lock = new();
    private readonly Queue<double> _latencies = new();
    private double _latencySum;
    private int _consecutiveFailures;
    private CircuitState _state;
    private DateTimeOffset _openUntil;
    private DateTimeOffset _coolUntil;
    private bool _trialInFlight;
    private long _calls;
    private long _failures;
    private string? _lastError;
    private ProviderErrorKind? _lastErrorKind;
    private int? _lastErrorStatus;
    private DateTimeOffset? _lastErrorAt;

    /// <summary>Takes a slot for one attempt, or says why the provider cannot take one now.</summary>
    /// <returns><see langword="null"/> when the attempt may go ahead; otherwise the reason it may not.</returns>
    public string? TryAcquire(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_coolUntil > now)
            {
                return $"rate limited, cooling down for {(_coolUntil - now).TotalSeconds:0.#} s";
            }

            switch (_state)
            {
                case CircuitState.Open when now < _openUntil:
                    return $"circuit open for {(_openUntil - now).TotalSeconds:0.#} s after {_consecutiveFailures} failures";
                case CircuitState.Open:
                    _state = CircuitState.HalfOpen;
                    _trialInFlight = true;
                    return null;
                case CircuitState.HalfOpen when _trialInFlight:
                    return "circuit half-open, a trial request is in flight";
                case CircuitState.HalfOpen:
                    _trialInFlight = true;
                    return null;
                default:
                    return null;
            }
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

    /// <summary>Records a success: the circuit closes and the latency joins the window.</summary>
    public void OnSuccess(TimeSpan latency)
    {
        lock (_lock)
        {
            _calls++;
            _consecutiveFailures = 0;
            _state = CircuitState.Closed;
            _trialInFlight = false;
            _latencies.Enqueue(latency.TotalMilliseconds);
            _latencySum += latency.TotalMilliseconds;
            while (_latencies.Count > options.LatencyWindow)
            {
                _latencySum -= _latencies.Dequeue();
            }
        }
    }

    /// <summary>Records a failure: a rate limit starts a cooldown; a failure of the provider's own counts towards its circuit.</summary>
    public void OnFailure(ProviderFailure failure, DateTimeOffset now)
    {
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
                _coolUntil = now + (failure.RetryAfter ?? options.RateLimitCooldown);
            }

            if (_state == CircuitState.HalfOpen)
            {
                _trialInFlight = false;
                if (failure.CountsAgainstProvider)
                {
                    Open(now);
                }

                return;
            }

            if (failure.CountsAgainstProvider && ++_consecutiveFailures >= options.FailureThreshold)
            {
                Open(now);
            }
        }
    }

    /// <summary>Gives back a slot taken by <see cref="TryAcquire"/> for an attempt that ended without an outcome (cancelled by the caller).</summary>
    public void Release()
    {
        lock (_lock)
        {
            _trialInFlight = false;
        }
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

    /// <summary>A consistent picture of the provider's health.</summary>
    public ProviderHealthSnapshot Snapshot(DateTimeOffset now)
    {
        lock (_lock)
        {
            var state = _state == CircuitState.Open && now >= _openUntil ? CircuitState.HalfOpen : _state;
            return new(
                state,
                _state == CircuitState.Open && now < _openUntil ? _openUntil : null,
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

    private void Open(DateTimeOffset now)
    {
        _state = CircuitState.Open;
        _openUntil = now + options.BreakDuration;
    }
}
