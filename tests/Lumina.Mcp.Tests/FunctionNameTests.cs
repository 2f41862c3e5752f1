using System.Diagnostics;
using System.Text.Json;
using Lumina.Core.Audit;
using Lumina.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Lumina.Mcp.Tests;

/// <summary>One name per function: the name a client calls is the one in the audit record, the refusal and the span.</summary>
public sealed class FunctionNameTests
{
    [Fact]
    public async Task ToolWithADeclaredName_RefusedThenSucceeded_CarriesTheToolNameInTheAuditTheRefusalAndTheSpan()
    {
        // sample.wipe is served as "exact.wipe": neither "sample_wipe" nor "sample.wipe" may appear anywhere.
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(LuminaTelemetry.Name).AddInMemoryExporter(spans).Build();
        var answers = new Queue<bool>([false, true]);
        await using var harness = await McpHarness.StartAsync(o => o.Handlers.ElicitationHandler = (_, _) =>
        {
            bool confirm;
            lock (answers)
            {
                confirm = answers.Dequeue();
            }

            return ValueTask.FromResult(new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(confirm) } });
        });

        var refused = await harness.Client.CallToolAsync("exact.wipe");
        var succeeded = await harness.Client.CallToolAsync("exact.wipe");

        refused.IsError.Should().BeTrue();
        Text(refused).Should().Be("Declined: the user declined exact.wipe; nothing was done.");
        succeeded.IsError.Should().NotBe(true);
        Text(succeeded).Should().Be("wiped");
        var records = await harness.Services.GetRequiredService<IAuditLedger>().ReadRecentAsync(10);
        records.Select(r => (r.Function, r.Outcome)).Should().Equal(("exact.wipe", AuditOutcome.Error), ("exact.wipe", AuditOutcome.Ok));
        tracing.ForceFlush();
        List<Activity> ours;
        lock (spans)
        {
            // Other test classes run in parallel and their spans reach this exporter too: only this test calls exact.wipe.
            ours = [.. spans.Where(s => s.DisplayName.StartsWith("lumina.function ", StringComparison.Ordinal) && s.DisplayName.Contains("wipe", StringComparison.Ordinal))];
        }

        ours.Select(s => (s.DisplayName, s.GetTagItem("lumina.function"), s.GetTagItem("lumina.outcome"))).Should().Equal(
            ("lumina.function exact.wipe", "exact.wipe", "refused"),
            ("lumina.function exact.wipe", "exact.wipe", "ok"));
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(t => t.Text));
}
