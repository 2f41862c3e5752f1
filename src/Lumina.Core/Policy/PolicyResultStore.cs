using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Lumina.Core.Policy;

/// <summary>
/// Oversize results kept in memory for a few minutes (<see cref="PolicyOptions.ResultRetention"/>), each readable only
/// by the caller who made the call, within <see cref="PolicyOptions.MaxStoredResultBytes"/> (the oldest go first).
/// </summary>
public sealed class PolicyResultStore(IOptions<PolicyOptions> options, TimeProvider time)
{
    /// <summary>The URI of a kept result; <c>{id}</c> is its identifier.</summary>
    public const string UriTemplate = "lumina://results/{id}";

    private readonly Lock _gate = new();
    private readonly LinkedList<Entry> _entries = [];
    private long _bytes;

    /// <summary>Keeps <paramref name="text"/> for <paramref name="callerId"/>.</summary>
    /// <returns>Its URI.</returns>
    public string Keep(string callerId, string text)
    {
        ArgumentNullException.ThrowIfNull(callerId);
        ArgumentNullException.ThrowIfNull(text);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var settings = options.Value;
        var entry = new Entry(id, callerId, text, (long)text.Length * sizeof(char), time.GetUtcNow() + settings.ResultRetention);
        lock (_gate)
        {
            RemoveExpired();
            while (_entries.First is { } oldest && _bytes + entry.Bytes > settings.MaxStoredResultBytes)
            {
                Remove(oldest);
            }

            _entries.AddLast(entry);
            _bytes += entry.Bytes;
        }

        return UriTemplate.Replace("{id}", id, StringComparison.Ordinal);
    }

    /// <summary>The result <paramref name="id"/>, if it is still kept and belongs to <paramref name="callerId"/>.</summary>
    public string? Find(string callerId, string id)
    {
        lock (_gate)
        {
            RemoveExpired();
            return _entries.FirstOrDefault(e => e.Id == id && string.Equals(e.CallerId, callerId, StringComparison.Ordinal))?.Text;
        }
    }

    /// <summary>How many bytes are kept now.</summary>
    internal long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    private void RemoveExpired()
    {
        var now = time.GetUtcNow();
        while (_entries.First is { } oldest && oldest.Value.Expires <= now)
        {
            Remove(oldest);
        }

        // Entries are added in time order with one retention, so they expire in order; a later expiry behind an earlier
        // one can only come from a retention changed at run time, and it goes when it reaches the front.
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _bytes -= node.Value.Bytes;
        _entries.Remove(node);
    }

    private sealed record Entry(string Id, string CallerId, string Text, long Bytes, DateTimeOffset Expires);
}
