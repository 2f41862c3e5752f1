using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Abstractions.Memory;
using StackExchange.Redis;

using Lumina.Core.Memory;

namespace Lumina.Storage.Redis;

/// <summary>
/// Memory in Redis, shared by every host that points at the same server. Works with a plain <c>redis-server</c> (no
/// modules). All of a user's keys share a hash tag, so they live on one node of a cluster and one transaction can
/// touch them all; limits are enforced in the same transaction as the write.
/// </summary>
public sealed class RedisMemory : ILuminaMemory
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private readonly IConnectionMultiplexer _redis;
    private readonly MemoryOptions _options;
    private readonly string _keyPrefix;
    private readonly TimeProvider _time;
    private readonly FactEmbedder _embedder;

    public RedisMemory(IConnectionMultiplexer redis, string keyPrefix, MemoryOptions options, TimeProvider time, FactEmbedder? embedder = null)
    {
        _embedder = embedder ?? new FactEmbedder();
        _redis = redis;
        _options = options;
        _keyPrefix = keyPrefix;
        _time = time;
    }

    /// <summary>
    /// KEYS: the conversations hash, the turns list. ARGV: id, the header of a new conversation, now (ISO-8601), the
    /// conversation limit, then the turns. Returns {turn count, header}, or {-1} when the user has no room for a new one.
    /// </summary>
    private const string AppendScript = """
        local header = redis.call('HGET', KEYS[1], ARGV[1])
        if header then
          local h = cjson.decode(header)
          h['updatedAt'] = ARGV[3]
          header = cjson.encode(h)
        else
          if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return {-1} end
          header = ARGV[2]
        end
        redis.call('HSET', KEYS[1], ARGV[1], header)
        local length = 0
        for i = 5, #ARGV do length = redis.call('RPUSH', KEYS[2], ARGV[i]) end
        if length == 0 then length = redis.call('LLEN', KEYS[2]) end
        return {length, header}
        """;

    private IDatabase Db => _redis.GetDatabase();

    public Task<MemoryFact> RememberAsync(string userId, string text, IReadOnlyList<string> tags, CancellationToken cancellationToken = default) => Run(async () =>
    {
        MemoryRules.User(userId);
        var fact = new MemoryFact(MemoryRules.NewId(), MemoryRules.Fact(text, _options), MemoryRules.Tags(tags), _time.GetUtcNow());
        var embedding = await _embedder.EmbedAsync(fact.Text, cancellationToken).ConfigureAwait(false);
        var keys = new UserKeys(_keyPrefix, userId);
        var json = JsonSerializer.Serialize(new RedisFact(fact.Id, fact.Text, fact.Tags, fact.CreatedAt, embedding), s_json);
        await WriteWithinLimitAsync(keys.Facts, _options.MaxFactsPerUser, fact.Id, json, count => MemoryRules.FactCount(count, _options)).ConfigureAwait(false);
        return fact;
    });

    public Task<IReadOnlyList<RecalledFact>> RecallAsync(string userId, string query, int limit, IReadOnlyList<string>? tags = null, CancellationToken cancellationToken = default) => Run(async () =>
    {
        MemoryRules.User(userId);
        var wanted = MemoryRules.Tags(tags);
        var queryEmbedding = await _embedder.EmbedAsync(query, cancellationToken).ConfigureAwait(false);
        var facts = (await ReadFactsAsync(userId).ConfigureAwait(false)).Where(f => wanted.All(f.Fact.Tags.Contains)).ToList();
        return FactRanker.Rank(facts, query, queryEmbedding, limit);
    });

    public Task<bool> ForgetAsync(string userId, string factId, CancellationToken cancellationToken = default) => Run(async () =>
    {
        MemoryRules.User(userId);
        return await Db.HashDeleteAsync(new UserKeys(_keyPrefix, userId).Facts, factId).ConfigureAwait(false);
    });

    public Task<IReadOnlyList<MemoryFact>> ListFactsAsync(string userId, int limit, CancellationToken cancellationToken = default) => Run(async () =>
    {
        MemoryRules.User(userId);
        return (IReadOnlyList<MemoryFact>)[.. (await ReadFactsAsync(userId).ConfigureAwait(false)).Take(Math.Max(0, limit)).Select(f => f.Fact)];
    });

    public Task<ContextValue?> GetContextAsync(string userId, string key, CancellationToken cancellationToken = default) => Run(async () =>
    {
        MemoryRules.User(userId);
        var value = await Db.HashGetAsync(new UserKeys(_keyPrefix, userId).Context, key).ConfigureAwait(false);
        return value.IsNull ? null : JsonSerializer.Deserialize<ContextValue>(value.ToString(), s_json);
    });

    public Task<ContextValue> SetContextAsync(string userId, string key, string value, CancellationToken cancellationToken = default) => Run(async () =>
    {
        MemoryRules.User(userId);
        MemoryRules.Context(key, value, _options);
        var keys = new UserKeys(_keyPrefix, userId);
        var result = new ContextValue(key, value, _time.GetUtcNow());
        var json = JsonSerializer.Serialize(result, s_json);

        // An update always fits; a new key must find room, checked in the same transaction as the write.
        var update = Db.CreateTransaction();
        update.AddCondition(Condition.HashExists(keys.Context, key));
        _ = update.HashSetAsync(keys.Context, key, json);
        if (await update.ExecuteAsync().ConfigureAwait(false))
        {
            return result;
        }

        await WriteWithinLimitAsync(keys.Context, _options.MaxContextKeys, key, json, count => MemoryRules.ContextCount(count, _options)).ConfigureAwait(false);
        return result;
    });

    public Task<bool> DeleteContextAsync(string userId, string key, CancellationToken cancellationToken = default) => Run(async () =>
    {
        MemoryRules.User(userId);
        return await Db.HashDeleteAsync(new UserKeys(_keyPrefix, userId).Context, key).ConfigureAwait(false);
    });

    public Task<IReadOnlyList<ContextValue>> ListContextAsync(string userId, CancellationToken cancellationToken = default) => Run(async () =>
    {
        MemoryRules.User(userId);
        var entries = await Db.HashGetAllAsync(new UserKeys(_keyPrefix, userId).Context).ConfigureAwait(false);
        return (IReadOnlyList<ContextValue>)[.. entries
            .Select(e => JsonSerializer.Deserialize<ContextValue>(e.Value.ToString(), s_json)!)
            .OrderBy(v => v.Key, StringComparer.Ordinal)];
    });

    public Task<ConversationInfo> AppendAsync(string userId, string conversationId, IReadOnlyList<ConversationTurn> turns, CancellationToken cancellationToken = default) => Run(async () =>
    {
        MemoryRules.User(userId);
        MemoryRules.ConversationId(conversationId);
        MemoryRules.Turns(turns, _options);
        var keys = new UserKeys(_keyPrefix, userId);
        var now = _time.GetUtcNow();
        var created = JsonSerializer.Serialize(new StoredConversation(conversationId, MemoryRules.Title(turns), now, now), s_json);

        // One round trip: create or touch the header (within the conversation limit) and append, atomically.
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(
            AppendScript,
            [keys.Conversations, keys.Turns(conversationId)],
            [conversationId, created, JsonSerializer.Serialize(now, s_json).Trim('"'), _options.MaxConversationsPerUser, .. turns.Select(t => (RedisValue)JsonSerializer.Serialize(t, s_json))]).ConfigureAwait(false))!;
        if ((long)result[0] < 0)
        {
            MemoryRules.ConversationCount(_options.MaxConversationsPerUser, _options);
        }

        var header = JsonSerializer.Deserialize<StoredConversation>((string)result[1]!, s_json)!;
        var count = (long)result[0];
        if (count > _options.MaxTurnsPerConversation)
        {
            var all = await ReadTurnsAsync(keys.Turns(conversationId)).ConfigureAwait(false);
            var drop = MemoryRules.DropCount(all, _options.MaxTurnsPerConversation);
            await Db.ListTrimAsync(keys.Turns(conversationId), drop, -1).ConfigureAwait(false);
            count -= drop;
        }

        return header.ToInfo((int)count);
    });

    public Task<Conversation?> GetConversationAsync(string userId, string conversationId, int maxTurns, CancellationToken cancellationToken = default) => Run(async () =>
    {
        MemoryRules.User(userId);
        var keys = new UserKeys(_keyPrefix, userId);
        var batch = Db.CreateBatch();
        var header = batch.HashGetAsync(keys.Conversations, conversationId);
        var turns = batch.ListRangeAsync(keys.Turns(conversationId));
        batch.Execute();
        return ToConversation(await header.ConfigureAwait(false), await turns.ConfigureAwait(false), maxTurns);
    });

    public Task<IReadOnlyList<ConversationInfo>> ListConversationsAsync(string userId, int limit, CancellationToken cancellationToken = default) => Run(async () =>
    {
        MemoryRules.User(userId);
        var keys = new UserKeys(_keyPrefix, userId);
        var headers = (await Db.HashGetAllAsync(keys.Conversations).ConfigureAwait(false))
            .Select(e => JsonSerializer.Deserialize<StoredConversation>(e.Value.ToString(), s_json)!)
            .OrderByDescending(c => c.UpdatedAt)
            .ThenBy(c => c.Id, StringComparer.Ordinal)
            .Take(Math.Max(0, limit))
            .ToList();
        var batch = Db.CreateBatch();
        var counts = headers.Select(h => batch.ListLengthAsync(keys.Turns(h.Id))).ToList();
        batch.Execute();
        var infos = new List<ConversationInfo>(headers.Count);
        for (var i = 0; i < headers.Count; i++)
        {
            infos.Add(headers[i].ToInfo((int)await counts[i].ConfigureAwait(false)));
        }

        return (IReadOnlyList<ConversationInfo>)infos;
    });

    public Task<bool> DeleteConversationAsync(string userId, string conversationId, CancellationToken cancellationToken = default) => Run(async () =>
    {
        MemoryRules.User(userId);
        var keys = new UserKeys(_keyPrefix, userId);
        // The header and the turns go together: a transaction, so no reader sees a header without its turns.
        var transaction = Db.CreateTransaction();
        var header = transaction.HashDeleteAsync(keys.Conversations, conversationId);
        _ = transaction.KeyDeleteAsync(keys.Turns(conversationId));
        await transaction.ExecuteAsync().ConfigureAwait(false);
        return await header.ConfigureAwait(false);
    });

    public Task ReplaceOldestAsync(string userId, string conversationId, int count, ConversationTurn summary, CancellationToken cancellationToken = default) => Run<bool>(async () =>
    {
        MemoryRules.User(userId);
        var key = new UserKeys(_keyPrefix, userId).Turns(conversationId);
        var all = await ReadTurnsAsync(key).ConfigureAwait(false);
        var drop = MemoryRules.DropCount(all, all.Count - Math.Clamp(count, 0, all.Count));
        if (drop == 0)
        {
            return true;
        }

        var transaction = Db.CreateTransaction();
        transaction.AddCondition(Condition.ListLengthEqual(key, all.Count));
        _ = transaction.ListTrimAsync(key, drop, -1);
        _ = transaction.ListLeftPushAsync(key, JsonSerializer.Serialize(summary, s_json));
        return await transaction.ExecuteAsync().ConfigureAwait(false);
    });

    /// <summary>The conversation, its turns and the user's facts in one batch: one round trip.</summary>
    public Task<MemoryRecall> LoadAsync(string userId, string conversationId, int maxTurns, string query, int factLimit, CancellationToken cancellationToken = default) => Run(async () =>
    {
        MemoryRules.User(userId);
        var queryEmbedding = await _embedder.EmbedAsync(query, cancellationToken).ConfigureAwait(false);
        var keys = new UserKeys(_keyPrefix, userId);
        var batch = Db.CreateBatch();
        var header = batch.HashGetAsync(keys.Conversations, conversationId);
        var turns = batch.ListRangeAsync(keys.Turns(conversationId));
        var facts = batch.HashValuesAsync(keys.Facts);
        batch.Execute();
        var conversation = ToConversation(await header.ConfigureAwait(false), await turns.ConfigureAwait(false), maxTurns);
        var all = (await facts.ConfigureAwait(false)).Select(v => JsonSerializer.Deserialize<RedisFact>(v.ToString(), s_json)!.ToStored()).ToList();
        return new MemoryRecall(conversation, FactRanker.Rank(all, query, queryEmbedding, factLimit));
    });

    public Task<int> ForgetAllAsync(string userId, CancellationToken cancellationToken = default) => Run(async () =>
    {
        MemoryRules.User(userId);
        var keys = new UserKeys(_keyPrefix, userId);
        var batch = Db.CreateBatch();
        var facts = batch.HashLengthAsync(keys.Facts);
        var context = batch.HashLengthAsync(keys.Context);
        var conversations = batch.HashKeysAsync(keys.Conversations);
        batch.Execute();
        var ids = await conversations.ConfigureAwait(false);
        RedisKey[] all = [keys.Facts, keys.Context, keys.Conversations, .. ids.Select(id => keys.Turns(id.ToString()))];
        await Db.KeyDeleteAsync(all).ConfigureAwait(false);
        return (int)(await facts.ConfigureAwait(false) + await context.ConfigureAwait(false) + ids.Length);
    });

    /// <summary>
    /// Sets a hash field only while the hash has room, checked in the same transaction as the write. A transaction
    /// that lost a race is retried; one refused for the limit throws through <paramref name="refuse"/>. Never reports
    /// success for a write that did not happen.
    /// </summary>
    private async Task WriteWithinLimitAsync(RedisKey hash, int limit, string field, string value, Action<long> refuse)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var transaction = Db.CreateTransaction();
            transaction.AddCondition(Condition.HashLengthLessThan(hash, limit));
            _ = transaction.HashSetAsync(hash, field, value);
            if (await transaction.ExecuteAsync().ConfigureAwait(false))
            {
                return;
            }

            refuse(await Db.HashLengthAsync(hash).ConfigureAwait(false));
        }

        throw new LuminaException("The memory store was too busy to take the write; nothing was changed. Try again.");
    }

    private async Task<List<StoredFact>> ReadFactsAsync(string userId)
    {
        var entries = await Db.HashValuesAsync(new UserKeys(_keyPrefix, userId).Facts).ConfigureAwait(false);
        return [.. entries
            .Select(v => JsonSerializer.Deserialize<RedisFact>(v.ToString(), s_json)!.ToStored())
            .OrderByDescending(f => f.Fact.CreatedAt)
            .ThenByDescending(f => f.Fact.Id, StringComparer.Ordinal)];
    }

    /// <summary>A conversation from its stored header and turns, keeping the most recent <paramref name="maxTurns"/>.</summary>
    private static Conversation? ToConversation(RedisValue header, RedisValue[] turns, int maxTurns)
    {
        if (header.IsNull)
        {
            return null;
        }

        var list = turns.Select(v => JsonSerializer.Deserialize<ConversationTurn>(v.ToString(), s_json)!).ToList();
        var drop = MemoryRules.DropCount(list, Math.Max(0, maxTurns));
        return new Conversation(JsonSerializer.Deserialize<StoredConversation>(header.ToString(), s_json)!.ToInfo(list.Count), list[drop..]);
    }

    private async Task<List<ConversationTurn>> ReadTurnsAsync(RedisKey key) =>
        [.. (await Db.ListRangeAsync(key).ConfigureAwait(false)).Select(v => JsonSerializer.Deserialize<ConversationTurn>(v.ToString(), s_json)!)];

    /// <summary>Runs a store operation, turning a lost connection into an error the caller can read; nothing is half-written.</summary>
    private async Task<T> Run<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException
            || (ex is RedisServerException server && server.Message.StartsWith("LOADING", StringComparison.Ordinal)))
        {
            var endpoints = string.Join(", ", _redis.GetEndPoints().Select(e => e.ToString()));
            throw new LuminaException($"The memory store (Redis at {endpoints}) is unavailable; nothing was changed. Try again shortly.", ex);
        }
    }

    /// <summary>A user's keys: <c>prefix:{user}:…</c>, the user id escaped so no id can reach another's keys.</summary>
    private readonly struct UserKeys(string prefix, string userId)
    {
        private readonly string _root = $"{prefix}:{{{Uri.EscapeDataString(userId)}}}";

        public RedisKey Facts => $"{_root}:facts";

        public RedisKey Context => $"{_root}:context";

        public RedisKey Conversations => $"{_root}:conversations";

        public RedisKey Turns(string conversationId) => $"{_root}:turns:{Uri.EscapeDataString(conversationId)}";
    }

    /// <summary>A fact as Redis keeps it, with its vector when there is one.</summary>
    private sealed record RedisFact(string Id, string Text, IReadOnlyList<string> Tags, DateTimeOffset CreatedAt, float[]? Embedding)
    {
        public StoredFact ToStored() => new(new MemoryFact(Id, Text, Tags, CreatedAt), Embedding);
    }

    private sealed record StoredConversation(string Id, string Title, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public ConversationInfo ToInfo(int turnCount) => new(Id, Title, turnCount, CreatedAt, UpdatedAt);
    }
}
