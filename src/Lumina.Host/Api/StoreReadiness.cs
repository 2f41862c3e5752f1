using Lumina.Core;
using Lumina.Core.Configuration;
using Lumina.Core.Memory;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Lumina.Host.Api;

/// <summary>
/// Whether the store this host keeps its state in answers now: the SQLite files open and answer a query, or Redis
/// answers PING. <c>GET /readyz</c> asks it, so a load balancer stops sending work to a host whose store is gone.
/// </summary>
internal sealed partial class StoreReadiness(IServiceProvider services, IOptions<MemoryOptions> memory, IOptions<LuminaOptions> lumina, TimeProvider time, ILogger<StoreReadiness> logger)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(3);

    /// <summary>The reason the store is not ready, or <see langword="null"/> when it is.</summary>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(s_timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return string.Equals(memory.Value.Store, "redis", StringComparison.OrdinalIgnoreCase)
                ? await CheckRedisAsync(linked.Token).ConfigureAwait(false)
                : await CheckSqliteAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return $"The store did not answer within {s_timeout.TotalSeconds:0} s.";
        }
    }

    private async Task<string?> CheckRedisAsync(CancellationToken cancellationToken)
    {
        var redis = services.GetRequiredService<RedisConnection>().Multiplexer;
        if (!redis.IsConnected)
        {
            return "Redis is not connected.";
        }

        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogNotReady("redis", ex);
            return "Redis did not answer PING.";
        }
    }

    private async Task<string?> CheckSqliteAsync(CancellationToken cancellationToken)
    {
        // The identity store makes auth.db on first use; make sure it had its chance before the file is looked for.
        _ = services.GetRequiredService<Lumina.Core.Auth.ILuminaIdentityStore>();
        foreach (var file in new[] { "memory.db", "auth.db" })
        {
            var path = Path.Combine(lumina.Value.DataDirectory, file);
            try
            {
                await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT count(*) FROM sqlite_master";
                await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException ex)
            {
                LogNotReady(file, ex);
                return $"The SQLite store {file} cannot be opened for writing.";
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not ready: the {Store} store failed its check.")]
    private partial void LogNotReady(string store, Exception exception);
}
