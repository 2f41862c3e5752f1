using System.Text.Json;
using System.Text.Json.Serialization;
using Lumina.Abstractions;
using StackExchange.Redis;

using Lumina.Core.Workflows;

namespace Lumina.Storage.Redis;

/// <summary>
/// Workflow runs in Redis, shared by every host. Each run is a hash (<c>prefix:wfrun:id</c>) of its JSON, its version,
/// its owner and, once it has finished, its expiry; beside it live its checkpoints (<c>…:checkpoints</c>, the ids in
/// order, <c>…:checkpoint-data</c> and <c>…:checkpoint-parents</c>, hashes by id) and its ledger of finished steps
/// (<c>…:steps</c>, a hash by key, and <c>…:step-order</c>). Sorted sets by creation time (<c>prefix:wfruns</c> and
/// <c>prefix:wfruns:owner:owner</c>) index the runs for listing. Lua scripts create a run only where none lives, replace
/// it only on the version read, and record a step only where none was recorded, so hosts never overwrite each other.
/// </summary>
/// <remarks>
/// A running run's keys never expire; once it finishes, every key of it expires at its
/// <see cref="WorkflowRunRecord.ExpiresAt"/>, so Redis forgets it by itself, and its index entries go when a listing
/// finds it gone. Expiry is judged by the host's clock (the <see cref="TimeProvider"/> given) as well, so a run past its
/// time is gone at once even where the clocks of the host and of Redis disagree.
/// </remarks>
public sealed class RedisWorkflowRunStore(IConnectionMultiplexer redis, string prefix, TimeProvider time) : IWorkflowRunStore
{
    // Every script gets the run's six keys first — KEYS[1] the run hash, [2] the checkpoint order, [3] the checkpoints'
    // JSON, [4] their parents, [5] the steps' JSON, [6] the step order — and the host's time (unix ms) as ARGV[1].
    private const string Prelude = """
        local function expired()
          local e = redis.call('HGET', KEYS[1], 'expires')
          return e and tonumber(e) <= tonumber(ARGV[1])
        end
        local function forget()
          redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
        end

        """;

    // KEYS[7] the index, [8] the owner's index. ARGV: now, data, expires (unix ms, '' while running), owner, created
    // (unix ms), id. Returns 1 when created, 0 when a live run has the id.
    private const string CreateScript = Prelude + """
        if redis.call('EXISTS', KEYS[1]) == 1 then
          if not expired() then
            return 0
          end
          forget()
        end
        redis.call('HSET', KEYS[1], 'data', ARGV[2], 'version', 1, 'owner', ARGV[4])
        if ARGV[3] ~= '' then
          redis.call('HSET', KEYS[1], 'expires', ARGV[3])
          for i = 1, 6 do redis.call('PEXPIREAT', KEYS[i], ARGV[3]) end
        end
        redis.call('ZADD', KEYS[7], ARGV[5], ARGV[6])
        redis.call('ZADD', KEYS[8], ARGV[5], ARGV[6])
        return 1
        """;

    // ARGV: now, data, expires ('' while running), expected version. Returns the new version, or 0 when the run changed
    // or expired since it was read.
    private const string ReplaceScript = Prelude + """
        local stored = redis.call('HMGET', KEYS[1], 'version', 'expires')
        if not stored[1] or tonumber(stored[1]) ~= tonumber(ARGV[4]) then
          return 0
        end
        if stored[2] and tonumber(stored[2]) <= tonumber(ARGV[1]) then
          return 0
        end
        redis.call('HSET', KEYS[1], 'data', ARGV[2])
        local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
        if ARGV[3] == '' then
          redis.call('HDEL', KEYS[1], 'expires')
          for i = 1, 6 do redis.call('PERSIST', KEYS[i]) end
        else
          redis.call('HSET', KEYS[1], 'expires', ARGV[3])
          for i = 1, 6 do redis.call('PEXPIREAT', KEYS[i], ARGV[3]) end
        end
        return version
        """;

    // ARGV: now, checkpoint id, '1' when it has a parent, the parent, JSON. A checkpoint kept again under the same id
    // takes the new state and keeps its place.
    private const string AddCheckpointScript = Prelude + """
        if expired() then
          forget()
        end
        if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 0 then
          redis.call('RPUSH', KEYS[2], ARGV[2])
        end
        redis.call('HSET', KEYS[3], ARGV[2], ARGV[5])
        if ARGV[3] == '1' then
          redis.call('HSET', KEYS[4], ARGV[2], ARGV[4])
        else
          redis.call('HDEL', KEYS[4], ARGV[2])
        end
        local e = redis.call('HGET', KEYS[1], 'expires')
        if e then
          for i = 2, 4 do redis.call('PEXPIREAT', KEYS[i], e) end
        end
        return 1
        """;

