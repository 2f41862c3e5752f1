using System.Net;

namespace Lumina.Host.Tests;

/// <summary>
/// A call's stream cut mid-call (the tool releases it for polling) and resumed with <c>Last-Event-ID</c>, against the
/// real host. The gated fixture tool returns only when the test opens its gate, so the order of events is the test's.
/// </summary>
public sealed class HttpStreamResumptionTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task StreamCutMidCall_ResumedWithLastEventId_DeliversTheResultWhenItComes()
    {
        await using var host = await StartHostAsync();
        var session = await RawMcpSession.StartAsync(_http, host.McpEndpoint);
        var gate = Guid.NewGuid().ToString("N");

        var cut = await CallGatedAsync(session, 7, gate);
        var waiting = host.WaitForLogLineAsync(l => l.Contains("Resumed stream 7 has no new event yet", StringComparison.Ordinal));
        var resumed = ResumeAsync(session, cut[^1].EventId!);
        // The reconnection has reached the store and found nothing yet: the result does not exist before the gate opens.
        await waiting.WaitAsync(Patience);
        using (var open = await session.SendAsync(RawMcpSession.CallTool(8, "test_open_gate", gate), RawMcpSession.NegotiatedVersion))
        {
            RawMcpSession.Answer(await RawMcpSession.ReadEventsAsync(open), 8)!["result"].Should().NotBeNull();
        }

        var events = await resumed.WaitAsync(Patience);

        var answer = RawMcpSession.Answer(events, 7);
        answer.Should().NotBeNull("the reconnection is held open until the call's result is written");
        answer!["result"]!["content"]![0]!["text"]!.GetValue<string>().Should().Be($"Gate {gate} opened.");
    }

    [Fact]
    public async Task ResumedStream_OfACallStillRunning_EndsAfterResumeWait_AndTheNextPollGetsTheResult()
    {
        await using var host = await StartHostAsync("--Lumina:Http:ResumeWait=00:00:01");
        var session = await RawMcpSession.StartAsync(_http, host.McpEndpoint);
        var gate = Guid.NewGuid().ToString("N");
        var cut = await CallGatedAsync(session, 7, gate);

        // The gate stays shut: the wait is bounded, so the reconnection ends without the result.
        var first = await ResumeAsync(session, cut[^1].EventId!).WaitAsync(Patience);
        using (var open = await session.SendAsync(RawMcpSession.CallTool(8, "test_open_gate", gate), RawMcpSession.NegotiatedVersion))
        {
            RawMcpSession.Answer(await RawMcpSession.ReadEventsAsync(open), 8)!["result"].Should().NotBeNull();
        }

        var second = await ResumeAsync(session, cut[^1].EventId!).WaitAsync(Patience);

        RawMcpSession.Answer(first, 7).Should().BeNull();
        await host.WaitForLogLineAsync(l => l.Contains("Resumed stream 7 ended while its call runs on", StringComparison.Ordinal)).WaitAsync(Patience);
        RawMcpSession.Answer(second, 7)!["result"]!["content"]![0]!["text"]!.GetValue<string>().Should().Be($"Gate {gate} opened.");
    }

    [Fact]
    public async Task ResumeWait_OutOfRange_IsAConfigurationError()
    {
        using var data = new TempDirectory();

        var (exitCode, _, stderr) = await LuminaProcess.RunAsync(
            $"--Lumina:DataDirectory={data.Path}", "--http", "--urls", "http://127.0.0.1:0", "--Lumina:Http:ResumeWait=-00:00:01");

        exitCode.Should().Be(2);
        stderr.Should().Contain("Lumina:Http:ResumeWait");
    }

    private static Task<HttpHost> StartHostAsync(params string[] more) => HttpHost.StartAsync(
    [
        $"--Lumina:Plugins:Directories:0={LuminaProcess.ConformancePluginDirectory}",
        "--Lumina:Auth:AnonymousRole=user",
        "--Logging:LogLevel:Lumina.Host.Http.MemoryEventStreamStore=Debug",
        .. more,
    ]);

    /// <summary>Calls the gated tool; its POST stream ends (released) with the priming and retry events and no result.</summary>
    private static async Task<List<System.Net.ServerSentEvents.SseItem<string>>> CallGatedAsync(RawMcpSession session, int id, string gate)
    {
        using var response = await session.SendAsync(RawMcpSession.CallTool(id, "test_reconnection_gated", gate), RawMcpSession.NegotiatedVersion);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var events = await RawMcpSession.ReadEventsAsync(response);
        RawMcpSession.Answer(events, id).Should().BeNull("the tool released the stream before it could answer");
        events[^1].ReconnectionInterval.Should().Be(TimeSpan.FromMilliseconds(500));
        events[^1].EventId.Should().NotBeNullOrEmpty();
        return events;
    }

    private static async Task<List<System.Net.ServerSentEvents.SseItem<string>>> ResumeAsync(RawMcpSession session, string lastEventId)
    {
        using var response = await session.ResumeAsync(lastEventId);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await RawMcpSession.ReadEventsAsync(response);
    }
}
