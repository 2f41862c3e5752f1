using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lumina.Core.Audit;

/// <summary>The head of a chain as the store keeps it: the last sequence number and its hash.</summary>
internal sealed record AuditHead(long Sequence, string Hash);

/// <summary>
/// The rules every ledger shares: how a record is serialised and hashed (here), how arguments are digested
/// (<c>AuditChain.Arguments.cs</c>), and how a chain is verified (<c>AuditChain.Verification.cs</c>). Both stores call
/// these, so a record hashed by one host verifies on any other.
/// </summary>
/// <remarks>
/// The canonical forms are written by hand, not by a JSON serializer: a serializer's escaping or number formatting may
/// change between .NET versions, and a ledger written today must still verify after an upgrade.
/// </remarks>
internal static partial class AuditChain
{
    /// <summary>The previous hash of the first record.</summary>
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>What a JSON string must escape: the quote, the backslash and the control characters.</summary>
    private static readonly SearchValues<char> Escaped = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f");

    // One text buffer per thread, reused: the canonical forms are built for every call (its digest) and record (its hash),
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
