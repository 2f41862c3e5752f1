using System.Text;

namespace Lumina.Host.Tests;

/// <summary>
/// Issue 5, item 7: a corpus of over 1,000 malformed or hostile JSON-RPC requests, over stdio and HTTP, each answered
/// with an error, and the host keeps serving afterwards.
/// </summary>
/// <remarks>
/// The single-frame tests share a host per transport (<see cref="SharedRawStdio"/>, <see cref="AnonymousUserHost"/>);
/// the corpus runs, which pass their own arguments, and the harness tests, which kill their host, start their own.
/// </remarks>
public sealed class HostileCorpusTests(SharedRawStdio stdio, HostileCorpusTests.AnonymousUserHost anonymous)
    : IClassFixture<SharedRawStdio>, IClassFixture<HostileCorpusTests.AnonymousUserHost>, IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Corpus_IsLargeDistinctAndTheSameEveryRun()
    {
        var items = HostileCorpus.Items;

        items.Should().HaveCountGreaterThanOrEqualTo(1000);
        items.Select(i => Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(i.Lines.SelectMany(l => l).ToArray()))).Should().OnlyHaveUniqueItems();
        items.Select(i => i.Category).Distinct().Should().HaveCountGreaterThanOrEqualTo(12);
        Fingerprint(HostileCorpus.Generate()).Should().Be(Fingerprint(items), "a fixed seed and no machine state");
        items.Should().OnlyContain(i => i.Lines.All(l => Array.IndexOf(l, (byte)'\n') < 0), "one line is one message");
    }

    [Fact]
    public async Task Stdio_EveryHostileItemIsAnsweredWithAnErrorAndTheHostKeepsServing()
    {
        await using var runner = await StdioCorpusRunner.StartAsync(_data.Path);
        await runner.WaitReadyAsync();

        await runner.RunAsync(HostileCorpus.Items.Where(HostileCorpus.IsBeforeInitialize), initialized: false);
        await runner.InitializeAsync();
        await runner.RunAsync(HostileCorpus.Items.Where(i => !HostileCorpus.IsBeforeInitialize(i)));

        runner.Failures.Should().BeEmpty(Report(runner.Failures));
        runner.Process.HasExited.Should().BeFalse();
    }

    [Fact]
    public async Task Http_EveryHostileItemIsAnsweredWithAnErrorAndTheHostKeepsServing()
    {
        await using var host = await HttpHost.StartAsync("--Lumina:Auth:AnonymousRole=user", StdioCorpusRunner.NoRateLimit, $"--Lumina:Http:MaxRequestBodyBytes={HostileCorpus.MaxMessageBytes}");
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var runner = new HttpCorpusRunner(host.McpEndpoint, http);

        await runner.RunAsync(HostileCorpus.Items.Where(HostileCorpus.IsBeforeInitialize), HttpCorpusMode.NoSession);
        await runner.OpenSessionAsync();
        await runner.RunAsync(HostileCorpus.Items, HttpCorpusMode.Session);
        await runner.RunAsync(HostileCorpus.Items, HttpCorpusMode.Stateless);

        runner.Failures.Should().BeEmpty(Report(runner.Failures));
        host.Process.HasExited.Should().BeFalse();
    }

    /// <summary>
    /// Found by the corpus: text that is not valid UTF-8 or UTF-16 inside the envelope (jsonrpc, method, id) made the
    /// stdin guard throw while reading it, which stopped the guard (and with it every later reply).
    /// </summary>
    [Theory]
    [InlineData(new byte[] { 0xFF }, "jsonrpc", -32700, "null")]
    [InlineData(new byte[] { 0xC0, 0xAF }, "jsonrpc", -32700, "null")]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, "method", -32700, "null")]
    [InlineData(new byte[] { (byte)'\\', (byte)'u', (byte)'D', (byte)'8', (byte)'0', (byte)'0' }, "method", -32600, "1")]
    [InlineData(new byte[] { (byte)'\\', (byte)'u', (byte)'D', (byte)'C', (byte)'0', (byte)'0' }, "jsonrpc", -32600, "1")]
    [InlineData(new byte[] { (byte)'\\', (byte)'u', (byte)'D', (byte)'8', (byte)'3', (byte)'D' }, "id", -32600, "null")]
    public async Task InvalidTextInTheEnvelope_IsAnsweredAndTheServerKeepsServing(byte[] bad, string field, int code, string id)
    {
        var raw = await stdio.SessionAsync();
        var line = field switch
        {
            "jsonrpc" => Bytes("{\"jsonrpc\":\"2.0", bad, "\",\"id\":1,\"method\":\"ping\"}"),
            "method" => Bytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pi", bad, "ng\"}"),
            _ => Bytes("{\"jsonrpc\":\"2.0\",\"id\":\"", bad, "\",\"method\":\"ping\"}"),
        };

        await raw.Process.StandardInput.BaseStream.WriteAsync(line);
        await raw.Process.StandardInput.BaseStream.FlushAsync();
        var error = await raw.ReadAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await raw.SendAsync("""{"jsonrpc":"2.0","id":"after","method":"ping"}""");

        // Invalid UTF-8 is not JSON text: a parse error, id null. An escaped lone surrogate is valid JSON but not text:
        // an invalid request, answered to the id when the id itself is readable. Either way the server keeps serving.
        error["error"]!["code"]!.GetValue<int>().Should().Be(code);
        (error["id"]?.ToJsonString() ?? "null").Should().Be(id);
        (await raw.ReadResponseAsync("after").WaitAsync(TimeSpan.FromSeconds(10)))["result"].Should().NotBeNull();
    }

    /// <summary>
    /// Issue 13: a POST with an empty Content-Type got an empty 500. Every body not declared as UTF-8 JSON gets 415 and a
    /// JSON-RPC error saying what to send, and a well-declared request still works after.
    /// </summary>
    [Fact]
    public async Task Http_ContentTypeThatIsNotUtf8Json_Is415WithAJsonRpcError()
    {
        var host = anonymous.Host;
        using var http = new HttpClient();
        var body = """{"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"time_now","arguments":{}}}"""u8.ToArray();
        string?[] contentTypes = [null, "", ";", " ", "application/json; charset=utf-16", "application/json; charset=iso-8859-1", "application/json; charset=\"utf-8\"", "application/json; charset=utf8", "multipart/form-data; boundary=x", "text/plain", "application/x-www-form-urlencoded", "application/jsonx", "garbage/"];
        var failures = new List<string>();

        foreach (var contentType in contentTypes)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, host.McpEndpoint) { Content = new ByteArrayContent(body) };
            request.Headers.Accept.ParseAdd("application/json, text/event-stream");
            request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != 415 || !text.Contains("\"code\":-32600", StringComparison.Ordinal) || !text.Contains("application/json", StringComparison.Ordinal))
            {
                failures.Add($"Content-Type {(contentType is null ? "(none)" : $"'{contentType}'")}: {(int)response.StatusCode} {text}");
            }
        }

        failures.Should().BeEmpty();
        var runner = new HttpCorpusRunner(host.McpEndpoint, http);
        await runner.OpenSessionAsync();
        foreach (var accepted in new[] { "Application/JSON; charset=UTF-8", "application/json;charset=utf-8", "application/json" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, host.McpEndpoint) { Content = new ByteArrayContent(body) };
            request.Headers.Accept.ParseAdd("application/json, text/event-stream");
            request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
            request.Headers.Add("Mcp-Session-Id", runner.SessionId);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", accepted);
            using var response = await http.SendAsync(request);
            ((int)response.StatusCode).Should().Be(200, $"'{accepted}' is UTF-8 JSON: {await response.Content.ReadAsStringAsync()}");
        }

        await runner.CheckAliveAsync("after the media types", HttpCorpusMode.Session);
        runner.Failures.Should().BeEmpty();
    }

    /// <summary>
    /// Issue 13: over HTTP a string that is not text (an escaped lone surrogate) got a 500 or -32603. It gets 400 and a
    /// JSON-RPC error with the request's id, naming the place.
    /// </summary>
    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":\"t\",\"method\":\"tools/call\",\"params\":{\"name\":\"time_now\",\"arguments\":{\"timeZone\":\"\\ud800\"}}}", "\"t\"", -32602, "params.arguments.timeZone")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"\\ud800\":1}", "3", -32600, "member name")]
    [InlineData("{\"\\ud800\":1}", "null", -32600, "member name")]
    public async Task Http_StringThatIsNotText_IsAJsonRpcErrorNamingThePlace(string body, string id, int code, string named)
    {
        var host = anonymous.Host;
        using var http = new HttpClient();
        var runner = new HttpCorpusRunner(host.McpEndpoint, http);
        await runner.OpenSessionAsync();

        using var response = await runner.PostAsync(Encoding.UTF8.GetBytes(body), HttpCorpusMode.Session, CancellationToken.None);
        var reply = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        ((int)response.StatusCode).Should().Be(400);
        (reply["id"]?.ToJsonString() ?? "null").Should().Be(id);
        reply["error"]!["code"]!.GetValue<int>().Should().Be(code);
        reply["error"]!["message"]!.GetValue<string>().Should().Contain(named).And.Contain("not text");
        await runner.CheckAliveAsync("after the frame", HttpCorpusMode.Session);
        runner.Failures.Should().BeEmpty();
    }

    /// <summary>The harness itself: an owed reply that never comes, and a host that dies, are both reported by item.</summary>
    [Fact]
    public async Task StdioHarness_ReportsAMissingReplyAndADeadHost()
    {
        var silent = new HostileItem(1, "self-test", "notification that claims a reply", [Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","method":"notifications/unknown"}""")], [new ExpectedReply("\"never\"", ReplyKind.Error)], HasUsableId: true);
        var wrong = new HostileItem(2, "self-test", "error claimed as a tool error", [Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":"w","method":"no/such"}""")], [new ExpectedReply("\"w\"", ReplyKind.ToolError)], HasUsableId: true);
        var extra = new HostileItem(3, "self-test", "request claimed as a notification", [Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":"x","method":"no/such"}""")], [], HasUsableId: false);
        var killed = new HostileItem(4, "self-test", "host killed", [Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":"k","method":"no/such"}""")], [new ExpectedReply("\"k\"", ReplyKind.Error)], HasUsableId: true);
        await using var runner = await StdioCorpusRunner.StartAsync(_data.Path);
        runner.ReplyTimeout.Should().BePositive();
        await runner.InitializeAsync();

        await runner.RunAsync([silent, wrong, extra]);
        runner.Process.Kill();
        await runner.Process.WaitForExitAsync();
        await runner.RunAsync([killed]);

        runner.Failures.Should().HaveCount(4, Report(runner.Failures));
        runner.Failures[0].Should().StartWith("#1 self-test/notification that claims a reply: no reply within 5s (hang)");
        runner.Failures[1].Should().StartWith("#2 self-test/error claimed as a tool error: expected ToolError");
        // The SDK answers requests concurrently, so the extra reply may overtake the ping behind the item: it is caught
        // there or at the next reply the harness reads.
        runner.Failures[2].Should().MatchRegex("an extra reply.*\"id\":\"x\"");
        runner.Failures[3].Should().MatchRegex(@"^#4 self-test/host killed: (could not write the item|the host exited)");
    }

    /// <summary>The HTTP harness: a success to a hostile request, and a dead host, are reported.</summary>
    [Fact]
    public async Task HttpHarness_ReportsASuccessAndADeadHost()
    {
        var success = new HostileItem(1, "self-test", "valid ping", [Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":"p","method":"ping"}""")], [], HasUsableId: true);
        await using var host = await HttpHost.StartAsync("--Lumina:Auth:AnonymousRole=user");
        using var http = new HttpClient();
        var runner = new HttpCorpusRunner(host.McpEndpoint, http);
        await runner.OpenSessionAsync();

        await runner.RunAsync([success], HttpCorpusMode.Session);
        host.Process.Kill();
        await host.Process.WaitForExitAsync();
        await runner.RunAsync([success with { Number = 2, Name = "after the host died" }], HttpCorpusMode.Session);

        runner.Failures.Should().HaveCount(3, Report(runner.Failures));
        runner.Failures[0].Should().StartWith("Session #1 self-test/valid ping: answered with something other than an error");
        runner.Failures[1].Should().StartWith("Session #2 self-test/after the host died: the connection failed");
        runner.Failures[2].Should().StartWith("time_now Session at the end failed");
    }

    /// <summary>The HTTP host the single-request tests share: callers without credentials are let in as users.</summary>
    public sealed class AnonymousUserHost : IAsyncLifetime
    {
        internal HttpHost Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await HttpHost.StartAsync("--Lumina:Auth:AnonymousRole=user");

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    private static byte[] Bytes(string before, byte[] bad, string after) =>
        [.. Encoding.UTF8.GetBytes(before), .. bad, .. Encoding.UTF8.GetBytes(after + "\n")];

    private static string Fingerprint(IReadOnlyList<HostileItem> items) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(items.SelectMany(i => i.Lines.SelectMany(l => l)).ToArray()));

    private static string Report(IReadOnlyList<string> failures) =>
        $"{failures.Count} failure(s):\n" + string.Join('\n', failures.Take(60)) + (failures.Count > 60 ? $"\n… and {failures.Count - 60} more" : string.Empty);
}
