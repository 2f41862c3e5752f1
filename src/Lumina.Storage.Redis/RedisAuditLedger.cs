using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using StackExchange.Redis;

using Lumina.Core.Audit;

namespace Lumina.Storage.Redis;

/// <summary>
/// The ledger in Redis, one chain for every host that shares the server: records in a list
/// (<c>prefix:{audit}:records</c>, index = sequence − 1) and the head in a hash (<c>prefix:{audit}:head</c>).
/// </summary>
/// <remarks>
/// Redis's Lua has no SHA-256, so hashes are computed here and a script appends a batch only if the head is still the one
/// its first record was chained to — reading the head and appending in one atomic step. A host that lost the race gets the
/// current head back in the same reply, re-chains its records and tries again, so concurrent appenders from any number
/// of hosts keep one unbroken chain. Both keys share the <c>{audit}</c> hash tag, so a cluster keeps them on one node.
/// A call that got no answer may still have run: when the same entries are appended again (the audit writer retries a
/// batch with the very same entries) and the head is exactly the last record that call chained, they are not written twice.
/// </remarks>
public sealed class RedisAuditLedger : IAuditLedger, IMarkedAuditLedger
{
    /// <summary>
    /// KEYS: head hash, records list. ARGV: the sequence the records expect to follow, that record's hash, the genesis
    /// hash, the last record's own hash, then the records (JSON) in order. Returns {1} when appended, or
    /// {0, head sequence, head hash} when the head moved.
    /// </summary>
    private const string AppendScript = """
        local seq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
        local hash = redis.call('HGET', KEYS[1], 'hash') or ARGV[3]
        if seq ~= tonumber(ARGV[1]) or hash ~= ARGV[2] then return {0, seq, hash} end
        for i = 5, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
        redis.call('HSET', KEYS[1], 'seq', seq + #ARGV - 4, 'hash', ARGV[4])
        return {1}
        """;

    private const int MaxAttempts = 1000;
    private const int VerifyBatch = 500;
    // Enums by name: a stored record reads the same to a person with redis-cli as to the ledger.
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly IConnectionMultiplexer _redis;
    private readonly TimeProvider _time;
    private readonly RedisKey _head;
    private readonly RedisKey _records;

    // The head this instance last saw: usually still current, so an uncontended append takes one round trip.
    private AuditHead _lastHead = new(0, AuditChain.GenesisHash);

    // The last batch whose script call got no answer (a timeout, a dropped connection): the server may have run it.
    private Unanswered? _unanswered;

    /// <summary>A ledger under <paramref name="keyPrefix"/> (the same prefix as the rest of Lumina's keys).</summary>
    public RedisAuditLedger(IConnectionMultiplexer redis, string keyPrefix, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentException.ThrowIfNullOrEmpty(keyPrefix);
        _redis = redis;
        _time = time ?? TimeProvider.System;
        _head = $"{keyPrefix}:{{audit}}:head";
        _records = $"{keyPrefix}:{{audit}}:records";
    }

    /// <summary>The head mark advanced after each commit, kept outside Redis (see <see cref="AuditHeadMark"/>).</summary>
    AuditHeadMark? IMarkedAuditLedger.Mark { get; set; }

