using System.Text.Json.Nodes;

namespace Lumina.Host.Tests;

/// <summary>Bad input over stdio gets a clear error, and the server keeps serving.</summary>
public sealed class StdioRobustnessTests : IDisposable
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
        await using var raw = await RawStdio.StartAsync(_data.Path);

        await raw.SendAsync(line);
        var error = await raw.ReadAsync();
        await raw.SendAsync("""{"jsonrpc":"2.0","id":"after","method":"ping"}""");
        var ping = await raw.ReadResponseAsync("after");

        error["error"]!["code"]!.GetValue<int>().Should().Be(code);
        error["error"]!["message"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        error["id"]?.ToJsonString().Should().Be(id ?? "null");
        ping["result"].Should().NotBeNull();
    }

    [Fact]
    public async Task DeeplyNestedLine_IsAParseErrorAndTheServerKeepsServing()
    {
        await using var raw = await RawStdio.StartAsync(_data.Path);

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
        await using var raw = await RawStdio.StartAsync(_data.Path);

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
