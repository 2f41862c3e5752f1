using Lumina.Testing;

namespace Lumina.Host.Tests;

/// <summary>What a host loads is what it uses: the Redis client stays out of a host on the embedded store.</summary>
public sealed class StdioFootprintTests : IDisposable
{
    private const string RedisClient = "StackExchange.Redis.dll";

    /// <summary>An administrator, who may read the audit ledger.</summary>
    private const string Admin = "--Lumina:Auth:LocalRole=admin";

    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task EmbeddedStore_ServesStoresAndLedgerWithoutLoadingTheRedisClient()
    {
        await using var raw = await RawStdio.StartAsync(_data.Path, Admin);

        await RememberAndRecallAsync(raw);

        (await MappedFilesAsync(raw)).Should().NotContain(RedisClient);
    }

    [Fact]
    public async Task RedisStore_LoadsTheRedisClient()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var raw = await RawStdio.StartAsync(_data.Path, Admin, "--Lumina:Store=redis", $"--ConnectionStrings:redis={redis.ConnectionString}");

        await RememberAndRecallAsync(raw);

        (await MappedFilesAsync(raw)).Should().Contain(RedisClient);
        Directory.EnumerateFiles(_data.Path, "*.db*", SearchOption.AllDirectories).Should().BeEmpty("Lumina:Store=redis moves every store to Redis");
    }

    /// <summary>Calls through the stores a tool call touches (memory, rate limits, the audit ledger), then a read of the ledger.</summary>
    private static async Task RememberAndRecallAsync(RawStdio raw)
    {
        await raw.SendAsync("""{"jsonrpc":"2.0","id":"remember","method":"tools/call","params":{"name":"memory_remember","arguments":{"text":"The footprint test was here"}}}""");
        ((await raw.ReadResponseAsync("remember"))["result"]!["isError"]?.GetValue<bool>() ?? false).Should().BeFalse();
        await raw.SendAsync("""{"jsonrpc":"2.0","id":"recall","method":"tools/call","params":{"name":"memory_recall","arguments":{"query":"footprint"}}}""");
        var recalled = await raw.ReadResponseAsync("recall");
        recalled["result"]!["content"]!.AsArray().Select(c => c!["text"]?.GetValue<string>()).Should().Contain(t => t != null && t.Contains("footprint test", StringComparison.Ordinal));
        await raw.SendAsync("""{"jsonrpc":"2.0","id":"audit","method":"resources/read","params":{"uri":"lumina://audit/recent"}}""");
        var ledger = (await raw.ReadResponseAsync("audit"))["result"]!["contents"]![0]!["text"]!.GetValue<string>();
        ledger.Should().Contain("memory_remember").And.Contain("memory_recall");
    }

    private static async Task<string> MappedFilesAsync(RawStdio raw) =>
        await File.ReadAllTextAsync($"/proc/{raw.Process.Id}/maps");
}
