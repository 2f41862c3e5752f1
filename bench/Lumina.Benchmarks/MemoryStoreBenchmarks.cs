using BenchmarkDotNet.Attributes;
using Lumina.Abstractions.Memory;
using Lumina.Core.Memory;
using Lumina.Storage.Redis;
using Lumina.Storage.Sqlite;
using Lumina.Testing;
using Microsoft.Data.Sqlite;
using StackExchange.Redis;

namespace Lumina.Benchmarks;

/// <summary>
/// Remember and recall on each store, against the store's raw write as the baseline (an INSERT for SQLite, an HSET for
/// Redis): the ratio is what Lumina's rules, serialisation and ranking cost on top of the store itself.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
public class MemoryStoreBenchmarks
{
    private string _folder = null!;
    private RedisServer? _redisServer;
    private ConnectionMultiplexer? _redis;
    private ILuminaMemory _memory = null!;
    private SqliteConnection? _raw;
    private int _counter;

    [Params("sqlite", "redis")]
    public string Store { get; set; } = "sqlite";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _folder = Directory.CreateTempSubdirectory("lumina-bench-").FullName;
        var options = new MemoryOptions { MaxFactsPerUser = 1_000_000 };
        if (Store == "redis")
        {
            _redisServer = await RedisServer.StartAsync();
            _redis = await ConnectionMultiplexer.ConnectAsync(_redisServer.ConnectionString);
            _memory = new RedisMemory(_redis, "lumina", options, TimeProvider.System);
        }
        else
        {
            var path = Path.Combine(_folder, "memory.db");
            _memory = new SqliteMemory(path, options, TimeProvider.System);
            _raw = new SqliteConnection($"Data Source={path}");
            _raw.Open();
            using var create = _raw.CreateCommand();
            create.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS raw(id TEXT PRIMARY KEY, text TEXT)";
            create.ExecuteNonQuery();
        }

        // A realistic recall: 200 facts to rank.
        for (var i = 0; i < 200; i++)
        {
            await _memory.RememberAsync("reader", $"Fact {i} about build servers, deployments and the team's habits number {i % 17}", ["bench"]);
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _raw?.Dispose();
        SqliteConnection.ClearAllPools();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_redisServer is not null)
        {
            await _redisServer.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "raw store write")]
    public async Task RawWrite()
    {
        var id = Interlocked.Increment(ref _counter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (_redis is not null)
        {
            await _redis.GetDatabase().HashSetAsync("bench:raw", id, "a fact to remember");
            return;
        }

        await using var command = _raw!.CreateCommand();
        command.CommandText = "INSERT INTO raw(id, text) VALUES($id, $t)";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$t", "a fact to remember");
        await command.ExecuteNonQueryAsync();
    }

    [Benchmark(Description = "remember")]
    public Task Remember() => _memory.RememberAsync($"writer{Interlocked.Increment(ref _counter) % 50}", "a fact to remember", ["bench"]);

    [Benchmark(Description = "recall (200 facts)")]
    public Task Recall() => _memory.RecallAsync("reader", "deployments habits", 5);
}
