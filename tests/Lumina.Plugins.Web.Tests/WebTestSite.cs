using System.IO.Compression;
using System.Net;
using System.Text;

namespace Lumina.Plugins.Web.Tests;

/// <summary>
/// The allowed test server on 127.0.0.1 (scripted pages, redirects, hostile bodies) and the canaries on 127.0.0.1,
/// 127.0.0.2 and ::1 that count whether anything reached a forbidden address. One per test class.
/// </summary>
public sealed class WebTestSite : IAsyncLifetime
{
    /// <summary>Bytes a bomb expands to: far over every cap the tests set.</summary>
    private const int BombSize = 8 * 1024 * 1024;

    private static readonly byte[] s_gzipBomb = Compress(s => new GZipStream(s, CompressionLevel.Optimal));
    private static readonly byte[] s_deflateBomb = Compress(s => new ZLibStream(s, CompressionLevel.Optimal));
    private static readonly byte[] s_brotliBomb = Compress(s => new BrotliStream(s, CompressionLevel.Optimal));

    private int _counter;

    internal ScriptedWebServer Server { get; private set; } = null!;

    internal ScriptedWebServer Canary1 { get; private set; } = null!;

    internal ScriptedWebServer Canary2 { get; private set; } = null!;

    internal ScriptedWebServer Canary6 { get; private set; } = null!;

    /// <summary>The allowed server's base address, without a trailing slash.</summary>
    public string BaseAddress => $"http://127.0.0.1:{Server.Port}";

    /// <summary>Connections any canary accepted.</summary>
    public int CanaryConnections => Canary1.Connections + Canary2.Connections + Canary6.Connections;

