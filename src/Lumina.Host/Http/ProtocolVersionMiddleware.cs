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
/// </remarks>
internal sealed partial class ProtocolVersionMiddleware(RequestDelegate next, PathString endpoint, ILogger<ProtocolVersionMiddleware> logger)
{
    internal const string ProtocolVersionHeader = "MCP-Protocol-Version";
    internal const string SessionIdHeader = "Mcp-Session-Id";

    /// <summary>The revisions that predate the <c>MCP-Protocol-Version</c> header.</summary>
    private static readonly string[] PreHeaderRevisions = ["2024-11-05", "2025-03-26"];

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored MCP-Protocol-Version {Version} on a {Method} in a session: the session's negotiated version applies.")]
    private partial void LogIgnoredVersion(string version, string method);
}
