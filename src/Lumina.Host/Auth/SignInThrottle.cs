using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Lumina.Host.Auth;

/// <summary>
/// Slows and then locks out repeated failed sign-ins at <c>POST /token</c>, per user name and per client address.
/// A locked-out name or address is refused before its password is even checked, so guessing on stops paying.
/// </summary>
/// <remarks>
/// Kept in this host's memory: each host of a scaled-out deployment counts on its own, which bounds guessing per host.
/// The number of names tracked is capped, so guessing with made-up names cannot grow memory without limit.
/// </remarks>
internal sealed partial class SignInThrottle(IOptions<HttpAuthOptions> options, TimeProvider time, ILogger<SignInThrottle> logger)
{
    private const int MaxTracked = 10_000;
    private static readonly TimeSpan s_maxDelay = TimeSpan.FromSeconds(2);
    private readonly SignInLockoutOptions _options = options.Value.Lockout;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>When the user name or the client is locked out: how long it still lasts.</summary>
    public TimeSpan? LockedFor(string? username, string client)
    {
        var now = time.GetUtcNow();
        var wait = Remaining(UserKey(username), now);
        var clientWait = Remaining(ClientKey(client), now);
        return wait is null ? clientWait : clientWait is null ? wait : wait > clientWait ? wait : clientWait;
    }

    /// <summary>Records a failure; returns how long to hold the answer back (longer with each failure).</summary>
    public TimeSpan Failed(string? username, string client)
    {
        var now = time.GetUtcNow();
        if (_entries.Count > MaxTracked)
        {
            Prune(now);
        }

        var userFailures = username is null ? 0 : Record(UserKey(username), _options.MaxFailures, now, username);
        var clientFailures = Record(ClientKey(client), _options.MaxFailuresPerClient, now, client);
        var failures = Math.Max(userFailures, clientFailures);
        var delay = _options.Delay * Math.Pow(2, Math.Min(failures - 1, 10));
        return delay > s_maxDelay ? s_maxDelay : delay;
    }

    /// <summary>A successful sign-in clears the user name's failures (not the client's: one good account must not reset guessing at others).</summary>
    public void Succeeded(string? username)
    {
        if (username is not null)
        {
            _entries.TryRemove(UserKey(username), out _);
        }
    }

    private int Record(string key, int limit, DateTimeOffset now, string who)
    {
        var entry = _entries.AddOrUpdate(
            key,
            _ => new Entry(1, now, null),
            (_, e) => e.LockedUntil is { } until && until > now ? e
                : now - e.First > _options.Window || e.LockedUntil is not null ? new Entry(1, now, null)
                : new Entry(e.Failures + 1, e.First, null));
        if (entry.LockedUntil is null && entry.Failures >= limit)
        {
            _entries[key] = entry with { LockedUntil = now + _options.Duration };
            LogLockedOut(who, entry.Failures, _options.Duration.TotalSeconds);
        }

        return entry.Failures;
    }

    private TimeSpan? Remaining(string key, DateTimeOffset now) =>
        _entries.TryGetValue(key, out var entry) && entry.LockedUntil is { } until && until > now ? until - now : null;

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.LockedUntil is { } until ? until <= now : now - entry.First > _options.Window)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private static string UserKey(string? username) => "u:" + (username ?? string.Empty).Trim().ToLowerInvariant();

    private static string ClientKey(string client) => "c:" + client;

    private sealed record Entry(int Failures, DateTimeOffset First, DateTimeOffset? LockedUntil);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Locked out sign-ins for {Who} after {Failures} failures, for {Seconds} s.")]
    private partial void LogLockedOut(string who, int failures, double seconds);
}
