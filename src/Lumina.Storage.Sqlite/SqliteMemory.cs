using System.Text.Json;
using Lumina.Abstractions.Memory;
using Microsoft.Data.Sqlite;
using static Lumina.Storage.Sqlite.SqliteDatabase;

using Lumina.Core.Memory;

namespace Lumina.Storage.Sqlite;

/// <summary>
/// Memory in an embedded SQLite file (WAL, so concurrent readers and a writer get along). Works on a laptop with no
/// server; survives restarts.
/// </summary>
public sealed class SqliteMemory : ILuminaMemory
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS facts(id TEXT PRIMARY KEY, user_id TEXT NOT NULL, text TEXT NOT NULL, tags TEXT NOT NULL, created_at INTEGER NOT NULL, embedding BLOB);
        CREATE INDEX IF NOT EXISTS facts_by_user ON facts(user_id, created_at);
        CREATE TABLE IF NOT EXISTS context(user_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY(user_id, key));
        CREATE TABLE IF NOT EXISTS conversations(user_id TEXT NOT NULL, id TEXT NOT NULL, title TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY(user_id, id));
        CREATE TABLE IF NOT EXISTS turns(user_id TEXT NOT NULL, conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, role TEXT NOT NULL, content TEXT NOT NULL, at INTEGER NOT NULL, tool_call_id TEXT, PRIMARY KEY(user_id, conversation_id, seq));
        """;

    private readonly SqliteDatabase _database;
    private readonly MemoryOptions _options;
    private readonly TimeProvider _time;
    private readonly FactEmbedder _embedder;

    public SqliteMemory(string path, MemoryOptions options, TimeProvider time, FactEmbedder? embedder = null)
    {
        _embedder = embedder ?? new FactEmbedder();
        _options = options;
        _time = time;
        _database = new SqliteDatabase(path, "memory", Schema);
        using var connection = _database.Open();
        SqliteDatabase.AddColumnIfMissing(connection, "facts", "embedding", "BLOB");
    }

    public async Task<MemoryFact> RememberAsync(string userId, string text, IReadOnlyList<string> tags, CancellationToken cancellationToken = default)
    {
        MemoryRules.User(userId);
        var fact = new MemoryFact(MemoryRules.NewId(), MemoryRules.Fact(text, _options), MemoryRules.Tags(tags), _time.GetUtcNow());
        var embedding = await _embedder.EmbedAsync(fact.Text, cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        MemoryRules.FactCount(await ScalarAsync(connection, "SELECT COUNT(*) FROM facts WHERE user_id=$u", cancellationToken, ("$u", userId)).ConfigureAwait(false), _options);
        await ExecuteAsync(
            connection,
            "INSERT INTO facts(id, user_id, text, tags, created_at, embedding) VALUES($id, $u, $t, $g, $c, $e)",
            cancellationToken,
            ("$id", fact.Id), ("$u", userId), ("$t", fact.Text), ("$g", JsonSerializer.Serialize(fact.Tags)), ("$c", fact.CreatedAt.ToUnixTimeMilliseconds()),
            ("$e", embedding is null ? DBNull.Value : System.Runtime.InteropServices.MemoryMarshal.AsBytes(embedding.AsSpan()).ToArray())).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return fact;
    }

    public async Task<IReadOnlyList<RecalledFact>> RecallAsync(string userId, string query, int limit, IReadOnlyList<string>? tags = null, CancellationToken cancellationToken = default)
    {
        MemoryRules.User(userId);
        var wanted = MemoryRules.Tags(tags);
        var facts = (await ReadStoredFactsAsync(userId, int.MaxValue, cancellationToken).ConfigureAwait(false))
            .Where(f => wanted.All(f.Fact.Tags.Contains))
            .ToList();
        var queryEmbedding = await _embedder.EmbedAsync(query, cancellationToken).ConfigureAwait(false);
        return FactRanker.Rank(facts, query, queryEmbedding, limit);
    }

    public async Task<bool> ForgetAsync(string userId, string factId, CancellationToken cancellationToken = default)
    {
        MemoryRules.User(userId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(connection, "DELETE FROM facts WHERE user_id=$u AND id=$id", cancellationToken, ("$u", userId), ("$id", factId)).ConfigureAwait(false) > 0;
    }

    public async Task<IReadOnlyList<MemoryFact>> ListFactsAsync(string userId, int limit, CancellationToken cancellationToken = default)
    {
        MemoryRules.User(userId);
        return [.. (await ReadStoredFactsAsync(userId, limit, cancellationToken).ConfigureAwait(false)).Select(f => f.Fact)];
    }

    public async Task<ContextValue?> GetContextAsync(string userId, string key, CancellationToken cancellationToken = default)
    {
        MemoryRules.User(userId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT key, value, updated_at FROM context WHERE user_id=$u AND key=$k", ("$u", userId), ("$k", key));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadContext(reader) : null;
    }

    public async Task<ContextValue> SetContextAsync(string userId, string key, string value, CancellationToken cancellationToken = default)
    {
        MemoryRules.User(userId);
        MemoryRules.Context(key, value, _options);
        var result = new ContextValue(key, value, _time.GetUtcNow());
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var exists = await ScalarAsync(connection, "SELECT COUNT(*) FROM context WHERE user_id=$u AND key=$k", cancellationToken, ("$u", userId), ("$k", key)).ConfigureAwait(false) > 0;
        if (!exists)
        {
            MemoryRules.ContextCount(await ScalarAsync(connection, "SELECT COUNT(*) FROM context WHERE user_id=$u", cancellationToken, ("$u", userId)).ConfigureAwait(false), _options);
        }

        await ExecuteAsync(
            connection,
            "INSERT INTO context(user_id, key, value, updated_at) VALUES($u, $k, $v, $t) ON CONFLICT(user_id, key) DO UPDATE SET value=excluded.value, updated_at=excluded.updated_at",
            cancellationToken,
            ("$u", userId), ("$k", key), ("$v", value), ("$t", result.UpdatedAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    public async Task<bool> DeleteContextAsync(string userId, string key, CancellationToken cancellationToken = default)
    {
        MemoryRules.User(userId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(connection, "DELETE FROM context WHERE user_id=$u AND key=$k", cancellationToken, ("$u", userId), ("$k", key)).ConfigureAwait(false) > 0;
    }

    public async Task<IReadOnlyList<ContextValue>> ListContextAsync(string userId, CancellationToken cancellationToken = default)
    {
        MemoryRules.User(userId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT key, value, updated_at FROM context WHERE user_id=$u ORDER BY key", ("$u", userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var values = new List<ContextValue>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            values.Add(ReadContext(reader));
        }

        return values;
    }

    public async Task<ConversationInfo> AppendAsync(string userId, string conversationId, IReadOnlyList<ConversationTurn> turns, CancellationToken cancellationToken = default)
    {
        MemoryRules.User(userId);
        MemoryRules.ConversationId(conversationId);
        MemoryRules.Turns(turns, _options);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var exists = await ScalarAsync(connection, "SELECT COUNT(*) FROM conversations WHERE user_id=$u AND id=$c", cancellationToken, ("$u", userId), ("$c", conversationId)).ConfigureAwait(false) > 0;
        if (!exists)
        {
            MemoryRules.ConversationCount(await ScalarAsync(connection, "SELECT COUNT(*) FROM conversations WHERE user_id=$u", cancellationToken, ("$u", userId)).ConfigureAwait(false), _options);
            await ExecuteAsync(
                connection,
                "INSERT INTO conversations(user_id, id, title, created_at, updated_at) VALUES($u, $c, $t, $n, $n)",
                cancellationToken,
                ("$u", userId), ("$c", conversationId), ("$t", MemoryRules.Title(turns)), ("$n", now)).ConfigureAwait(false);
        }

        var next = await ScalarAsync(connection, "SELECT COALESCE(MAX(seq), 0) FROM turns WHERE user_id=$u AND conversation_id=$c", cancellationToken, ("$u", userId), ("$c", conversationId)).ConfigureAwait(false);
        foreach (var turn in turns)
        {
            await ExecuteAsync(
                connection,
                "INSERT INTO turns(user_id, conversation_id, seq, role, content, at, tool_call_id) VALUES($u, $c, $s, $r, $x, $a, $i)",
                cancellationToken,
                ("$u", userId), ("$c", conversationId), ("$s", ++next), ("$r", turn.Role.ToString()), ("$x", turn.Content), ("$a", turn.At.ToUnixTimeMilliseconds()), ("$i", (object?)turn.ToolCallId ?? DBNull.Value)).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, "UPDATE conversations SET updated_at=$n WHERE user_id=$u AND id=$c", cancellationToken, ("$n", now), ("$u", userId), ("$c", conversationId)).ConfigureAwait(false);
        var all = await ReadTurnsAsync(connection, userId, conversationId, cancellationToken).ConfigureAwait(false);
        var drop = MemoryRules.DropCount([.. all.Select(t => t.Turn)], _options.MaxTurnsPerConversation);
        if (drop > 0)
        {
            await ExecuteAsync(connection, "DELETE FROM turns WHERE user_id=$u AND conversation_id=$c AND seq<=$s", cancellationToken, ("$u", userId), ("$c", conversationId), ("$s", all[drop - 1].Seq)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (await InfoAsync(connection, userId, conversationId, cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<Conversation?> GetConversationAsync(string userId, string conversationId, int maxTurns, CancellationToken cancellationToken = default)
    {
        MemoryRules.User(userId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var info = await InfoAsync(connection, userId, conversationId, cancellationToken).ConfigureAwait(false);
        if (info is null)
        {
            return null;
        }

        var turns = (await ReadTurnsAsync(connection, userId, conversationId, cancellationToken).ConfigureAwait(false)).Select(t => t.Turn).ToList();
        var drop = MemoryRules.DropCount(turns, Math.Max(0, maxTurns));
        return new Conversation(info, turns[drop..]);
    }

    public async Task<IReadOnlyList<ConversationInfo>> ListConversationsAsync(string userId, int limit, CancellationToken cancellationToken = default)
    {
        MemoryRules.User(userId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            "SELECT c.id, c.title, (SELECT COUNT(*) FROM turns t WHERE t.user_id=c.user_id AND t.conversation_id=c.id), c.created_at, c.updated_at FROM conversations c WHERE c.user_id=$u ORDER BY c.updated_at DESC, c.id LIMIT $l",
            ("$u", userId), ("$l", Math.Max(0, limit)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<ConversationInfo>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(ReadInfo(reader));
        }

        return list;
    }

    public async Task<bool> DeleteConversationAsync(string userId, string conversationId, CancellationToken cancellationToken = default)
    {
        MemoryRules.User(userId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var deleted = await ExecuteAsync(connection, "DELETE FROM conversations WHERE user_id=$u AND id=$c", cancellationToken, ("$u", userId), ("$c", conversationId)).ConfigureAwait(false) > 0;
        await ExecuteAsync(connection, "DELETE FROM turns WHERE user_id=$u AND conversation_id=$c", cancellationToken, ("$u", userId), ("$c", conversationId)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    public async Task ReplaceOldestAsync(string userId, string conversationId, int count, ConversationTurn summary, CancellationToken cancellationToken = default)
    {
        MemoryRules.User(userId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var all = await ReadTurnsAsync(connection, userId, conversationId, cancellationToken).ConfigureAwait(false);
        var drop = MemoryRules.DropCount([.. all.Select(t => t.Turn)], all.Count - Math.Clamp(count, 0, all.Count));
        if (drop == 0)
        {
            return;
        }

        var seq = all[drop - 1].Seq;
        await ExecuteAsync(connection, "DELETE FROM turns WHERE user_id=$u AND conversation_id=$c AND seq<=$s", cancellationToken, ("$u", userId), ("$c", conversationId), ("$s", seq)).ConfigureAwait(false);
        await ExecuteAsync(
            connection,
            "INSERT INTO turns(user_id, conversation_id, seq, role, content, at, tool_call_id) VALUES($u, $c, $s, $r, $x, $a, NULL)",
            cancellationToken,
            ("$u", userId), ("$c", conversationId), ("$s", seq), ("$r", summary.Role.ToString()), ("$x", summary.Content), ("$a", summary.At.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> ForgetAllAsync(string userId, CancellationToken cancellationToken = default)
    {
        MemoryRules.User(userId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var erased = 0;
        foreach (var table in new[] { "facts", "context", "conversations" })
        {
            erased += await ExecuteAsync(connection, $"DELETE FROM {table} WHERE user_id=$u", cancellationToken, ("$u", userId)).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, "DELETE FROM turns WHERE user_id=$u", cancellationToken, ("$u", userId)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return erased;
    }

    private async Task<List<StoredFact>> ReadStoredFactsAsync(string userId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT id, text, tags, created_at, embedding FROM facts WHERE user_id=$u ORDER BY created_at DESC, id DESC LIMIT $l", ("$u", userId), ("$l", Math.Max(0, limit)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var facts = new List<StoredFact>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var fact = new MemoryFact(
                reader.GetString(0),
                reader.GetString(1),
                JsonSerializer.Deserialize<string[]>(reader.GetString(2)) ?? [],
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)));
            var embedding = reader.IsDBNull(4) ? null : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(((byte[])reader.GetValue(4)).AsSpan()).ToArray();
            facts.Add(new StoredFact(fact, embedding));
        }

        return facts;
    }

    private static async Task<List<(long Seq, ConversationTurn Turn)>> ReadTurnsAsync(SqliteConnection connection, string userId, string conversationId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT seq, role, content, at, tool_call_id FROM turns WHERE user_id=$u AND conversation_id=$c ORDER BY seq", ("$u", userId), ("$c", conversationId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var turns = new List<(long, ConversationTurn)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            turns.Add((reader.GetInt64(0), new ConversationTurn(
                Enum.Parse<TurnRole>(reader.GetString(1)),
                reader.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                reader.IsDBNull(4) ? null : reader.GetString(4))));
        }

        return turns;
    }

    private static async Task<ConversationInfo?> InfoAsync(SqliteConnection connection, string userId, string conversationId, CancellationToken cancellationToken)
    {
        await using var command = Command(
            connection,
            "SELECT c.id, c.title, (SELECT COUNT(*) FROM turns t WHERE t.user_id=c.user_id AND t.conversation_id=c.id), c.created_at, c.updated_at FROM conversations c WHERE c.user_id=$u AND c.id=$c",
            ("$u", userId), ("$c", conversationId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadInfo(reader) : null;
    }

    private static ConversationInfo ReadInfo(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetInt32(2),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));

    private static ContextValue ReadContext(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)));

    /// <summary>The file, for the readiness check.</summary>
    internal SqliteDatabase Database => _database;

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _database.OpenAsync(cancellationToken);
}
