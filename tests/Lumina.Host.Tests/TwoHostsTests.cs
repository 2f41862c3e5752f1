using Lumina.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>Two real hosts behind one real Redis share one memory: what host A remembers, host B recalls.</summary>
public sealed class TwoHostsTests : IAsyncLifetime
{
    /// <summary>These clients present no credentials; remembering needs the write permission a guest lacks.</summary>
    private const string AnonymousUser = "--Lumina:Auth:AnonymousRole=user";

    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task FactRememberedThroughHostA_IsRecalledThroughHostB()
    {
        string[] shared = ["--Lumina:Memory:Store=redis", $"--ConnectionStrings:redis={_redis.ConnectionString}", AnonymousUser];
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

    [Fact]
    public async Task ResourceChangeOnHostA_NotifiesASubscriberOnHostB()
    {
        string[] shared = ["--Lumina:Memory:Store=redis", $"--ConnectionStrings:redis={_redis.ConnectionString}", AnonymousUser];
        await using var hostA = await HttpHost.StartAsync(shared);
        await using var hostB = await HttpHost.StartAsync(shared);
        var updated = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscriber = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = hostB.McpEndpoint }),
            new McpClientOptions
            {
                ProtocolVersion = "2025-11-25",
                Handlers = new McpClientHandlers
                {
                    NotificationHandlers =
                    [
                        new(NotificationMethods.ResourceUpdatedNotification, (n, _) =>
                        {
                            updated.TrySetResult(System.Text.Json.JsonSerializer.Deserialize<ResourceUpdatedNotificationParams>(n.Params)!.Uri);
                            return ValueTask.CompletedTask;
                        }),
                    ],
                },
            });
        await using var writer = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = hostA.McpEndpoint }));
        await subscriber.SubscribeToResourceAsync("memory://facts");

        await writer.CallToolAsync("memory_remember", new Dictionary<string, object?> { ["text"] = "Changes travel between hosts" });

        (await updated.Task.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be("memory://facts");
    }
}
