using System.Text.Json;
using Lumina.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Xunit.Abstractions;

namespace Lumina.Host.Tests;

/// <summary>
/// Two real hosts on one real Redis, one killed hard while calls are in flight: the other keeps serving, and nothing
/// either host acknowledged is lost — facts, identities, audit records — for it or for a host started after.
/// </summary>
public sealed class KillOneOfTwoHostsTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The switch that puts every shared store (memory, identities, audit) in Redis.</summary>
    private const string RedisStore = "--Lumina:Memory:Store=redis";

    private const int InFlight = 16;

    private readonly HttpClient _http = new();
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task HostAKilledMidCall_HostBKeepsServing_AndNothingAcknowledgedIsLost()
    {
        string[] store = [RedisStore, $"--ConnectionStrings:redis={_redis.ConnectionString}"];
        string[] shared =
        [
            .. store,
            // Anonymous callers may write, so the calls need no tokens; the users are checked by signing in.
            "--Lumina:Auth:AnonymousRole=user",
            // Each acknowledged call's audit record is committed before the answer (the buffered default loses the
            // records still queued when the process is killed, as AuditDurability.Buffered says).
            "--Lumina:Audit:Durability=Full",
            HttpAuth.SigningKeyArgument,
            "--Lumina:Auth:Issuer=http://lumina.test",
            "--Lumina:Auth:Resource=http://lumina.test/mcp",
        ];
        await using var hostA = await HttpHost.StartAsync(shared);
        await using var hostB = await HttpHost.StartAsync(shared);
        await HttpAuth.AddUserAsync(hostA.DataDirectory, "ada", "user", store);
        await HttpAuth.AddUserAsync(hostB.DataDirectory, "bob", "user", store);
        var clientA = await ClientAsync(hostA);
        await using var clientB = await ClientAsync(hostB);

        List<string> acknowledged = [];
        for (var i = 0; i < 3; i++)
        {
            acknowledged.Add(await RememberAsync(clientA, $"Fact {i} acknowledged by host A"));
            acknowledged.Add(await RememberAsync(clientB, $"Fact {i} acknowledged by host B"));
        }

        var sent = Enumerable.Range(0, InFlight).Select(i => $"Fact {i} in flight on host A").ToList();
        var calls = sent.Select(text => clientA.CallToolAsync("memory_remember", new Dictionary<string, object?> { ["text"] = text }).AsTask()).ToList();
        await Task.WhenAny(calls);
        hostA.Process.Kill(entireProcessTree: true);
        await hostA.Process.WaitForExitAsync();
        for (var i = 0; i < InFlight; i++)
        {
            try
            {
                // Bounded only so a call the kill left hanging fails the test instead of stalling it.
                if ((await calls[i].WaitAsync(TimeSpan.FromMinutes(1))).IsError != true)
                {
                    acknowledged.Add(sent[i]);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or McpException or IOException or OperationCanceledException)
            {
                // In flight at the kill: it may fail; what it left behind is checked below.
            }
        }

        output.WriteLine($"{acknowledged.Count(sent.Contains)} of the {InFlight} calls in flight at the kill were acknowledged.");
        await DisposeQuietlyAsync(clientA);

        // Host B keeps serving: a new call succeeds, and it sees every acknowledged fact, whole and once.
        acknowledged.Add(await RememberAsync(clientB, "Fact written through host B after the kill"));
        var factsB = await FactsAsync(clientB);
        factsB.Should().Contain(acknowledged);
        factsB.Should().OnlyHaveUniqueItems().And.OnlyContain(
            f => sent.Contains(f) || acknowledged.Contains(f), "a call cut off by the kill leaves its whole fact or none");
        await SignInAsync(hostB);
        var remembered = await VerifiedRememberRecordsAsync(hostA.DataDirectory, store);
        remembered.Should().BeGreaterThanOrEqualTo(acknowledged.Count, "every acknowledged call's record was committed before its answer");

        // A new host A' on the same Redis joins and sees it all.
        await using var hostA2 = await HttpHost.StartAsync(shared);
        await using var clientA2 = await ClientAsync(hostA2);
        (await FactsAsync(clientA2)).Should().BeEquivalentTo(factsB);
        await SignInAsync(hostA2);
        await RememberAsync(clientA2, "Fact written through host A' after it joined");
        (await VerifiedRememberRecordsAsync(hostA.DataDirectory, store)).Should().Be(remembered + 1);
    }

    private static Task<McpClient> ClientAsync(HttpHost host) =>
        McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = host.McpEndpoint }));

    private static async Task<string> RememberAsync(McpClient client, string text)
    {
        var result = await client.CallToolAsync("memory_remember", new Dictionary<string, object?> { ["text"] = text });
        result.IsError.Should().NotBe(true, string.Concat(result.Content.OfType<TextContentBlock>().Select(t => t.Text)));
        return text;
    }

    private static async Task<List<string>> FactsAsync(McpClient client)
    {
        var resource = await client.ReadResourceAsync("memory://facts");
        using var json = JsonDocument.Parse(((TextResourceContents)resource.Contents.Single()).Text);
        return [.. json.RootElement.EnumerateArray().Select(f => f.GetProperty("text").GetString()!)];
    }

    /// <summary>Both users, one added through each host's command line, can sign in through <paramref name="host"/>.</summary>
    private async Task SignInAsync(HttpHost host)
    {
        (await HttpAuth.PasswordTokenAsync(_http, host, "ada")).Should().NotBeNullOrEmpty();
        (await HttpAuth.PasswordTokenAsync(_http, host, "bob")).Should().NotBeNullOrEmpty();
    }

    /// <summary>
    /// Verifies the shared ledger's chain with <c>lumina audit verify</c>, against the head mark the killed host left in
    /// <paramref name="dataDirectory"/> (a mark ahead of the ledger would mean records it committed are gone); the
    /// number of successful remember records.
    /// </summary>
    private static async Task<int> VerifiedRememberRecordsAsync(string dataDirectory, string[] store)
    {
        var (verifyExit, verifyOut, verifyError) = await LuminaProcess.RunAsync(["audit", "verify", $"--Lumina:DataDirectory={dataDirectory}", .. store]);
        var (tailExit, tailOut, tailError) = await LuminaProcess.RunAsync(["audit", "tail", "-n", "1000", $"--Lumina:DataDirectory={dataDirectory}", .. store]);

        verifyExit.Should().Be(0, verifyOut + verifyError);
        verifyOut.Should().StartWith("audit ledger intact: ");
        tailExit.Should().Be(0, tailError);
        return tailOut.Split('\n').Count(l => l.Contains(" memory_remember ok ", StringComparison.Ordinal));
    }

    private static async Task DisposeQuietlyAsync(McpClient client)
    {
        try
        {
            await client.DisposeAsync();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            // Its host is gone: ending the session cannot reach it.
        }
    }
}
