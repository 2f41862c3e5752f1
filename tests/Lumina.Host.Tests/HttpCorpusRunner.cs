using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumina.Host.Tests;

/// <summary>How hostile items reach the HTTP host.</summary>
internal enum HttpCorpusMode
{
    /// <summary>Inside a 2025-11-25 session opened by initialize.</summary>
    Session,

    /// <summary>As stateless 2026-07-28 requests: Mcp-Method/Mcp-Name headers and the _meta protocol entries added.</summary>
    Stateless,

    /// <summary>A 2025-11-25 request with no session: before any initialize.</summary>
    NoSession,
}

/// <summary>
/// Posts hostile items to one long-lived HTTP host and records every item answered wrongly: a 5xx, a hang, a broken
/// connection, a success, a request with an id that got no answer, or an oversize body not refused with 413.
/// </summary>
internal sealed class HttpCorpusRunner(Uri endpoint, HttpClient http)
{
    private static readonly byte[] s_meta = Encoding.UTF8.GetBytes(
        "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/clientInfo\":{\"name\":\"corpus\",\"version\":\"1\"}}");

    private readonly List<string> _failures = [];
    private string? _session;

    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public IReadOnlyList<string> Failures => _failures;

    /// <summary>The session opened by <see cref="OpenSessionAsync"/>.</summary>
    public string SessionId => _session ?? throw new InvalidOperationException("No session: call OpenSessionAsync first.");

