using System.Diagnostics;
using Lumina.Core.Telemetry;
using Lumina.Testing;
using Lumina.Testing.Providers;
using ModelContextProtocol.Protocol;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Lumina.Mcp.Tests;

/// <summary>One <c>tools/call</c> produces the expected span tree and metrics, continuing the client's trace.</summary>
public sealed class TelemetryTests
{
    // Other test classes run in parallel in this process and their spans reach this listener too: the test's own root
    // span marks the one trace that belongs to it.
    private static readonly ActivitySource TestSource = new("Lumina.Tests.Telemetry");

    [Fact]
    public async Task ToolsCall_ProducesTheSpanTree_AndMetrics_InTheClientsTrace()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(LuminaTelemetry.Name, "Experimental.ModelContextProtocol", "Microsoft.SemanticKernel*", TestSource.Name)
            .AddInMemoryExporter(spans)
            .Build();
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeter(LuminaTelemetry.Name).AddInMemoryExporter(metrics).Build();
        await using var model = new ScriptedOpenAiServer(200);
        model.Enqueue(ScriptedReply.Call("time_now", """{"timeZone":"UTC"}"""), ScriptedReply.Answer("It is noon."));
        await using var harness = await McpHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Lumina:Providers:main:Kind"] = "openai",
            ["Lumina:Providers:main:Model"] = "scripted",
            ["Lumina:Providers:main:Endpoint"] = model.Endpoint,
            ["Lumina:Providers:main:ApiKey"] = "test-key",
            ["Lumina:Providers:main:InputPricePerMillion"] = "1",
        });
        // The server's message loop started before the test's root span: the only way the client's trace can reach it is
        // the traceparent the client puts in the request's _meta.
        Activity.Current = null;
        Activity root;
        CallToolResult result;
        using (root = TestSource.StartActivity("telemetry test", ActivityKind.Internal)!)
        {
            result = await harness.Client.CallToolAsync("ask", new Dictionary<string, object?> { ["message"] = "What time is it?" });
        }

        result.IsError.Should().NotBe(true);

        // The server ends its request span just after it has sent the response the client is reading.
        (await Eventually.WaitAsync(() => Snapshot(spans).Any(s => s.TraceId == root.TraceId && s.Kind == ActivityKind.Server && s.DisplayName == "tools/call ask")))
            .Should().BeTrue("the server ends the request's span once it has answered");

        tracing.ForceFlush();
        meters.ForceFlush();
        spans = Snapshot(spans);
        var client = spans.Single(s => s.Kind == ActivityKind.Client && s.DisplayName == "tools/call ask" && s.ParentSpanId == root.SpanId);
        var ours = spans.Where(s => s.TraceId == client.TraceId).ToList();
        var request = ours.Single(s => s.Kind == ActivityKind.Server && s.DisplayName == "tools/call ask");
        request.ParentSpanId.Should().Be(client.SpanId, "the request continues the client's trace from _meta.traceparent");
        var ask = ours.Single(s => s.DisplayName == "lumina.function ask");
        IsBelow(ask, request, ours).Should().BeTrue();
        var chats = ours.Where(s => s.DisplayName == "lumina.chat").ToList();
        chats.Should().HaveCount(2).And.OnlyContain(c => IsBelow(c, ask, ours));
        ours.Where(s => s.DisplayName == "lumina.provider.attempt main").Should().HaveCount(2).And.OnlyContain(a => chats.Any(c => a.ParentSpanId == c.SpanId));
        var tool = ours.Single(s => s.DisplayName == "lumina.function time_now");
        IsBelow(tool, ask, ours).Should().BeTrue("the model's tool call runs inside ask, through the kernel filters");
        ours.Should().Contain(s => s.DisplayName == "lumina.filter memory" && IsBelow(s, tool, ours));
        ours.Should().Contain(s => s.DisplayName.StartsWith("lumina.store ", StringComparison.Ordinal) && IsBelow(s, ask, ours));
        chats[0].GetTagItem("gen_ai.usage.input_tokens").Should().Be(11L);

        Points(metrics, "lumina.function.calls").Should().Contain(p => Tag(p, "lumina.function") == "ask" && Tag(p, "lumina.outcome") == "ok");
        Points(metrics, "lumina.provider.tokens").Should().Contain(p => Tag(p, "gen_ai.token.type") == "input" && p.GetSumLong() >= 22);
        Points(metrics, "lumina.store.duration").Should().NotBeEmpty();
        Points(metrics, "lumina.provider.circuit_state").Should().Contain(p => Tag(p, "lumina.provider") == "main" && p.GetGaugeLastValueLong() == 0);
    }

    private static List<Activity> Snapshot(List<Activity> spans)
    {
        lock (spans)
        {
            return [.. spans];
        }
    }

    private static bool IsBelow(Activity child, Activity ancestor, List<Activity> spans)
    {
        for (var current = child; current is not null; current = spans.FirstOrDefault(s => s.SpanId == current.ParentSpanId))
        {
            if (current.ParentSpanId == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }

    private static List<MetricPoint> Points(List<Metric> metrics, string name)
    {
        var points = new List<MetricPoint>();
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                points.Add(point);
            }
        }

        return points;
    }

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }
}
