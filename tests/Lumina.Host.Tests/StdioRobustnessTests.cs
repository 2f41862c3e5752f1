using System.Text.Json.Nodes;

namespace Lumina.Host.Tests;

/// <summary>Bad input over stdio gets a clear error, and the server keeps serving.</summary>
/// <remarks>
/// The tests that send one line and read its answer share one host (<see cref="SharedRawStdio"/>); those that need the
/// session before initialize, close stdin, pass other arguments or read the host's whole log start their own.
/// </remarks>
public sealed class StdioRobustnessTests(SharedRawStdio shared) : IClassFixture<SharedRawStdio>, IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":", -32700, null)]
    [InlineData("not json at all", -32700, null)]
    [InlineData("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", -32600, null)]
    [InlineData("{\"id\":7,\"method\":\"ping\"}", -32600, "7")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}", -32600, null)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":42}", -32600, "8")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\",\"params\":[1,2]}", -32602, "9")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":10}", -32600, "10")]
    [InlineData("42", -32600, null)]
    public async Task MalformedLine_IsAnsweredWithAnErrorAndTheServerKeepsServing(string line, int code, string? id)
    {
        var raw = await shared.SessionAsync();

        await raw.SendAsync(line);
        var error = await raw.ReadAsync();
        await raw.SendAsync("""{"jsonrpc":"2.0","id":"after","method":"ping"}""");
        var ping = await raw.ReadResponseAsync("after");

        error["error"]!["code"]!.GetValue<int>().Should().Be(code);
        error["error"]!["message"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        error["id"]?.ToJsonString().Should().Be(id ?? "null");
        ping["result"].Should().NotBeNull();
    }

    /// <summary>
    /// Issue 13, item 3: one line with a member name that is an escaped lone surrogate made the stdin guard throw (the
    /// name lookup cannot decode it), the guard's service died, and the host exited with code 0. Every place a string
    /// that is not text can hide is answered, and the next request still is.
    /// </summary>
    [Theory]
    [InlineData("{\"\\ud800\":1}", -32600, null, "'\\ud800'")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\",\"\\udc00x\":1}", -32600, "5", "member name")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":\"n\",\"method\":\"tools/call\",\"params\":{\"name\":\"time_now\",\"arguments\":{\"\\ud83d\":\"UTC\"}}}", -32602, "\"n\"", "params.arguments")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"time_now\",\"arguments\":{\"timeZone\":\"\\ud800\"}}}", -32602, "6", "'params.arguments.timeZone'")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"prompts/get\",\"params\":{\"name\":\"p\",\"arguments\":{\"text\":\"a\\udfffb\"}}}", -32602, "7", "'params.arguments.text'")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"resources/read\",\"params\":{\"uri\":\"lumina://\\ud800\"}}", -32602, "8", "'params.uri'")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"completion/complete\",\"params\":{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"p\"},\"argument\":{\"name\":\"a\",\"value\":\"\\udc00\"}}}", -32602, "9", "'params.argument.value'")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/call\",\"params\":{\"name\":\"time_now\",\"_meta\":{\"progressToken\":\"\\ud800\"}}}", -32602, "10", "'params._meta.progressToken'")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"no/such\\ud800\"}", -32600, "11", "'method'")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":\"\\ud800\",\"method\":\"ping\"}", -32600, null, "'id'")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"\\ud800\"}}", -32602, null, "'params.requestId'")]
    public async Task StringThatIsNotText_IsAnsweredNamingItsPlaceAndTheServerKeepsServing(string line, int code, string? id, string named)
    {
        var raw = await shared.SessionAsync();

        await raw.SendAsync(line);
        var error = await raw.ReadAsync();
        await raw.SendAsync("""{"jsonrpc":"2.0","id":"after","method":"tools/call","params":{"name":"time_now","arguments":{}}}""");
        var after = await raw.ReadResponseAsync("after");

        error["error"]!["code"]!.GetValue<int>().Should().Be(code);
        error["error"]!["message"]!.GetValue<string>().Should().Contain(named).And.Contain("not text");
        (error["id"]?.ToJsonString() ?? "null").Should().Be(id ?? "null");
        after["result"]!["structuredContent"]!["dateTime"].Should().NotBeNull("the host still serves after the line");
        raw.Process.HasExited.Should().BeFalse();
    }

    /// <summary>Issue 13: stdio ran tools/call before initialize. Only initialize and ping come before the handshake.</summary>
    [Fact]
    public async Task RequestBeforeInitialize_IsRefusedAndRunsNothing_AfterInitializeItWorks()
    {
        using var process = LuminaProcess.Start(LuminaProcess.IsolatedArguments(_data.Path));
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await SendAsync(process, """{"jsonrpc":"2.0","id":"early","method":"tools/call","params":{"name":"memory_set_context","arguments":{"key":"early","value":"ran"}}}""");
            await SendAsync(process, """{"jsonrpc":"2.0","id":"early-list","method":"tools/list"}""");
            await SendAsync(process, """{"jsonrpc":"2.0","method":"notifications/unknown"}""");
            await SendAsync(process, """{"jsonrpc":"2.0","id":"early-ping","method":"ping"}""");
            var early = await ReadLineAsync(process);
            var earlyList = await ReadLineAsync(process);
            var earlyPing = await ReadLineAsync(process);
            await SendAsync(process, """{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
            var init = await ReadLineAsync(process);
            await SendAsync(process, """{"jsonrpc":"2.0","method":"notifications/initialized"}""");
            await SendAsync(process, """{"jsonrpc":"2.0","id":"get","method":"tools/call","params":{"name":"memory_get_context","arguments":{"key":"early"}}}""");
            var get = await ReadLineAsync(process);

            early["id"]!.GetValue<string>().Should().Be("early");
            early["error"]!["code"]!.GetValue<int>().Should().Be(-32600);
            early["error"]!["message"]!.GetValue<string>().Should().Contain("not initialized").And.Contain("initialize");
            earlyList["id"]!.GetValue<string>().Should().Be("early-list");
            earlyList["error"]!["code"]!.GetValue<int>().Should().Be(-32600);
            earlyPing["id"]!.GetValue<string>().Should().Be("early-ping", "ping is allowed before initialize, and the notification got no answer");
            earlyPing["result"].Should().NotBeNull();
            init["result"]!["serverInfo"]!["name"]!.GetValue<string>().Should().Be("lumina");
            get["id"]!.GetValue<string>().Should().Be("get");
            get["result"]!["isError"]!.GetValue<bool>().Should().BeTrue("the early call ran nothing: no context value was set");
            get["result"]!["content"]![0]!["text"]!.GetValue<string>().Should().Contain("No context value named 'early'");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            _ = await stderr;
        }
    }

    /// <summary>
    /// Issue 13: a host whose background service failed stopped and exited with code 0. Here stdin is open for writing
    /// only, so the stdin guard's first read fails (EBADF): the host must stop, say why on stderr, and exit non-zero.
    /// </summary>
    [Fact]
    public async Task BackgroundServiceFails_HostExitsNonZeroAndSaysWhy()
    {
        var sink = Path.Combine(_data.Path, "stdin-sink");
        var info = new System.Diagnostics.ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec dotnet \"$@\" 0>>\"$SINK\"");
        info.ArgumentList.Add("sh");
        foreach (var argument in LuminaProcess.IsolatedArguments(_data.Path))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["SINK"] = sink;
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);

        process.ExitCode.Should().NotBe(0, await stderr);
        (await stderr).Should().Contain("lumina: stopped because a background service failed: StdioMessageGuard");
        (await stdout).Should().BeEmpty();
    }

    private static async Task SendAsync(System.Diagnostics.Process process, string line)
    {
        await process.StandardInput.WriteAsync(line + "\n");
        await process.StandardInput.FlushAsync();
    }

    private static async Task<JsonNode> ReadLineAsync(System.Diagnostics.Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("stdout closed.");
        return JsonNode.Parse(line)!;
    }

    [Fact]
    public async Task DeeplyNestedLine_IsAParseErrorAndTheServerKeepsServing()
    {
        var raw = await shared.SessionAsync();

        await raw.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"a\":" + new string('[', 5000) + new string(']', 5000) + "}}");
        var error = await raw.ReadAsync();
        await raw.SendAsync("""{"jsonrpc":"2.0","id":"after","method":"ping"}""");

        error["error"]!["code"]!.GetValue<int>().Should().Be(-32700);
        (await raw.ReadResponseAsync("after"))["result"].Should().NotBeNull();
    }

    [Fact]
    public async Task OversizeLine_IsRefusedAndTheServerKeepsServing()
    {
        await using var raw = await RawStdio.StartAsync(_data.Path, "--Lumina:Stdio:MaxMessageBytes=65536");

        await raw.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"time_now\",\"arguments\":{\"x\":\"" + new string('a', 200_000) + "\"}}}");
        var error = await raw.ReadAsync();
        await raw.SendAsync("""{"jsonrpc":"2.0","id":"after","method":"ping"}""");

        error["error"]!["code"]!.GetValue<int>().Should().Be(-32600);
        error["error"]!["message"]!.GetValue<string>().Should().Contain("too large");
        (await raw.ReadResponseAsync("after"))["result"].Should().NotBeNull();
    }

    [Fact]
    public async Task UnknownMethod_IsMethodNotFound()
    {
        var raw = await shared.SessionAsync();

        await raw.SendAsync("""{"jsonrpc":"2.0","id":"x","method":"no/such/method"}""");

        (await raw.ReadResponseAsync("x"))["error"]!["code"]!.GetValue<int>().Should().Be(-32601);
    }

    [Fact]
    public async Task ClientDisconnectsMidCall_ServerExitsCleanly()
    {
        await using var raw = await RawStdio.StartAsync(_data.Path);
        var sampling = await CallPromptToolAsync(raw, "call");
        sampling["method"]!.GetValue<string>().Should().Be("sampling/createMessage");

        var exitCode = await raw.CloseAndWaitAsync();

        exitCode.Should().Be(0);
        (await raw.StderrAsync()).Should().NotContain("Unhandled exception");
    }

    [Fact]
    public async Task CancelledNotification_CancelsTheCallAndWhatItWaitsOn()
    {
        await using var raw = await RawStdio.StartAsync(_data.Path);
        var sampling = await CallPromptToolAsync(raw, "long");

        await raw.SendAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"long","reason":"user"}}""");
        await raw.SendAsync("""{"jsonrpc":"2.0","id":"after","method":"ping"}""");

        // A cancelled request gets no response; the ping's answer is the next one, and the server keeps serving.
        while (true)
        {
            var message = await raw.ReadAsync();
            if (message["id"] is { } id && message["method"] is null)
            {
                id.ToJsonString().Should().Be("\"after\"");
                break;
            }
        }

        sampling["method"]!.GetValue<string>().Should().Be("sampling/createMessage");
        (await raw.CloseAndWaitAsync()).Should().Be(0);
        (await raw.StderrAsync()).Should().Contain("was canceled", "the call itself stopped");
    }

    /// <summary>
    /// Calls a prompt tool; the client said it can sample, so the call waits on a sampling request (returned here)
    /// that is never answered.
    /// </summary>
    private static async Task<JsonNode> CallPromptToolAsync(RawStdio raw, string id)
    {
        var prompt = await FirstPromptToolAsync(raw);
        await raw.SendAsync(new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id,
            ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = prompt.Name, ["arguments"] = prompt.Arguments },
        }.ToJsonString());
        return await raw.ReadAsync();
    }

    private static async Task<(string Name, JsonObject Arguments)> FirstPromptToolAsync(RawStdio raw)
    {
        await raw.SendAsync("""{"jsonrpc":"2.0","id":"list","method":"tools/list"}""");
        var tools = (await raw.ReadResponseAsync("list"))["result"]!["tools"]!.AsArray();
        var tool = tools.First(t => t!["name"]!.GetValue<string>().StartsWith("text_", StringComparison.Ordinal))!;
        var arguments = new JsonObject();
        foreach (var required in tool["inputSchema"]!["required"]?.AsArray() ?? [])
        {
            arguments[required!.GetValue<string>()] = "some text";
        }

        return (tool["name"]!.GetValue<string>(), arguments);
    }
}
