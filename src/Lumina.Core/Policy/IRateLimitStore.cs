namespace Lumina.Core.Policy;

/// <summary>Per-caller token buckets: each call takes a token; tokens come back at a steady rate up to the burst.</summary>
public interface IRateLimitStore
{
    /// <summary>Takes a token from <paramref name="callerId"/>'s bucket.</summary>
    /// <returns>Zero when the call may go ahead; otherwise how long until a token is back.</returns>
    ValueTask<TimeSpan> TryTakeAsync(string callerId, RateLimitOptions limits, CancellationToken cancellationToken = default);
}
