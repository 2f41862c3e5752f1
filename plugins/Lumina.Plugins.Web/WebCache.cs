namespace Lumina.Plugins.Web;

/// <summary>
/// Responses kept for <see cref="WebOptions.CacheTtl"/>, per URL and per caller role, so paging through a long page
/// (one call per <c>startIndex</c>) fetches it once. At most <see cref="MaxEntries"/> responses; the oldest go first.
/// </summary>
/// <remarks>
/// Keyed by role as well as URL: what one role fetched is never served to another, so a permission rule that differs
/// per role (<c>Lumina:Auth:Permissions</c>) cannot be sidestepped through the cache. Refusals are not kept.
/// </remarks>
internal sealed class WebCache(TimeSpan ttl, TimeProvider time)
{
    /// <summary>The most responses kept.</summary>
    public const int MaxEntries = 64;

    private readonly Dictionary<string, (FetchedResponse Response, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>A fresh response for the URL and role; null when there is none (or caching is off).</summary>
    public FetchedResponse? Get(Uri uri, string role)
    {
        if (ttl <= TimeSpan.Zero)
        {
            return null;
        }

        var key = Key(uri, role);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var entry))
            {
                if (entry.Expires > time.GetUtcNow())
                {
                    return entry.Response;
                }

                _entries.Remove(key);
            }
        }

        return null;
    }

    /// <summary>Keeps a response for the URL and role.</summary>
    public void Set(Uri uri, string role, FetchedResponse response)
    {
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }

        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_entries.Count >= MaxEntries)
            {
                foreach (var stale in _entries.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToList())
                {
                    _entries.Remove(stale);
                }

                while (_entries.Count >= MaxEntries)
                {
                    _entries.Remove(_entries.MinBy(e => e.Value.Expires).Key);
                }
            }

            _entries[Key(uri, role)] = (response, now + ttl);
        }
    }

    private static string Key(Uri uri, string role) => role + "\n" + uri.AbsoluteUri;
}
