using System.Globalization;
using System.Threading.Channels;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>
/// The hostile probe of issue 13 against the real HTTP host: a guest's refused calls each leave a <c>denied</c> record
/// with its kind; made-up and overlong subscriptions are refused and hold no memory; the caps hold per session and in
/// total; Bob's session does not hear when Alice's memory changes.
/// </summary>
public sealed class RefusalAndSubscriptionHostileTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _data.Dispose();
    }

    private string DataArgument => $"--Lumina:DataDirectory={_data.Path}";

    [Fact]
    public async Task GuestRefusals_OverHttp_EachLeaveADeniedRecordWithItsKind()
    {
        await using (var host = await HttpHost.StartAsync(DataArgument, "--Lumina:Auth:AnonymousRole=guest"))
        {
            await using var guest = await ClientAsync(host, token: null);

            var call = await guest.CallToolAsync("memory_remember", new Dictionary<string, object?> { ["text"] = "guests cannot write" });
            var get = async () => await guest.GetPromptAsync("code_explain", new Dictionary<string, object?> { ["code"] = "x" });
            var subscribe = async () => await guest.SubscribeToResourceAsync("lumina://audit/recent");

            call.IsError.Should().BeTrue();
            ((TextContentBlock)call.Content.Single()).Text.Should().StartWith("Forbidden: memory_remember needs the 'write' permission");
            (await get.Should().ThrowAsync<McpProtocolException>()).Which.Message.Should().Contain("Forbidden: code_explain needs the 'execute' permission");
            (await subscribe.Should().ThrowAsync<McpProtocolException>()).Which.Message.Should().Contain("Forbidden: audit_recent needs the 'manage' permission");
            (await host.StopAsync()).Should().Be(0);
        }

        var (exitCode, stdout, stderr) = await LuminaProcess.RunAsync(["audit", "tail", "-n", "10", DataArgument]);

        exitCode.Should().Be(0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(3);
        lines[0].Should().Contain("anonymous (guest, http) memory_remember denied:Forbidden:tools/call ");
        lines[1].Should().Contain("anonymous (guest, http) code_explain denied:Forbidden:prompts/get ");
        lines[2].Should().Contain("anonymous (guest, http) audit_recent denied:Forbidden:resources/subscribe ");
    }

    [Fact]
    public async Task MadeUpLongUris_AreRefused_AndTheHostDoesNotGrow()
    {
        await using var host = await HttpHost.StartAsync(DataArgument, "--Lumina:Auth:AnonymousRole=guest");
        await using var guest = await ClientAsync(host, token: null);
        var refusals = 0;

        async Task SubscribeMadeUpAsync(int i)
        {
            // 1 MiB, and shaped like a real template's URI, so only the length check can refuse it.
            var uri = $"memory://conversations/{i}-" + new string('x', 1024 * 1024);
            var subscribe = async () => await guest.SubscribeToResourceAsync(uri);
            (await subscribe.Should().ThrowAsync<McpProtocolException>()).Which.Message.Should().Contain("at most 2048 are accepted (Lumina:Mcp:MaxResourceUriLength)");
            refusals++;
        }

        for (var i = 0; i < 20; i++)
        {
            await SubscribeMadeUpAsync(i);
        }

        var before = ResidentBytes(host);
        for (var i = 20; i < 320; i++)
        {
            await SubscribeMadeUpAsync(i);
        }

        var grown = ResidentBytes(host) - before;
        var smallMadeUp = async () => await guest.SubscribeToResourceAsync("made-up://probe/1");

        refusals.Should().Be(320);
        grown.Should().BeLessThan(128L * 1024 * 1024, "300 refused 1 MiB URIs are not kept (storing them held +732 MiB)");
        (await smallMadeUp.Should().ThrowAsync<McpProtocolException>()).Which.Message.Should().Contain("No resource matches 'made-up://probe/1'");
        await guest.SubscribeToResourceAsync("memory://facts");
    }

    [Fact]
    public async Task SubscriptionCaps_HoldPerSessionAndInTotal()
    {
        await using var host = await HttpHost.StartAsync(DataArgument, "--Lumina:Auth:AnonymousRole=user", "--Lumina:Mcp:MaxSubscriptionsPerSession=2", "--Lumina:Mcp:MaxSubscriptions=3");
        await using var first = await ClientAsync(host, token: null);
        await using var second = await ClientAsync(host, token: null);

        await first.SubscribeToResourceAsync("memory://conversations/1");
        await first.SubscribeToResourceAsync("memory://conversations/2");
        var thirdOfFirst = async () => await first.SubscribeToResourceAsync("memory://conversations/3");
        (await thirdOfFirst.Should().ThrowAsync<McpProtocolException>()).Which.Message.Should().Contain("already holds 2 resource subscriptions").And.Contain("Lumina:Mcp:MaxSubscriptionsPerSession");

        await second.SubscribeToResourceAsync("memory://conversations/1");
        var beyondTotal = async () => await second.SubscribeToResourceAsync("memory://conversations/2");
        (await beyondTotal.Should().ThrowAsync<McpProtocolException>()).Which.Message.Should().Contain("holds 3 resource subscriptions").And.Contain("Lumina:Mcp:MaxSubscriptions");

        await first.UnsubscribeFromResourceAsync("memory://conversations/1");
        await second.SubscribeToResourceAsync("memory://conversations/2");
    }

    [Fact]
    public async Task BobsSession_DoesNotHearOfAlicesMemoryChange()
    {
        await HttpAuth.AddUserAsync(_data.Path, "alice", "user");
        await HttpAuth.AddUserAsync(_data.Path, "bob", "user");
        await using var host = await HttpHost.StartAsync(DataArgument);
        var aliceHears = Channel.CreateUnbounded<string>();
        var bobHears = Channel.CreateUnbounded<string>();
        await using var alice = await ClientAsync(host, await HttpAuth.PasswordTokenAsync(_http, host, "alice"), aliceHears);
        await using var bob = await ClientAsync(host, await HttpAuth.PasswordTokenAsync(_http, host, "bob"), bobHears);
        foreach (var client in new[] { alice, bob })
        {
            await client.SubscribeToResourceAsync("memory://facts");
            await client.SubscribeToResourceAsync("memory://context");
        }

        // Bob hears his own change: his session's notifications flow.
        await bob.CallToolAsync("memory_set_context", new Dictionary<string, object?> { ["key"] = "k", ["value"] = "1" });
        (await NextAsync(bobHears)).Should().Be("memory://context");

        // Alice remembers something; she hears it, and the change was handed to every subscribed session.
        (await alice.CallToolAsync("memory_remember", new Dictionary<string, object?> { ["text"] = "Alice's surprise party is on Friday" })).IsError.Should().NotBe(true);
        (await NextAsync(aliceHears)).Should().Be("memory://facts");

        // Bob changes his context again. Had Alice's change reached him, it would have come first on his stream; the
        // client handles notifications concurrently, so all he heard is compared once his own came and a ping went round.
        await bob.CallToolAsync("memory_set_context", new Dictionary<string, object?> { ["key"] = "k", ["value"] = "2" });
        List<string> heard = [];
        while (!heard.Contains("memory://context"))
        {
            heard.Add(await NextAsync(bobHears));
        }

        await bob.PingAsync();
        while (bobHears.Reader.TryRead(out var late))
        {
            heard.Add(late);
        }

        heard.Should().Equal(["memory://context"], "Alice's memory change is not Bob's to hear");
    }

    private static async Task<string> NextAsync(Channel<string> heard) =>
        await heard.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));

    private static long ResidentBytes(HttpHost host)
    {
        var line = File.ReadLines($"/proc/{host.Process.Id}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    private static Task<McpClient> ClientAsync(HttpHost host, string? token, Channel<string>? updates = null)
    {
        var options = new McpClientOptions { ProtocolVersion = "2025-11-25" };
        if (updates is not null)
        {
            options.Handlers = new McpClientHandlers
            {
                NotificationHandlers =
                [
                    new(NotificationMethods.ResourceUpdatedNotification, (n, _) =>
                    {
                        updates.Writer.TryWrite(System.Text.Json.JsonSerializer.Deserialize<ResourceUpdatedNotificationParams>(n.Params)!.Uri);
                        return ValueTask.CompletedTask;
                    }),
                ],
            };
        }

        return token is null
            ? McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = host.McpEndpoint }), options)
            : HttpAuth.McpClientAsync(host, token, options);
    }
}
