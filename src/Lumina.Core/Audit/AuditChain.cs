using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Audit;

/// <summary>The head of a chain as the store keeps it: the last sequence number and its hash.</summary>
internal sealed record AuditHead(long Sequence, string Hash);

/// <summary>
/// The rules every ledger shares: how a record is serialised and hashed, how arguments are digested, and how a chain
/// is verified. Both stores call these, so a record hashed by one host verifies on any other.
/// </summary>
/// <remarks>
/// The canonical forms are written by hand, not by a JSON serializer: a serializer's escaping or number formatting may
/// change between .NET versions, and a ledger written today must still verify after an upgrade.
/// </remarks>
internal static class AuditChain
{
    /// <summary>The previous hash of the first record.</summary>
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>What a JSON string must escape: the quote, the backslash and the control characters.</summary>
    private static readonly SearchValues<char> Escaped = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f");

    // One text buffer per thread, reused: the canonical forms are built on every call (digest) and every record (hash),
    // and their strings were most of what the audit allocated.
    [ThreadStatic]
    private static StringBuilder? t_text;

    /// <summary>Numbers and chains <paramref name="entry"/> after <paramref name="previous"/>.</summary>
    public static AuditRecord Seal(AuditEntry entry, AuditHead previous)
    {
        // Milliseconds are what every store keeps; the hash must cover exactly what is stored.
        var time = DateTimeOffset.FromUnixTimeMilliseconds(entry.Time.ToUnixTimeMilliseconds());
        var record = new AuditRecord(
            previous.Sequence + 1, time, entry.CallerId, entry.CallerRole, entry.Transport, entry.Function, entry.ArgumentsDigest,
            entry.Outcome, entry.ErrorKind, Math.Max(0, entry.DurationMs), previous.Hash, Hash: string.Empty, Context: entry.Context);
        return record with { Hash = ComputeHash(record) };
    }

    /// <summary>SHA-256 (lower-case hex) over the previous hash, a newline, and the canonical serialisation of the fields.</summary>
    public static string ComputeHash(AuditRecord record)
    {
        var text = RentText();
        text.Append(record.PreviousHash).Append('\n');
        AppendCanonical(text, record);
        return HashAndReturn(text);
    }

    /// <summary>The record's fields (all but its own hash) as one line of JSON with a fixed key order.</summary>
    public static string Canonical(AuditRecord record)
    {
        var text = RentText();
        AppendCanonical(text, record);
        var canonical = text.ToString();
        ReturnText(text);
        return canonical;
    }

    private static void AppendCanonical(StringBuilder text, AuditRecord record)
    {
        text.Append(CultureInfo.InvariantCulture, $"{{\"v\":1,\"seq\":{record.Sequence},\"time\":{record.Time.ToUnixTimeMilliseconds()},\"caller\":");
        WriteString(text, record.CallerId);
        text.Append(",\"role\":");
        WriteString(text, record.CallerRole);
        text.Append(",\"transport\":");
        WriteString(text, record.Transport.ToString());
        text.Append(",\"function\":");
        WriteString(text, record.Function);
        text.Append(",\"args\":");
        WriteString(text, record.ArgumentsDigest);
        text.Append(",\"outcome\":");
        WriteString(text, record.Outcome.ToString());
        text.Append(",\"error\":");
        WriteString(text, record.ErrorKind);
        text.Append(CultureInfo.InvariantCulture, $",\"durationMs\":{record.DurationMs}");

        // Only when there is one: a record without a context (every record written before contexts existed) keeps the
        // canonical form, and so the hash, it always had.
        if (record.Context is not null)
        {
            text.Append(",\"context\":");
            WriteString(text, record.Context);
        }

        text.Append('}');
    }

    /// <summary>
    /// SHA-256 (lower-case hex) of the arguments as canonical JSON: an object of the argument names, sorted ordinally,
    /// with their values (objects' keys sorted too, at every depth). The arguments themselves are never kept.
    /// </summary>
    public static string DigestArguments(KernelArguments? arguments)
    {
        if (arguments is not { Count: > 0 })
        {
            return DigestSnapshot([]);
        }

        var pairs = new KeyValuePair<string, object?>[arguments.Count];
        ((ICollection<KeyValuePair<string, object?>>)arguments).CopyTo(pairs, 0);
        return DigestSnapshot(pairs);
    }

