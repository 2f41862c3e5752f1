using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Lumina.Bench.Compare;

/// <summary>
/// One MCP client over streamable HTTP. In the 2025-11-25 era it initializes once, then reuses the session for every
/// call; stateless (2026-07-28) it sends no <c>initialize</c> and keeps no session: each POST carries
/// <c>MCP-Protocol-Version</c>, <c>Mcp-Method</c> and <c>Mcp-Name</c>, and its <c>params._meta</c> says who the client
/// is. With an access token every request carries <c>Authorization: Bearer</c>. Replies may come as JSON or as SSE
/// (each <c>data:</c> line one message); the reply with the request's id is the answer.
/// </summary>
internal sealed class HttpMcpSession(HttpClient http, Uri endpoint, string serverName, string? accessToken = null, bool stateless = false)
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");
    private readonly AuthenticationHeaderValue? _authorization = accessToken is null ? null : new("Bearer", accessToken);
    private string? _sessionId;
    private long _nextId;

    /// <summary>Starts the session (2025-11-25); stateless there is nothing to start.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (stateless)
        {
            return;
        }

        var id = ++_nextId;
        using (var reply = await PostAsync(JsonRpc.Initialize(id), id, captureSession: true, cancellationToken))
        {
            JsonRpc.Result(reply!.RootElement, $"{serverName} initialize");
        }

        using var _ = await PostAsync(JsonRpc.Initialized, null, captureSession: false, cancellationToken);
    }

    public async Task EchoAsync(string message, CancellationToken cancellationToken)
    {
        var id = ++_nextId;
        using var reply = await PostAsync(stateless ? JsonRpc.EchoStateless(id, message) : JsonRpc.Echo(id, message), id, captureSession: false, cancellationToken);
        try
        {
            JsonRpc.CheckEcho(reply!.RootElement, message);
        }
        catch (BenchFailure ex)
        {
            throw new BenchFailure($"{serverName} (HTTP): {ex.Message}");
        }
    }

    /// <summary>Ends the session (servers that keep sessions free them now rather than at their idle timeout).</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (_sessionId is null)
        {
            return;
        }

        using var request = new HttpRequestMessage(HttpMethod.Delete, endpoint);
        request.Headers.Add("Mcp-Session-Id", _sessionId);
        request.Headers.Add("MCP-Protocol-Version", JsonRpc.ProtocolVersion);
        request.Headers.Authorization = _authorization;
        using var response = await http.SendAsync(request, cancellationToken);
        _sessionId = null;
    }

    private async Task<JsonDocument?> PostAsync(string body, long? id, bool captureSession, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new ByteArrayContent(JsonRpc.Utf8(body)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(Json);
        request.Headers.Accept.Add(EventStream);
        request.Headers.Authorization = _authorization;
        if (stateless)
        {
            // The one request the benchmark sends without a session: a tools/call of echo.
            request.Headers.Add("MCP-Protocol-Version", JsonRpc.StatelessProtocolVersion);
            request.Headers.Add("Mcp-Method", "tools/call");
            request.Headers.Add("Mcp-Name", "echo");
        }
        else if (_sessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", _sessionId);
            request.Headers.Add("MCP-Protocol-Version", JsonRpc.ProtocolVersion);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchFailure($"{serverName} (HTTP): {(int)response.StatusCode} {response.StatusCode} for {body[..Math.Min(80, body.Length)]}…: {text[..Math.Min(300, text.Length)]}");
        }

        if (stateless && response.Headers.Contains("Mcp-Session-Id"))
        {
            throw new BenchFailure($"{serverName} (HTTP): a stateless {JsonRpc.StatelessProtocolVersion} request was given a session");
        }

        if (captureSession)
        {
            _sessionId = response.Headers.TryGetValues("Mcp-Session-Id", out var values) ? values.FirstOrDefault() : null;
        }

        if (id is null)
        {
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new BenchFailure($"{serverName} (HTTP): a notification got {(int)response.StatusCode}, not 202");
            }

            return null;
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType == "text/event-stream")
        {
            foreach (var line in text.Split('\n'))
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal))
                {
                    continue;
                }

                var data = line.AsSpan(5).Trim();
                if (data.IsEmpty)
                {
                    continue;
                }

                var message = JsonDocument.Parse(data.ToString());
                if (JsonRpc.Id(message.RootElement) == id && !JsonRpc.IsRequestFromServer(message.RootElement))
                {
                    return message;
                }

                message.Dispose();
            }

            throw new BenchFailure($"{serverName} (HTTP): the SSE reply has no message with id {id}: {text[..Math.Min(300, text.Length)]}");
        }

        if (mediaType == "application/json")
        {
            var message = JsonDocument.Parse(text);
            if (JsonRpc.Id(message.RootElement) != id)
            {
                message.Dispose();
                throw new BenchFailure($"{serverName} (HTTP): reply id does not match {id}: {text[..Math.Min(300, text.Length)]}");
            }

            return message;
        }

        throw new BenchFailure($"{serverName} (HTTP): unexpected content type '{mediaType}' for a request");
    }
}
