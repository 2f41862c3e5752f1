using ModelContextProtocol.Protocol;

namespace Lumina.Mcp.Tests;

public sealed class ProtocolEraTests
{
    [Fact]
    public async Task Client_2026_07_28_ListsAndCallsTools()
    {
        await using var harness = await McpHarness.StartAsync(o => o.ProtocolVersion = "2026-07-28");

        var tools = await harness.Client.ListToolsAsync();
        var result = await harness.Client.CallToolAsync("sample_echo", new Dictionary<string, object?> { ["text"] = "hi" });

        harness.Client.NegotiatedProtocolVersion.Should().Be("2026-07-28");
        tools.Should().Contain(t => t.Name == "sample_echo");
        ((TextContentBlock)result.Content.Single()).Text.Should().Be("hi");
    }

    [Fact]
    public async Task Client_2025_11_25_NegotiatesTheSessionEra()
    {
        await using var harness = await McpHarness.StartAsync();

        harness.Client.NegotiatedProtocolVersion.Should().Be("2025-11-25");
        harness.Client.ServerInfo!.Name.Should().Be("lumina");
        harness.Client.ServerCapabilities.Tools!.ListChanged.Should().BeTrue();
        harness.Client.ServerCapabilities.Resources!.Subscribe.Should().BeTrue();
        harness.Client.ServerCapabilities.Completions.Should().NotBeNull();
    }
}
