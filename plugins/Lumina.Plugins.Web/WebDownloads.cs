using System.Collections.Concurrent;
using Lumina.Abstractions;

namespace Lumina.Plugins.Web;

/// <summary>
/// Binary responses kept for the caller who fetched them (<c>Lumina:Web:Binary=resource</c>): read back as the resource
/// <c>web://downloads/{id}</c> until <see cref="WebOptions.BinaryRetention"/> passes, within a memory budget (oldest
/// dropped first).
/// </summary>
internal sealed class WebDownloads(TimeSpan retention, long budgetBytes, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Download> _downloads = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The URI template the downloads are served under.</summary>
    public const string UriTemplate = "web://downloads/{id}";

    /// <summary>Keeps <paramref name="body"/> for <paramref name="owner"/>; returns its resource URI.</summary>
    public string Keep(string owner, string? mediaType, Uri source, byte[] body)
    {
        var id = Guid.NewGuid().ToString("N");
        lock (_gate)
        {
            Sweep();
            var used = _downloads.Values.Sum(d => (long)d.Body.Length);
            foreach (var oldest in _downloads.Values.OrderBy(d => d.Until).ToList())
            {
                if (used + body.Length <= budgetBytes)
                {
                    break;
                }

                _downloads.TryRemove(oldest.Id, out _);
                used -= oldest.Body.Length;
            }

            _downloads[id] = new Download(id, owner, mediaType ?? "application/octet-stream", source, body, time.GetUtcNow() + retention);
        }

        return $"web://downloads/{id}";
    }

    /// <summary>A kept download as an embedded resource.</summary>
    /// <exception cref="LuminaRefusalException">No such download for <paramref name="owner"/> (never kept, expired, or another caller's).</exception>
    public LuminaEmbeddedResource Read(string id, string owner)
    {
        if (!_downloads.TryGetValue(id, out var download) || download.Until <= time.GetUtcNow() || !string.Equals(download.Owner, owner, StringComparison.Ordinal))
        {
            throw new LuminaRefusalException(LuminaRefusalKind.NotFound, $"There is no download '{id}' for you (downloads are kept for Lumina:Web:BinaryRetention, and only for the caller that fetched them).");
        }

        return new LuminaEmbeddedResource($"web://downloads/{id}", download.MediaType, text: null, download.Body);
    }

    private void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (id, download) in _downloads)
        {
            if (download.Until <= now)
            {
                _downloads.TryRemove(id, out _);
            }
        }
    }

    private sealed record Download(string Id, string Owner, string MediaType, Uri Source, byte[] Body, DateTimeOffset Until);
}
