using System.Collections.Concurrent;

namespace Lumina.Core.Policy;

/// <summary>Token buckets in this process, for a host that shares no store with others.</summary>
/// <remarks>
/// A bucket is two numbers; past <see cref="PruneAbove"/> callers, the buckets that have refilled (callers who have been
/// quiet long enough) are dropped, since a full bucket is what a new one would be anyway.
/// </remarks>
public sealed class InMemoryRateLimitStore(TimeProvider time) : IRateLimitStore
{
    internal const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public ValueTask<TimeSpan> TryTakeAsync(string callerId, RateLimitOptions limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callerId);
        ArgumentNullException.ThrowIfNull(limits);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var perMillisecond = limits.PermitsPerMinute / 60_000d;
        if (_buckets.Count > PruneAbove)
        {
            Prune(now, perMillisecond, limits.Burst);
        }

        var bucket = _buckets.GetOrAdd(callerId, _ => new Bucket(limits.Burst, now));
        lock (bucket)
        {
            bucket.Refill(now, perMillisecond, limits.Burst);
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return ValueTask.FromResult(TimeSpan.Zero);
            }

            return ValueTask.FromResult(TimeSpan.FromMilliseconds(Math.Ceiling((1 - bucket.Tokens) / perMillisecond)));
        }
    }

    private void Prune(long now, double perMillisecond, int burst)
    {
        foreach (var (id, bucket) in _buckets)
        {
            lock (bucket)
            {
                bucket.Refill(now, perMillisecond, burst);
                if (bucket.Tokens >= burst)
                {
                    _buckets.TryRemove(new KeyValuePair<string, Bucket>(id, bucket));
                }
            }
        }
    }

    private sealed class Bucket(double tokens, long at)
    {
        public double Tokens { get; set; } = tokens;

        private long _at = at;

        public void Refill(long now, double perMillisecond, int burst)
        {
            // A clock that went back refills nothing (and does not take tokens away).
            if (now > _at)
            {
                Tokens = Math.Min(burst, Tokens + ((now - _at) * perMillisecond));
                _at = now;
            }
        }
    }
}