    /// <summary>
    /// The digest of arguments kept by <see cref="SnapshotArguments"/> — the same as <see cref="DigestArguments(KernelArguments?)"/>
    /// of the arguments they were taken from. Sorts <paramref name="pairs"/> in place.
    /// </summary>
    public static string DigestSnapshot(KeyValuePair<string, object?>[] pairs)
    {
        // Sorted by hand rather than with LINQ, usually for one or two arguments.
        if (pairs.Length > 1)
        {
            Array.Sort(pairs, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        }

        var text = RentText();
        text.Append('{');
        for (var i = 0; i < pairs.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            WriteString(text, pairs[i].Key);
            text.Append(':');
            WriteValue(text, pairs[i].Value);
        }

        text.Append('}');
        return HashAndReturn(text);
    }

    /// <summary>
    /// The arguments as they are now, kept so that the audit writer can digest them later, off the call's path; or
    /// <see langword="null"/> when a value could change before then (any object other than a string, a JSON value or a
    /// primitive), and the digest must be taken now.
    /// </summary>
    /// <remarks>
    /// The pairs are copied (a function may change its arguments; the record is of what was asked). A JSON value is
    /// cloned: that is free for the values the MCP SDK and the serializer make (their documents are never disposed)
    /// and copies one from a caller's <see cref="JsonDocument"/>, which the caller may dispose as soon as the call returns.
    /// </remarks>
    public static KeyValuePair<string, object?>[]? SnapshotArguments(KernelArguments? arguments)
    {
        if (arguments is not { Count: > 0 })
        {
            return [];
        }

        var pairs = new KeyValuePair<string, object?>[arguments.Count];
        var i = 0;
        foreach (var (name, value) in arguments)
        {
            switch (value)
            {
                case null or string or bool or int or long or double or float or decimal or Guid or DateTime or DateTimeOffset or TimeSpan:
                    pairs[i++] = new(name, value);
                    break;
                case JsonElement element:
                    pairs[i++] = new(name, element.ValueKind == JsonValueKind.Undefined ? element : element.Clone());
                    break;
                default:
                    return null;
            }
        }

        return pairs;
    }

    /// <summary>
    /// Walks <paramref name="records"/> in the store's order against the stored <paramref name="head"/> and reports the
    /// first record that is not where, or what, the chain says it should be.
    /// </summary>
    public static async Task<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditRecord> records, AuditHead? head, CancellationToken cancellationToken)
    {
        var stored = head ?? new AuditHead(0, GenesisHash);
        var expected = 1L;
        var previousHash = GenesisHash;
        await using var walk = records.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await walk.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (AuditUnreadableException ex)
            {
                return Bad(expected, AuditFault.Unreadable, $"record {expected} cannot be read: {ex.Reason}.");
            }

            var record = walk.Current;
            if (expected > stored.Sequence)
            {
                return Bad(expected, AuditFault.Altered, $"record {expected} is beyond the stored head (which covers {stored.Sequence} records): it was added outside the ledger, or the head was rewritten.");
            }

            if (!string.Equals(ComputeHash(record), record.Hash, StringComparison.Ordinal))
            {
                return Bad(expected, AuditFault.Altered, $"record {expected} was altered: its contents do not match its hash.");
            }

            if (record.Sequence > expected)
            {
                return await IsLaterAsync(walk, expected).ConfigureAwait(false)
                    ? Bad(expected, AuditFault.Reordered, $"record {expected} is out of order: record {record.Sequence} stands in its place and {expected} comes later.")
                    : Bad(expected, AuditFault.Removed, $"record {expected} was removed: the ledger goes from record {expected - 1} to {record.Sequence}.");
            }

            if (record.Sequence < expected)
            {
                return Bad(expected, AuditFault.Reordered, $"record {expected} is out of order: record {record.Sequence} appears again in its place.");
            }

            if (!string.Equals(record.PreviousHash, previousHash, StringComparison.Ordinal))
            {
                return Bad(expected, AuditFault.Removed, $"record {expected} does not follow record {expected - 1} (its previous hash differs): records were removed or rewritten before it.");
            }

            previousHash = record.Hash;
            expected++;
        }

