using System.Net;
using System.Text;
using Lumina.Testing;

namespace Lumina.Host.Tests;

/// <summary>
/// OTLP export from the real host: with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, a tool call's spans reach the collector;
/// without it, nothing is sent.
/// </summary>
public sealed class OtlpExportTests
{
    private const string Call = """{"jsonrpc":"2.0","id":"t","method":"tools/call","params":{"name":"time_now","arguments":{}}}""";

    [Fact]
    public async Task ToolCall_IsExportedOverOtlp_WhenAnEndpointIsSet()
    {
        await using var collector = new LoopbackCollector();
        using var data = new TempDirectory();
        await using (var stdio = await RawStdio.StartAsync(Exporting(collector), data.Path))
        {
            await stdio.SendAsync(Call);
            (await stdio.ReadResponseAsync("t"))["result"]!["isError"]?.GetValue<bool>().Should().NotBe(true);

            // The kernel function's span ends before the MCP request's, so the two may leave in different exports.
            var function = await collector.WaitForAsync("/v1/traces", body => Has(body, "lumina.function time_now"));
            var request = await collector.WaitForAsync("/v1/traces", body => Has(body, "tools/call time_now"));

            foreach (var (contentType, body) in new[] { function, request })
            {
                contentType.Should().Be("application/x-protobuf");
                Has(body, "service.name").Should().BeTrue("every export carries the resource");
                Has(body, "lumina").Should().BeTrue();
            }
        }
    }

    /// <summary>
    /// What makes <see cref="NothingIsSent_WithoutAnEndpoint"/> hold without waiting on a clock: an exporting host sends
    /// what it has before it exits, even with export intervals far longer than the test.
    /// </summary>
    [Fact]
    public async Task AnExportingHost_SendsItsSpans_BeforeItExits()
    {
        await using var collector = new LoopbackCollector();
        using var data = new TempDirectory();
        var environment = Exporting(collector);
        environment["OTEL_BSP_SCHEDULE_DELAY"] = "600000";
        environment["OTEL_METRIC_EXPORT_INTERVAL"] = "600000";
        await using var stdio = await RawStdio.StartAsync(environment, data.Path);
        await stdio.SendAsync(Call);
        await stdio.ReadResponseAsync("t");

        (await stdio.CloseAndWaitAsync()).Should().Be(0);

        collector.Requests.Should().Contain(r => r.Path == "/v1/traces" && Has(r.Body, "lumina.function time_now"), "the host flushes its exports as it shuts down");
    }

    [Fact]
    public async Task NothingIsSent_WithoutAnEndpoint()
    {
        await using var collector = new LoopbackCollector();
        using var data = new TempDirectory();
        var environment = Exporting(collector);
        environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        await using (var stdio = await RawStdio.StartAsync(environment, data.Path))
        {
            await stdio.SendAsync(Call);
            await stdio.ReadResponseAsync("t");

            // A host that exported would have sent its spans by the time it has exited (the test above).
            (await stdio.CloseAndWaitAsync()).Should().Be(0);
        }

        collector.Requests.Should().BeEmpty();
    }

    private static Dictionary<string, string> Exporting(LoopbackCollector collector) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Address,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
    };

    /// <summary>Whether the protobuf body carries <paramref name="text"/> (OTLP keeps names and attribute strings as UTF-8).</summary>
    private static bool Has(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    /// <summary>An OTLP/HTTP collector on a free loopback port that keeps every request it receives.</summary>
    private sealed class LoopbackCollector : LoopbackHttpServer
    {
        private readonly List<(string Path, string? ContentType, byte[] Body)> _requests = [];
        private readonly SemaphoreSlim _received = new(0);

        public LoopbackCollector() => Start();

        public string Address => BaseAddress;

        public IReadOnlyList<(string Path, string? ContentType, byte[] Body)> Requests
        {
            get
            {
                lock (_requests)
                {
                    return [.. _requests];
                }
            }
        }

        /// <summary>The first request to <paramref name="path"/> whose body <paramref name="match"/> accepts (a minute at most).</summary>
        public async Task<(string? ContentType, byte[] Body)> WaitForAsync(string path, Func<byte[], bool> match)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            while (true)
            {
                if (Requests.FirstOrDefault(r => r.Path == path && match(r.Body)) is { Body: not null } found)
                {
                    return (found.ContentType, found.Body);
                }

                await _received.WaitAsync(timeout.Token);
            }
        }

        protected override async Task AnswerAsync(HttpListenerContext context)
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);

            // Kept before the answer: once the sender has its 200, the request is in the list.
            lock (_requests)
            {
                _requests.Add((context.Request.Url!.AbsolutePath, context.Request.ContentType, body.ToArray()));
            }

            _received.Release();
            context.Response.StatusCode = 200;
        }

        protected override ValueTask OnStoppedAsync()
        {
            _received.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
