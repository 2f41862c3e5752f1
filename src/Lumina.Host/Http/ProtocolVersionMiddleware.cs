using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;

namespace Lumina.Host.Http;

/// <summary>
/// Inside an existing session, removes an <c>MCP-Protocol-Version</c> header that names a protocol revision older than
/// the header itself (2024-11-05, 2025-03-26), so the version the session negotiated at <c>initialize</c> applies.
/// </summary>
/// <remarks>
/// <para>
/// The header was introduced by the 2025-06-18 revision. A client that really speaks 2024-11-05 or 2025-03-26 sends no
/// header, and for a request without one the specification lets the server rely on the version negotiated during
/// initialization (assuming 2025-03-26 only when it has no other way to know). <c>2025-03-26</c> in the header is that
/// same fallback written out, sent by clients that hard-code it (the official conformance suite does, inside
/// 2025-11-25 sessions). The C# SDK instead treats it as a request to change the session's version and answers every
/// such call with JSON-RPC error -32600, so the call never runs.
/// </para>
/// <para>
/// Deliberately narrow, so nothing the specification requires is lost: the header stays untouched when the request
/// carries no <c>Mcp-Session-Id</c> (<c>initialize</c>, whose header must match its body, and stateless 2026-07-28
/// requests); when it names 2025-06-18 or later (a client that knows the header and states a real mismatch, which the
/// SDK still refuses); and when it names anything the server does not support (which still gets 400). Both removed
/// revisions are ones the SDK negotiates (a host test checks this), so a removal never turns a 400 into a success.
/// </para>
/// <para>
/// Outside a session it answers a version the server does not support itself (SEP-2575): 400 with an
/// <c>UnsupportedProtocolVersionError</c> whose <c>supported</c> lists the revisions a request without a session can
/// use — the ones <c>server/discover</c> lists — where the SDK would list every revision it knows, including those
/// that need the <c>initialize</c> handshake, which such a request cannot use.
/// </para>
/// </remarks>
internal sealed partial class ProtocolVersionMiddleware(RequestDelegate next, PathString endpoint, ILogger<ProtocolVersionMiddleware> logger)
{
    internal const string ProtocolVersionHeader = "MCP-Protocol-Version";
    internal const string SessionIdHeader = "Mcp-Session-Id";

    /// <summary>The revisions that predate the <c>MCP-Protocol-Version</c> header.</summary>
    private static readonly string[] PreHeaderRevisions = ["2024-11-05", "2025-03-26"];

    /// <summary>Every revision the SDK serves: those of the <c>initialize</c> handshake, and the stateless ones.</summary>
    private static readonly string[] SupportedRevisions = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"];

    /// <summary>The revisions a request without a session can use (what <c>server/discover</c> lists).</summary>
    private static readonly string[] StatelessRevisions = ["2026-07-28"];

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        if (HttpMethods.IsPost(context.Request.Method)
            && context.Request.Path.StartsWithSegments(endpoint)
            && headers.TryGetValue(ProtocolVersionHeader, out var asked)
            && asked.Count == 1
            && Array.IndexOf(SupportedRevisions, asked[0]) < 0
            && string.IsNullOrEmpty(headers[SessionIdHeader].ToString()))
        {
            return RefuseUnsupportedAsync(context, asked[0] ?? string.Empty);
        }

        if (context.Request.Path.StartsWithSegments(endpoint)
            && headers.TryGetValue(ProtocolVersionHeader, out var version)
            && version.Count == 1
            && Array.IndexOf(PreHeaderRevisions, version[0]) >= 0
            && !string.IsNullOrEmpty(headers[SessionIdHeader].ToString()))
        {
            LogIgnoredVersion(version[0]!, context.Request.Method);
            headers.Remove(ProtocolVersionHeader);
        }

        return next(context);
    }

    private static async Task RefuseUnsupportedAsync(HttpContext context, string requested)
    {
        JsonNode? id = null;
        try
        {
            id = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false))?["id"]?.DeepClone();
        }
        catch (JsonException)
        {
            // No id to echo: the error goes out with a null one, as JSON-RPC says for an unreadable request.
        }

        var error = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id,
            ["error"] = new JsonObject
            {
                ["code"] = (int)McpErrorCode.UnsupportedProtocolVersion,
                ["message"] = $"The MCP-Protocol-Version '{requested}' is not supported; without a session use one of: {string.Join(", ", StatelessRevisions)} (or initialize a 2025-11-25 session).",
                ["data"] = new JsonObject
                {
                    ["supported"] = new JsonArray([.. StatelessRevisions.Select(v => (JsonNode)v)]),
                    ["requested"] = requested,
                },
            },
        };
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(error.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored MCP-Protocol-Version {Version} on a {Method} in a session: the session's negotiated version applies.")]
    private partial void LogIgnoredVersion(string version, string method);
}