        var count = expected - 1;
        if (count < stored.Sequence)
        {
            return Bad(expected, AuditFault.Truncated, $"the ledger ends at record {count} but its stored head says {stored.Sequence}: records from {expected} on were cut off.");
        }

        if (!string.Equals(previousHash, stored.Hash, StringComparison.Ordinal))
        {
            return Bad(count, AuditFault.Altered, $"record {count} does not match the stored head's hash: the chain was rewritten.");
        }

        return new AuditVerification(count, count == 0 ? null : stored.Hash);

        AuditVerification Bad(long sequence, AuditFault fault, string reason) => new(sequence - 1, stored.Sequence == 0 ? null : stored.Hash, sequence, fault, reason);
    }

    /// <summary>Whether a sound record numbered <paramref name="sequence"/> follows in the rest of the walk.</summary>
    private static async Task<bool> IsLaterAsync(IAsyncEnumerator<AuditRecord> walk, long sequence)
    {
        try
        {
            while (await walk.MoveNextAsync().ConfigureAwait(false))
            {
                if (walk.Current.Sequence == sequence && string.Equals(ComputeHash(walk.Current), walk.Current.Hash, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        catch (AuditUnreadableException)
        {
            // The rest cannot be read: the missing record is not known to come later.
        }

        return false;
    }

    private static StringBuilder RentText()
    {
        var text = t_text ?? new StringBuilder(512);
        t_text = null;
        return text.Clear();
    }

    private static void ReturnText(StringBuilder text)
    {
        if (text.Capacity <= 64 * 1024)
        {
            t_text = text;
        }
    }

    /// <summary>
    /// SHA-256 (lower-case hex) of the UTF-8 of <paramref name="text"/> — the same bytes as
    /// <c>Encoding.UTF8.GetBytes(text.ToString())</c>, a lone surrogate included — without the intermediate string and
    /// array; the builder goes back for reuse.
    /// </summary>
    private static string HashAndReturn(StringBuilder text)
    {
        var chars = ArrayPool<char>.Shared.Rent(text.Length);
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = text.Length;
            text.CopyTo(0, chars, 0, length);
            var count = Encoding.UTF8.GetBytes(chars.AsSpan(0, length), bytes);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes.AsSpan(0, count), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(bytes);
            ReturnText(text);
        }
    }

    private static void WriteValue(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                return;
            case string s:
                WriteString(text, s);
                return;
            case JsonElement element:
                WriteElement(text, element);
                return;

            // As the serializer below writes them, without its cost on the call path.
            case bool b:
                text.Append(b ? "true" : "false");
                return;
            case int i:
                text.Append(CultureInfo.InvariantCulture, $"{i}");
                return;
            case long l:
                text.Append(CultureInfo.InvariantCulture, $"{l}");
                return;
        }

        JsonElement serialized;
        try
        {
            serialized = JsonSerializer.SerializeToElement(value, value.GetType());
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            // A value JSON cannot represent still has to change the digest when it changes: its type and text do.
            WriteString(text, value.GetType().FullName + ":" + Convert.ToString(value, CultureInfo.InvariantCulture));
            return;
        }

        WriteElement(text, serialized);
    }

    private static void WriteElement(StringBuilder text, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                text.Append('{');
                var first = true;
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        text.Append(',');
                    }

                    first = false;
                    WriteString(text, property.Name);
                    text.Append(':');
                    WriteElement(text, property.Value);
                }

                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (index++ > 0)
                    {
                        text.Append(',');
                    }

                    WriteElement(text, item);
                }

                text.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(text, element.GetString());
                break;
            case JsonValueKind.Undefined:
                text.Append("null");
                break;
            default:
                // Numbers as written, true, false, null.
                text.Append(element.GetRawText());
                break;
        }
    }

    /// <summary>A JSON string with the minimal escaping JSON requires (quote, backslash, control characters) and nothing more.</summary>
    private static void WriteString(StringBuilder text, string? value)
    {
        if (value is null)
        {
            text.Append("null");
            return;
        }

        text.Append('"');
        var rest = value.AsSpan();
        int next;
        while ((next = rest.IndexOfAny(Escaped)) >= 0)
        {
            text.Append(rest[..next]);
            var c = rest[next];
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                default:
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
            }

            rest = rest[(next + 1)..];
        }

        text.Append(rest).Append('"');
    }
}
