using System.Text.Json;
using Lumina.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>Search mode against the real host over stdio: three meta-tools listed, search finds only what the caller may call, and calls go through every filter.</summary>
public sealed class CatalogSearchHostTests : IDisposable
{
    private static readonly string[] s_meta = ["tools_call", "tools_describe", "tools_search"];

    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private Task<McpClient> StartAsync(string role, params string[] settings) => McpClient.CreateAsync(
        new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = "dotnet",
            Arguments = LuminaProcess.IsolatedArguments(_data.Path, settings),
            EnvironmentVariables = new Dictionary<string, string?> { ["Lumina__Auth__LocalRole"] = role },
        }),
        new McpClientOptions { ProtocolVersion = "2025-11-25" });

    private static JsonElement Structured(CallToolResult result)
    {
        result.IsError.Should().NotBe(true, string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text)));
        return result.StructuredContent ?? JsonDocument.Parse(result.Content.OfType<TextContentBlock>().Single().Text).RootElement.Clone();
    }

    [Fact]
    public async Task SearchMode_ListsThreeMetaTools_FindsAndCallsOnlyWhatTheCallerMay()
    {
        await using var client = await StartAsync("guest", "--Lumina:Catalog:Mode=search");

        var tools = await client.ListToolsAsync();
        var listed = tools.Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        var listBytes = JsonSerializer.SerializeToUtf8Bytes(tools.Select(t => t.ProtocolTool), ModelContextProtocol.McpJsonUtilities.DefaultOptions).Length;
        var found = Structured(await client.CallToolAsync("tools_search", new Dictionary<string, object?> { ["query"] = "what time is it now in Tokyo", ["limit"] = 20 }));
        var writes = Structured(await client.CallToolAsync("tools_search", new Dictionary<string, object?> { ["query"] = "write or delete a file", ["limit"] = 20 }));
        var described = Structured(await client.CallToolAsync("tools_describe", new Dictionary<string, object?> { ["name"] = "time_convert" }));
        var called = Structured(await client.CallToolAsync("tools_call", new Dictionary<string, object?> { ["name"] = "time_now", ["arguments"] = new Dictionary<string, object?> { ["timeZone"] = "Asia/Tokyo" } }));
        var forbidden = await client.CallToolAsync("tools_call", new Dictionary<string, object?> { ["name"] = "files_write", ["arguments"] = new Dictionary<string, object?> { ["path"] = "a.txt", ["content"] = "x" } });

        listed.Should().Equal(s_meta);
        listBytes.Should().BeLessThan(4000, "search mode's whole tools/list is three small definitions (the full catalog of bench/README.md is 188,565 bytes)");
        var names = found.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        names.Should().Contain("time_now");
        found.GetProperty("tools")[0].GetProperty("inputSchema").GetProperty("type").GetString().Should().Be("object");
        writes.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString())
            .Should().NotContain(["files_write", "files_delete", "files_edit"], "a guest may not call them, so search never shows them");
        described.GetProperty("inputSchema").GetProperty("properties").TryGetProperty("dateTime", out _).Should().BeTrue();
        called.ValueKind.Should().Be(JsonValueKind.Object);
        forbidden.IsError.Should().BeTrue();
        forbidden.Content.OfType<TextContentBlock>().Single().Text.Should().Contain("Forbidden: files_write needs the 'write' permission");
    }

    [Theory]
    [InlineData("1000", false)]
    [InlineData("5", true)]
    public async Task AutoMode_SearchesOnlyAboveTheThreshold(string threshold, bool searches)
    {
        await using var client = await StartAsync("user", "--Lumina:Catalog:Mode=auto", $"--Lumina:Catalog:SearchThreshold={threshold}");

        var listed = (await client.ListToolsAsync()).Select(t => t.Name).ToList();
        var direct = await client.CallToolAsync("time_now", new Dictionary<string, object?>());

        if (searches)
        {
            listed.Order(StringComparer.Ordinal).Should().Equal(s_meta);
        }
        else
        {
            listed.Should().Contain("time_now").And.NotContain(s_meta);
        }

        direct.IsError.Should().NotBe(true, "every tool stays callable by its name");
    }
}