    private IDatabase Db => _redis.GetDatabase();

    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return (await AppendBatchAsync([entry], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Chains <paramref name="entries"/> here and appends them with one script call, all or none.</summary>
    public async Task<IReadOnlyList<AuditRecord>> AppendBatchAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return [];
        }

        var head = Volatile.Read(ref _lastHead);
        var records = new AuditRecord[entries.Count];
        var arguments = new RedisValue[entries.Count + 4];
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var last = head;
            for (var i = 0; i < entries.Count; i++)
            {
                records[i] = AuditChain.Seal(entries[i], last);
                last = new AuditHead(records[i].Sequence, records[i].Hash);
                arguments[i + 4] = JsonSerializer.Serialize(records[i], s_json);
            }

            arguments[0] = head.Sequence;
            arguments[1] = head.Hash;
            arguments[2] = AuditChain.GenesisHash;
            arguments[3] = last.Hash;
            RedisResult[] result;
            try
            {
                result = (RedisResult[])(await Db.ScriptEvaluateAsync(AppendScript, [_head, _records], arguments).ConfigureAwait(false))!;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                Volatile.Write(ref _unanswered, new Unanswered([.. entries], [.. records]));
                throw;
            }

            if ((long)result[0] == 1)
            {
                Volatile.Write(ref _lastHead, last);
                ((IMarkedAuditLedger)this).Mark?.Advance(last);
                return records;
            }

            head = new AuditHead((long)result[1], (string)result[2]!);
            if (Volatile.Read(ref _unanswered) is { } unanswered && unanswered.WasApplied(entries, head))
            {
                // The same batch again, and the head is exactly where the unanswered call left it: it ran. Appending it
                // once more would record those calls twice.
                Volatile.Write(ref _unanswered, null);
                Volatile.Write(ref _lastHead, head);
                ((IMarkedAuditLedger)this).Mark?.Advance(head);
                return unanswered.Records;
            }

            if (attempt > 2)
            {
                // Many hosts racing: spread the retries out a little so one of them wins each round.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, Math.Min(attempt, 20))), _time, cancellationToken).ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException($"The audit ledger's head kept moving: the records could not be appended after {MaxAttempts} attempts.");
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadRecentAsync(int count, CancellationToken cancellationToken = default)
    {
        if (count <= 0)
        {
            return [];
        }

        var values = await Db.ListRangeAsync(_records, -count, -1).ConfigureAwait(false);
        return [.. values.Select((value, i) => Parse(value, $"the entry {values.Length - i} from the end of the list"))];
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadRangeAsync(long fromSequence, int count, CancellationToken cancellationToken = default)
    {
        if (count <= 0)
        {
            return [];
        }

        var start = Math.Max(1, fromSequence) - 1;
        var values = await Db.ListRangeAsync(_records, start, start + count - 1).ConfigureAwait(false);
        return [.. values.Select((value, i) => Parse(value, $"the entry at index {start + i} of the list"))];
    }

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        // The head and the list's length in one transaction: what lies beyond the head at that instant was not appended
        // through the ledger.
        var transaction = Db.CreateTransaction();
        var headTask = transaction.HashGetAsync(_head, ["seq", "hash"]);
        var lengthTask = transaction.ListLengthAsync(_records);
        await transaction.ExecuteAsync().ConfigureAwait(false);
        var fields = await headTask.ConfigureAwait(false);
        var length = await lengthTask.ConfigureAwait(false);
        AuditHead? head = null;
        if (!fields[0].IsNull || !fields[1].IsNull)
        {
            if (fields[0].IsNull || !fields[0].TryParse(out long sequence) || sequence < 0)
            {
                return new AuditVerification(0, null, 1, AuditFault.Unreadable, $"the ledger's head cannot be read: its seq is {(fields[0].IsNull ? "missing" : $"'{Shorten(fields[0])}', not a whole number")}.");
            }

            if (fields[1].IsNull)
            {
                return new AuditVerification(0, null, 1, AuditFault.Unreadable, "the ledger's head cannot be read: its hash is missing.");
            }

            head = new AuditHead(sequence, (string)fields[1]!);
        }

        return await AuditChain.VerifyAsync(ReadAllAsync(length, cancellationToken), head, cancellationToken).ConfigureAwait(false);
    }

    private async IAsyncEnumerable<AuditRecord> ReadAllAsync(long length, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (long start = 0; start < length; start += VerifyBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var values = await Db.ListRangeAsync(_records, start, Math.Min(length, start + VerifyBatch) - 1).ConfigureAwait(false);
            for (var i = 0; i < values.Length; i++)
            {
                yield return Parse(values[i], $"the entry at index {start + i} of the list");
            }
        }
    }

    /// <summary>
    /// Parses a stored record. One that is not a record — not JSON, or without a field every record has — is unreadable
    /// (<see cref="AuditUnreadableException"/>, naming <paramref name="where"/> and what is wrong); a field edited to
    /// another value still parses, and verification reports it as altered.
    /// </summary>
    private static AuditRecord Parse(RedisValue value, string where)
    {
        AuditRecord? record;
        try
        {
            record = value.IsNull ? null : JsonSerializer.Deserialize<AuditRecord>((string)value!, s_json);
        }
        catch (JsonException ex)
        {
            throw new AuditUnreadableException($"{where} is not a record ('{Shorten(value)}': {ex.Message.TrimEnd('.')})", ex);
        }

        if (record is null)
        {
            throw new AuditUnreadableException($"{where} is empty or null");
        }

        var missing = (record.CallerId, record.CallerRole, record.Function, record.ArgumentsDigest, record.PreviousHash, record.Hash) switch
        {
            (null, _, _, _, _, _) => "callerId",
            (_, null, _, _, _, _) => "callerRole",
            (_, _, null, _, _, _) => "function",
            (_, _, _, null, _, _) => "argumentsDigest",
            (_, _, _, _, null, _) => "previousHash",
            (_, _, _, _, _, null) => "hash",
            _ => null,
        };
        return missing is null ? record : throw new AuditUnreadableException($"{where} (record {record.Sequence}) has no {missing}");
    }

    private static string Shorten(RedisValue value)
    {
        var text = value.ToString();
        return text.Length > 40 ? string.Concat(text.AsSpan(0, 40), "…") : text;
    }

    /// <summary>A batch sent without an answer, as it was chained then.</summary>
    private sealed record Unanswered(IReadOnlyList<AuditEntry> Entries, AuditRecord[] Records)
    {
        /// <summary>Whether <paramref name="entries"/> are these very entries and <paramref name="head"/> is this batch's last record.</summary>
        public bool WasApplied(IReadOnlyList<AuditEntry> entries, AuditHead head) =>
            entries.Count == Entries.Count
            && Enumerable.Range(0, entries.Count).All(i => ReferenceEquals(entries[i], Entries[i]))
            && head.Sequence == Records[^1].Sequence
            && string.Equals(head.Hash, Records[^1].Hash, StringComparison.Ordinal);
    }
}
