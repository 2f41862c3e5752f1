using System.Text.Json;
using Lumina.Core.Audit;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
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

    [Theory]
    [InlineData("2026-07-28", new[] { AuditOutcome.InputRequired, AuditOutcome.Ok })]
    [InlineData("2025-11-25", new[] { AuditOutcome.Ok })]
    public async Task ElicitingTool_AsksOnce_InEitherEra_ThroughAResultOnlyWhenStateless(string version, AuditOutcome[] outcomes)
    {
        var asked = 0;
        await using var harness = await McpHarness.StartAsync(o =>
        {
            o.ProtocolVersion = version;
            o.Handlers = new McpClientHandlers
            {
                ElicitationHandler = (_, _) =>
                {
                    Interlocked.Increment(ref asked);
                    return ValueTask.FromResult(new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { ["name"] = JsonSerializer.SerializeToElement("Ada") } });
                },
            };
        });

        var result = await harness.Client.CallToolAsync("sample_ask_user");

        ((TextContentBlock)result.Content.Single()).Text.Should().Be("hello Ada");
        asked.Should().Be(1);
        var records = await harness.Services.GetRequiredService<IAuditLedger>().ReadRecentAsync(10);
        records.Where(r => r.Function == "sample_ask_user").Select(r => r.Outcome).Should().Equal(outcomes);
    }
}