    // ARGV: now, checkpoint id. Returns the JSON or nil.
    private const string GetCheckpointScript = Prelude + """
        if expired() then
          return false
        end
        return redis.call('HGET', KEYS[3], ARGV[2])
        """;

    // ARGV: now, '1' when filtered by parent, the parent. Returns the ids in order.
    private const string ListCheckpointsScript = Prelude + """
        if expired() then
          return {}
        end
        local ids = redis.call('LRANGE', KEYS[2], 0, -1)
        if ARGV[2] ~= '1' then
          return ids
        end
        local out = {}
        for _, id in ipairs(ids) do
          if redis.call('HGET', KEYS[4], id) == ARGV[3] then
            table.insert(out, id)
          end
        end
        return out
        """;

    // ARGV: now, key, JSON. Returns the recorded JSON: this one, or the one recorded first.
    private const string RecordStepScript = Prelude + """
        if expired() then
          forget()
        end
        if redis.call('HSETNX', KEYS[5], ARGV[2], ARGV[3]) == 1 then
          redis.call('RPUSH', KEYS[6], ARGV[2])
          local e = redis.call('HGET', KEYS[1], 'expires')
          if e then
            redis.call('PEXPIREAT', KEYS[5], e)
            redis.call('PEXPIREAT', KEYS[6], e)
          end
          return ARGV[3]
        end
        return redis.call('HGET', KEYS[5], ARGV[2])
        """;

    // ARGV: now, key. Returns the JSON or nil.
    private const string GetStepScript = Prelude + """
        if expired() then
          return false
        end
        return redis.call('HGET', KEYS[5], ARGV[2])
        """;

    // ARGV: now. Returns key, JSON, key, JSON, … in the order recorded.
    private const string ListStepsScript = Prelude + """
        if expired() then
          return {}
        end
        local out = {}
        for _, key in ipairs(redis.call('LRANGE', KEYS[6], 0, -1)) do
          table.insert(out, key)
          table.insert(out, redis.call('HGET', KEYS[5], key))
        end
        return out
        """;

    // KEYS[7] the index, [8] the owner's index. ARGV: now, id. Forgets a run found expired (or gone) by a listing, with
    // its index entries; a run that lives (created again meanwhile) stays.
    private const string PurgeScript = Prelude + """
        if redis.call('EXISTS', KEYS[1]) == 1 then
          if not expired() then
            return 0
          end
          forget()
        end
        redis.call('ZREM', KEYS[7], ARGV[2])
        redis.call('ZREM', KEYS[8], ARGV[2])
        return 1
        """;

    private const int ListPage = 100;

    private static readonly RedisValue[] s_fields = ["data", "version", "expires", "owner"];

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<WorkflowRunRecord> CreateAsync(WorkflowRunRecord run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(run.Id);
        ArgumentNullException.ThrowIfNull(run.OwnerId);
        var created = run with { Version = 1 };
        var result = await RunAsync(
            CreateScript,
            [.. RunKeys(created.Id), IndexKey(), OwnerIndexKey(created.OwnerId)],
            Now(),
            Serialize(created),
            Expiry(created),
            created.OwnerId,
            created.CreatedAt.ToUnixTimeMilliseconds(),
            created.Id).ConfigureAwait(false);
        return (long)result == 1 ? created : throw new InvalidOperationException($"A workflow run with id '{run.Id}' exists.");
    }

