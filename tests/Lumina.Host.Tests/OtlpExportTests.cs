using System.Net;
using System.Text;
using Lumina.Testing.Providers;

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
        using var collector = new LoopbackCollector();
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

    [Fact]
    public async Task NothingIsSent_WithoutAnEndpoint()
    {
        using var collector = new LoopbackCollector();
        using var data = new TempDirectory();
        var environment = Exporting(collector);
        environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        await using (var stdio = await RawStdio.StartAsync(environment, data.Path))
        {
            await stdio.SendAsync(Call);
            await stdio.ReadResponseAsync("t");

            // Several export intervals: a host that exported would have sent by now.
            await Task.Delay(TimeSpan.FromSeconds(2));
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
    private sealed class LoopbackCollector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<(string Path, string? ContentType, byte[] Body)> _requests = [];
        private readonly SemaphoreSlim _received = new(0);
        private readonly Task _accepting;

        public LoopbackCollector()
        {
            Address = $"http://127.0.0.1:{ScriptedOpenAiServer.FreePort()}";
            _listener.Prefixes.Add(Address + "/");
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public string Address { get; }

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

        public void Dispose()
        {
            _listener.Close();
            _accepting.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue("the accept loop ends when the listener closes");
            _received.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                try
                {
                    await context.Request.InputStream.CopyToAsync(body);
                    context.Response.StatusCode = 200;
                    context.Response.Close();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException)
                {
                    // The listener closed while the host was still sending an export (the test is over): the loop ends.
                    return;
                }

                lock (_requests)
                {
                    _requests.Add((context.Request.Url!.AbsolutePath, context.Request.ContentType, body.ToArray()));
                }

                _received.Release();
            }
        }
    }
}