    public async Task OpenSessionAsync()
    {
        using var response = await PostAsync(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"corpus","version":"1"}}}"""), HttpCorpusMode.NoSession, CancellationToken.None);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _session = response.Headers.GetValues("Mcp-Session-Id").Single();
        using var initialized = await PostAsync(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","method":"notifications/initialized"}"""), HttpCorpusMode.Session, CancellationToken.None);
        initialized.StatusCode.Should().Be(HttpStatusCode.Accepted);
    }

    public async Task RunAsync(IEnumerable<HostileItem> items, HttpCorpusMode mode)
    {
        var count = 0;
        foreach (var item in items)
        {
            foreach (var line in item.Lines)
            {
                await RunLineAsync(item, line, mode);
            }

            if (++count % 100 == 0)
            {
                await CheckAliveAsync($"{mode} after {item}", mode == HttpCorpusMode.NoSession ? HttpCorpusMode.Stateless : mode);
            }
        }

        await CheckAliveAsync($"{mode} at the end", mode == HttpCorpusMode.NoSession ? HttpCorpusMode.Stateless : mode);
    }

    private async Task RunLineAsync(HostileItem item, byte[] line, HttpCorpusMode mode)
    {
        var timeout = line.Length > 256 * 1024 ? ReplyTimeout * 3 : ReplyTimeout;
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            using var response = await PostAsync(line, mode, cancel.Token);
            var body = await response.Content.ReadAsStringAsync(cancel.Token);
            var status = (int)response.StatusCode;
            if (line.Length > HostileCorpus.MaxMessageBytes)
            {
                if (response.StatusCode != HttpStatusCode.RequestEntityTooLarge)
                {
                    _failures.Add($"{mode} {item}: an oversize body got {status}, not 413");
                }

                return;
            }

            if (status >= 500)
            {
                _failures.Add($"{mode} {item}: {status} {HostileReplies.Shorten(body)}");
            }
            else if (status == 202)
            {
                if (item.HasUsableId)
                {
                    _failures.Add($"{mode} {item}: a request with an id was accepted (202) and never answered");
                }
            }
            else if (status is >= 200 and < 300)
            {
                var replies = Messages(body, response.Content.Headers.ContentType?.MediaType);
                if (replies.Count == 0 && item.HasUsableId)
                {
                    _failures.Add($"{mode} {item}: {status} with no JSON-RPC reply: {HostileReplies.Shorten(body)}");
                }

                foreach (var reply in replies.Where(r => HostileReplies.ErrorCode(r) is null && !HostileReplies.IsToolError(r)))
                {
                    _failures.Add($"{mode} {item}: answered with something other than an error: {HostileReplies.Shorten(reply.ToJsonString())}");
                }
            }
            else if (status is < 400 or >= 500)
            {
                _failures.Add($"{mode} {item}: unexpected status {status}");
            }
        }
        catch (OperationCanceledException)
        {
            _failures.Add($"{mode} {item}: no answer within {timeout.TotalSeconds:0}s (hang)");
        }
        catch (HttpRequestException ex)
        {
            _failures.Add($"{mode} {item}: the connection failed ({ex.HttpRequestError}: {ex.Message})");
        }
    }

    /// <summary>A real tool call that must succeed: the host (and the session) still serve.</summary>
    public async Task CheckAliveAsync(string when, HttpCorpusMode mode)
    {
        var body = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":"alive","method":"tools/call","params":{"name":"time_now","arguments":{}}}""");
        using var cancel = new CancellationTokenSource(ReplyTimeout);
        try
        {
            using var response = await PostAsync(body, mode, cancel.Token);
            var text = await response.Content.ReadAsStringAsync(cancel.Token);
            var reply = Messages(text, response.Content.Headers.ContentType?.MediaType).FirstOrDefault();
            if (response.StatusCode != HttpStatusCode.OK || reply?["result"]?["structuredContent"]?["dateTime"] is null || reply["result"]?["isError"]?.GetValue<bool>() == true)
            {
                _failures.Add($"time_now {when} did not succeed: {(int)response.StatusCode} {HostileReplies.Shorten(text)}");
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
        {
            _failures.Add($"time_now {when} failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>Posts one body as a client in <paramref name="mode"/> would.</summary>
    public async Task<HttpResponseMessage> PostAsync(byte[] body, HttpCorpusMode mode, CancellationToken cancellationToken)
    {
        if (mode == HttpCorpusMode.Stateless)
        {
            body = WithMeta(body);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        // As curl and browsers do for big uploads: the server can refuse (413) before the body is sent, instead of
        // cutting the connection while the client still writes.
        request.Headers.ExpectContinue = body.Length > 1024 * 1024;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        switch (mode)
        {
            case HttpCorpusMode.Session:
                request.Headers.Add("Mcp-Session-Id", _session ?? throw new InvalidOperationException("No session: call OpenSessionAsync first."));
                request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
                break;
            case HttpCorpusMode.Stateless:
                request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
                var (method, name) = MethodAndName(body);
                if (method is not null)
                {
                    request.Headers.TryAddWithoutValidation("Mcp-Method", method);
                }

                if (name is not null)
                {
                    request.Headers.TryAddWithoutValidation("Mcp-Name", name);
                }

                break;
        }

        return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    /// <summary>The method and tool/prompt name a 2026-07-28 client would put in headers (only header-safe values).</summary>
    private static (string? Method, string? Name) MethodAndName(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            var method = document.RootElement.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? HeaderSafe(m.GetString()) : null;
            string? name = null;
            if (document.RootElement.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object)
            {
                name = p.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? HeaderSafe(n.GetString())
                    : p.TryGetProperty("uri", out var u) && u.ValueKind == JsonValueKind.String ? HeaderSafe(u.GetString()) : null;
            }

            return (method, name);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return (null, null);
        }
    }

    private static string? HeaderSafe(string? value) =>
        value is { Length: > 0 and < 8192 } && value.All(c => c is >= ' ' and <= '~') ? value : null;

    /// <summary>The body with the 2026-07-28 _meta entries put into its params (when it is a request the harness can amend).</summary>
    private static byte[] WithMeta(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("method", out _))
            {
                return body;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return body;
        }

        if (body.AsSpan().IndexOf("\"_meta\""u8) >= 0)
        {
            return body; // The item's own _meta is what is being tested.
        }

        var marker = "\"params\":{"u8;
        var at = body.AsSpan().IndexOf(marker);
        if (at >= 0)
        {
            var after = at + marker.Length;
            var separator = body[after] == (byte)'}' ? [] : new[] { (byte)',' };
            return [.. body[..after], .. s_meta, .. separator, .. body[after..]];
        }

        return body[0] == (byte)'{' && body.AsSpan().IndexOf("\"params\""u8) < 0
            ? [(byte)'{', .. "\"params\":{"u8, .. s_meta, .. "},"u8, .. body[1..]]
            : body;
    }

    /// <summary>The JSON-RPC messages of a reply: SSE data lines, or one JSON body.</summary>
    private static List<JsonNode> Messages(string body, string? mediaType)
    {
        var result = new List<JsonNode>();
        IEnumerable<string> payloads = mediaType == "text/event-stream"
            ? body.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l[5..].Trim()).Where(l => l.Length > 0)
            : [body];
        foreach (var payload in payloads)
        {
            try
            {
                if (JsonNode.Parse(payload) is { } node)
                {
                    result.Add(node);
                }
            }
            catch (JsonException)
            {
                // Not JSON: left out, so an answer with an id that must carry a reply is reported as having none.
            }
        }

        return result;
    }
}
