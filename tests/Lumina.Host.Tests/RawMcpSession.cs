using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json.Nodes;

namespace Lumina.Host.Tests;

/// <summary>
/// A 2025-11-25 session driven with raw HTTP requests, so a test controls every header (<c>MCP-Protocol-Version</c>,
/// <c>Last-Event-ID</c>) and sees every SSE event, as a client library would hide them.
/// </summary>
internal sealed class RawMcpSession(HttpClient http, Uri endpoint, string sessionId)
{
    public const string NegotiatedVersion = "2025-11-25";

    public string SessionId => sessionId;

    /// <summary>Initializes a session (2025-11-25) and sends <c>notifications/initialized</c>.</summary>
    public static async Task<RawMcpSession> StartAsync(HttpClient http, Uri endpoint)
    {
        using var response = await SendAsync(http, Post(endpoint, Initialize(NegotiatedVersion), NegotiatedVersion, sessionId: null));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var session = new RawMcpSession(http, endpoint, response.Headers.GetValues("Mcp-Session-Id").Single());
        await ReadEventsAsync(response);
        using var initialized = await session.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", NegotiatedVersion);
        initialized.StatusCode.Should().Be(HttpStatusCode.Accepted);
        return session;
    }

    public static string Initialize(string protocolVersion) =>
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":""" + $"\"{protocolVersion}\"" + ""","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    public static string CallTool(int id, string tool, string? gate = null)
    {
        var arguments = gate is null ? "{}" : $$"""{"gate":"{{gate}}"}""";
        return $$$"""{"jsonrpc":"2.0","id":{{{id}}},"method":"tools/call","params":{"name":"{{{tool}}}","arguments":{{{arguments}}}""" + "}}";
    }

    public static HttpRequestMessage Post(Uri endpoint, string body, string? protocolVersion, string? sessionId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        AddMcpHeaders(request, protocolVersion, sessionId);
        return request;
    }

    /// <summary>POSTs a message in this session with the given <c>MCP-Protocol-Version</c> header (none when null).</summary>
    public Task<HttpResponseMessage> SendAsync(string body, string? protocolVersion) =>
        SendAsync(http, Post(endpoint, body, protocolVersion, sessionId));

    /// <summary>Resumes a stream: GET with <c>Last-Event-ID</c>, as a client does after losing (or being released from) it.</summary>
    public Task<HttpResponseMessage> ResumeAsync(string lastEventId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("Last-Event-ID", lastEventId);
        AddMcpHeaders(request, NegotiatedVersion, sessionId);
        return SendAsync(http, request);
    }

    /// <summary>Every SSE event of a response, to the end of its stream.</summary>
    public static async Task<List<SseItem<string>>> ReadEventsAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.Should().Be("text/event-stream");
        await using var body = await response.Content.ReadAsStreamAsync();
        var events = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(body).EnumerateAsync())
        {
            events.Add(item);
        }

        return events;
    }

    /// <summary>The JSON-RPC message answering request <paramref name="id"/> among <paramref name="events"/>, if any.</summary>
    public static JsonObject? Answer(IEnumerable<SseItem<string>> events, int id) =>
        events.Where(e => e.Data.Length > 0)
            .Select(e => JsonNode.Parse(e.Data) as JsonObject)
            .FirstOrDefault(m => m?["id"]?.GetValueKind() == System.Text.Json.JsonValueKind.Number && (int)m["id"]! == id);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        using (request)
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        }
    }

    private static void AddMcpHeaders(HttpRequestMessage request, string? protocolVersion, string? sessionId)
    {
        if (protocolVersion is not null)
        {
            request.Headers.Add("MCP-Protocol-Version", protocolVersion);
        }

        if (sessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", sessionId);
        }
    }
}