    public async Task<WorkflowRunRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var values = await Guard(redis.GetDatabase().HashGetAsync(RunKey(id), s_fields)).ConfigureAwait(false);
        return Live(values, Now());
    }

    public async Task<WorkflowRunRecord?> TryReplaceAsync(WorkflowRunRecord run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(run.Id);
        var replaced = run with { Version = run.Version + 1 };
        var result = await RunAsync(ReplaceScript, RunKeys(run.Id), Now(), Serialize(replaced), Expiry(replaced), run.Version).ConfigureAwait(false);
        var version = (long)result;
        return version == 0 ? null : replaced with { Version = version };
    }

    public async Task<IReadOnlyList<WorkflowRunRecord>> ListAsync(string? ownerId = null, bool unfinishedOnly = false, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var database = redis.GetDatabase();
        var index = ownerId is null ? IndexKey() : OwnerIndexKey(ownerId);
        var now = Now();
        var runs = new List<WorkflowRunRecord>();
        var gone = new List<(string Id, string? Owner)>();
        for (long start = 0; runs.Count < limit; start += ListPage)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ids = await Guard(database.SortedSetRangeByRankAsync(index, start, start + ListPage - 1, Order.Descending)).ConfigureAwait(false);
            // Read pipelined: one round trip's worth of waiting for the whole page.
            var reads = await Guard(Task.WhenAll(ids.Select(id => database.HashGetAsync(RunKey(id.ToString()), s_fields)))).ConfigureAwait(false);
            for (var i = 0; i < ids.Length && runs.Count < limit; i++)
            {
                if (Live(reads[i], now) is not { } run)
                {
                    gone.Add((ids[i].ToString(), reads[i][3].IsNull ? null : reads[i][3].ToString()));
                }
                else if ((!unfinishedOnly || !run.IsTerminal) && (ownerId is null || run.OwnerId == ownerId))
                {
                    runs.Add(run);
                }
            }

            if (ids.Length < ListPage)
            {
                break;
            }
        }

        // Runs found expired (by this host's clock) or gone (by Redis's) leave the indexes now, after the paging by rank.
        foreach (var (id, owner) in gone)
        {
            await RunAsync(PurgeScript, [.. RunKeys(id), IndexKey(), OwnerIndexKey(owner ?? ownerId ?? string.Empty)], now, id).ConfigureAwait(false);
        }

        return runs;
    }

    public async Task AddCheckpointAsync(string runId, string checkpointId, string? parentId, string json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(checkpointId);
        ArgumentNullException.ThrowIfNull(json);
        await RunAsync(AddCheckpointScript, RunKeys(runId), Now(), checkpointId, parentId is null ? "0" : "1", parentId ?? string.Empty, json).ConfigureAwait(false);
    }

    public async Task<string?> GetCheckpointAsync(string runId, string checkpointId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(checkpointId);
        var result = await RunAsync(GetCheckpointScript, RunKeys(runId), Now(), checkpointId).ConfigureAwait(false);
        return result.IsNull ? null : (string?)result;
    }

    public async Task<IReadOnlyList<string>> ListCheckpointsAsync(string runId, string? parentId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        var result = await RunAsync(ListCheckpointsScript, RunKeys(runId), Now(), parentId is null ? "0" : "1", parentId ?? string.Empty).ConfigureAwait(false);
        return [.. ((RedisValue[])result!).Select(id => id.ToString())];
    }

    public async Task<string> RecordStepAsync(string runId, string key, string resultJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(resultJson);
        var result = await RunAsync(RecordStepScript, RunKeys(runId), Now(), key, resultJson).ConfigureAwait(false);
        return (string?)result ?? throw new InvalidOperationException($"Step '{key}' of workflow run '{runId}' was not recorded.");
    }

    public async Task<string?> GetStepAsync(string runId, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(key);
        var result = await RunAsync(GetStepScript, RunKeys(runId), Now(), key).ConfigureAwait(false);
        return result.IsNull ? null : (string?)result;
    }

    public async Task<IReadOnlyList<KeyValuePair<string, string>>> ListStepsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        var result = await RunAsync(ListStepsScript, RunKeys(runId), Now()).ConfigureAwait(false);
        var flat = (RedisValue[])result!;
        var steps = new List<KeyValuePair<string, string>>(flat.Length / 2);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            steps.Add(new(flat[i].ToString(), flat[i + 1].ToString()));
        }

        return steps;
    }

    /// <summary>The run in a hash's data, version, expiry and owner, or null when there is none or it has expired by <paramref name="now"/>.</summary>
    private static WorkflowRunRecord? Live(RedisValue[] values, long now)
    {
        if (values[0].IsNull || values[1].IsNull || (!values[2].IsNull && (long)values[2] <= now))
        {
            return null;
        }

        return Deserialize(values[0].ToString()) with { Version = (long)values[1] };
    }

    private static string Serialize(WorkflowRunRecord run) => JsonSerializer.Serialize(run, s_json);

    private static WorkflowRunRecord Deserialize(string json) =>
        JsonSerializer.Deserialize<WorkflowRunRecord>(json, s_json) ?? throw new JsonException("A stored workflow run is empty.");

    /// <summary>The run's expiry as the scripts take it: unix ms, or empty while it runs.</summary>
    private static RedisValue Expiry(WorkflowRunRecord run) =>
        run.ExpiresAt is { } expires ? expires.ToUnixTimeMilliseconds() : RedisValue.EmptyString;

    private RedisKey RunKey(string id) => $"{prefix}:wfrun:{Uri.EscapeDataString(id)}";

    private RedisKey[] RunKeys(string id)
    {
        var run = $"{prefix}:wfrun:{Uri.EscapeDataString(id)}";
        return [run, $"{run}:checkpoints", $"{run}:checkpoint-data", $"{run}:checkpoint-parents", $"{run}:steps", $"{run}:step-order"];
    }

    private RedisKey IndexKey() => $"{prefix}:wfruns";

    private RedisKey OwnerIndexKey(string owner) => $"{prefix}:wfruns:owner:{Uri.EscapeDataString(owner)}";

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private Task<RedisResult> RunAsync(string script, RedisKey[] keys, params RedisValue[] values) =>
        Guard(redis.GetDatabase().ScriptEvaluateAsync(script, keys, values));

    private static async Task<T> Guard<T>(Task<T> operation)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            throw new LuminaException($"The workflow run store (Redis) cannot be reached: {ex.Message.Split('.')[0]}.", ex);
        }
    }
}
