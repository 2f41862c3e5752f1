using Lumina.Core.Tests.Memory;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>Two real hosts behind one real Redis share one memory: what host A remembers, host B recalls.</summary>
public sealed class TwoHostsTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task FactRememberedThroughHostA_IsRecalledThroughHostB()
    {
        string[] shared = ["--Lumina:Memory:Store=redis", $"--ConnectionStrings:redis={_redis.ConnectionString}"];
        await using var hostA = await HttpHost.StartAsync(shared);
        await using var hostB = await HttpHost.StartAsync(shared);
        await using var clientA = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = hostA.McpEndpoint }));
        await using var clientB = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = hostB.McpEndpoint }));

        var remembered = await clientA.CallToolAsync("memory_remember", new Dictionary<string, object?> { ["text"] = "The release train leaves every second Tuesday" });
        var recalled = await clientB.CallToolAsync("memory_recall", new Dictionary<string, object?> { ["query"] = "when does the release train leave" });

        remembered.IsError.Should().NotBe(true);
        hostA.BaseAddress.Port.Should().NotBe(hostB.BaseAddress.Port);
        string.Concat(recalled.Content.OfType<TextContentBlock>().Select(t => t.Text)).Should().Contain("every second Tuesday");
    }
}