    /// <summary>The realistic article page served at /article.</summary>
    public static string ArticleHtml { get; } = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "article.html"));

    public Task InitializeAsync()
    {
        Server = new ScriptedWebServer(IPAddress.Loopback, AnswerAsync);
        Canary1 = ScriptedWebServer.Canary(IPAddress.Loopback);
        Canary2 = ScriptedWebServer.Canary(IPAddress.Parse("127.0.0.2"));
        Canary6 = ScriptedWebServer.Canary(IPAddress.IPv6Loopback);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Canary1.DisposeAsync();
        await Canary2.DisposeAsync();
        await Canary6.DisposeAsync();
    }

    /// <summary>Replaces the placeholders of a corpus URL: {server}, {c1}, {c2}, {c6}.</summary>
    public string Expand(string url) => url
        .Replace("{server}", BaseAddress, StringComparison.Ordinal)
        .Replace("{c1}", Canary1.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{c2}", Canary2.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{c6}", Canary6.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{port}", Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private async Task AnswerAsync(ScriptedRequest request, Stream stream, CancellationToken ct)
    {
        switch (request.Path)
        {
            case "/hello":
                await ScriptedWebServer.WriteAsync(stream, 200, "text/plain; charset=utf-8", "hello"u8.ToArray(), ct);
                break;
            case "/article":
                await ScriptedWebServer.WriteAsync(stream, 200, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(ArticleHtml), ct);
                break;
            case "/counter":
                var count = Interlocked.Increment(ref _counter);
                await ScriptedWebServer.WriteAsync(stream, 200, "text/plain", Encoding.ASCII.GetBytes($"call {count}"), ct);
                break;
            case "/deep":
                var depth = int.Parse(request.Query("n") ?? "10000", System.Globalization.CultureInfo.InvariantCulture);
                var deep = "<!DOCTYPE html><html><head><title>Deep</title></head><body>" + string.Concat(Enumerable.Repeat("<div>", depth)) + "bottom" + "</body></html>";
                await ScriptedWebServer.WriteAsync(stream, 200, "text/html", Encoding.ASCII.GetBytes(deep), ct);
                break;
            case "/json":
                await ScriptedWebServer.WriteAsync(stream, 200, "application/json", "{\"a\":1}"u8.ToArray(), ct);
                break;
            case "/redirect":
                var code = int.Parse(request.Query("code") ?? "302", System.Globalization.CultureInfo.InvariantCulture);
                await ScriptedWebServer.WriteAsync(stream, code, null, [], ct, "Location: " + Expand(request.Query("to") ?? "/hello"));
                break;
            case "/chain":
                var n = int.Parse(request.Query("n") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
                var to = request.Query("to") ?? "/hello";
                var next = n > 0 ? $"/chain?n={n - 1}&to={Uri.EscapeDataString(to)}" : Expand(to);
                await ScriptedWebServer.WriteAsync(stream, 302, null, [], ct, "Location: " + next);
                break;
            case "/loop":
                await ScriptedWebServer.WriteAsync(stream, 301, null, [], ct, "Location: /loop");
                break;
            case "/big":
                // Chunked, no length declared: only counting stops it.
                await ScriptedWebServer.WriteHeadAsync(stream, 200, ct, "Content-Type: text/plain", "Transfer-Encoding: chunked");
                var chunk = Encoding.ASCII.GetBytes(new string('a', 8192));
                for (var i = 0; i < 64; i++)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("2000\r\n"), ct);
                    await stream.WriteAsync(chunk, ct);
                    await stream.WriteAsync("\r\n"u8.ToArray(), ct);
                }

                await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), ct);
                break;
            case "/big-declared":
                await ScriptedWebServer.WriteHeadAsync(stream, 200, ct, "Content-Type: text/plain", "Content-Length: 104857600");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(new string('a', 1024)), ct);
                break;
            case "/gzip-bomb":
                await ScriptedWebServer.WriteAsync(stream, 200, "text/plain", s_gzipBomb, ct, "Content-Encoding: gzip");
                break;
            case "/deflate-bomb":
                await ScriptedWebServer.WriteAsync(stream, 200, "text/html", s_deflateBomb, ct, "Content-Encoding: deflate");
                break;
            case "/br-bomb":
                await ScriptedWebServer.WriteAsync(stream, 200, "text/plain", s_brotliBomb, ct, "Content-Encoding: br");
                break;
            case "/double-gzip":
                await ScriptedWebServer.WriteAsync(stream, 200, "text/plain", Gzip(Gzip("hello"u8.ToArray())), ct, "Content-Encoding: gzip, gzip");
                break;
            case "/compress":
                await ScriptedWebServer.WriteAsync(stream, 200, "text/plain", "hello"u8.ToArray(), ct, "Content-Encoding: compress");
                break;
            case "/corrupt-gzip":
                await ScriptedWebServer.WriteAsync(stream, 200, "text/plain", [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff], ct, "Content-Encoding: gzip");
                break;
            case "/gzip-small":
                await ScriptedWebServer.WriteAsync(stream, 200, "text/plain", Gzip("hello, compressed"u8.ToArray()), ct, "Content-Encoding: gzip");
                break;
            case "/slow-headers":
                await Task.Delay(Timeout.Infinite, ct);
                break;
            case "/slow-body":
                await ScriptedWebServer.WriteHeadAsync(stream, 200, ct, "Content-Type: text/plain", "Content-Length: 1000");
                await stream.WriteAsync("partial"u8.ToArray(), ct);
                await stream.FlushAsync(ct);
                await Task.Delay(Timeout.Infinite, ct);
                break;
            case "/image":
                await ScriptedWebServer.WriteAsync(stream, 200, "image/png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], ct);
                break;
            case "/pdf":
                await ScriptedWebServer.WriteAsync(stream, 200, "application/pdf", "%PDF-1.7\n"u8.ToArray(), ct);
                break;
            case "/octet":
                await ScriptedWebServer.WriteAsync(stream, 200, "application/octet-stream", [1, 2, 3, 0, 4], ct);
                break;
            case "/nul":
                await ScriptedWebServer.WriteAsync(stream, 200, "text/plain", [0x68, 0x69, 0, 0x68, 0x69], ct);
                break;
            case "/untyped-binary":
                await ScriptedWebServer.WriteAsync(stream, 200, null, [0x50, 0x4b, 3, 4, 0, 0, 0, 0], ct);
                break;
            default:
                await ScriptedWebServer.WriteAsync(stream, 404, "text/plain", "not found"u8.ToArray(), ct);
                break;
        }
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Compress(Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream();
        using (var stream = compressor(output))
        {
            var zeros = new byte[64 * 1024];
            for (var written = 0; written < BombSize; written += zeros.Length)
            {
                stream.Write(zeros);
            }
        }

        return output.ToArray();
    }
}
