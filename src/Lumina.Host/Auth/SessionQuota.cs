using System.Text.Json;
using Lumina.Host.Http;
using Lumina.Mcp;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace Lumina.Host.Auth;

/// <summary>
/// Caps the live MCP sessions of each identity (<see cref="HttpHostOptions.MaxSessionsPerIdentity"/>): a caller at the
/// cap gets 429 for a new session, so no caller can fill the pool of idle sessions and push other callers' sessions out.
/// </summary>
/// <remarks>
/// An identity is an authenticated caller's id (<c>sub</c>); callers without credentials (anonymous access) are told
/// apart by client address, so one anonymous client cannot use up the sessions of every other. A request that may open
/// a session (a POST without <c>Mcp-Session-Id</c>) reserves a place before the SDK sees it, so concurrent
/// <c>initialize</c> calls cannot overshoot the cap; the place goes to the session the request opened, or back when it
/// opened none (a stateless request), and is freed when the session ends (deleted, or expired when idle).
/// </remarks>
internal sealed partial class SessionQuota(IOptions<HttpHostOptions> options, ILogger<SessionQuota> logger)
{
    private static readonly object s_reservationKey = new();
    private readonly int _cap = options.Value.MaxSessionsPerIdentity;
    private readonly Dictionary<string, int> _live = new(StringComparer.Ordinal);

    /// <summary>The identity whose sessions a request counts against.</summary>
    public static string IdentityOf(HttpContext context) =>
        LuminaClaims.Caller(context.User) is { } caller
            ? "user:" + caller.Id
            : "anonymous:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    /// <summary>Runs a session (see <see cref="LuminaMcpSessions.RunAsync"/>) holding the place its opening request reserved.</summary>
    public async Task RunAsync(HttpContext context, McpServer server, CancellationToken cancellationToken)
    {
        var place = context.Items[s_reservationKey] as Place;
        if (place is null || !place.Claim())
        {
            // Opened without a reservation (none should be): counted all the same, so its end balances the books.
            place = Take(IdentityOf(context), force: true)!;
            place.Claim();
        }

        try
        {
            await LuminaMcpSessions.RunAsync(server, context.RequestServices, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Free(place.Identity);
        }
    }

    /// <summary>The live sessions (and pending reservations) of <paramref name="identity"/>.</summary>
    public int Count(string identity)
    {
        lock (_live)
        {
            return _live.GetValueOrDefault(identity);
        }
    }

    private Place? Take(string identity, bool force)
    {
        lock (_live)
        {
            var count = _live.GetValueOrDefault(identity);
            if (count >= _cap && !force)
            {
                return null;
            }

            _live[identity] = count + 1;
            return new Place(identity);
        }
    }

    private void Free(string identity)
    {
        lock (_live)
        {
            var count = _live.GetValueOrDefault(identity) - 1;
            if (count <= 0)
            {
                _live.Remove(identity);
            }
            else
            {
                _live[identity] = count;
            }
        }
    }

    /// <summary>A reserved place: claimed by the session its request opened, or given back when the request ends.</summary>
    private sealed class Place(string identity)
    {
        private int _state;

        public string Identity { get; } = identity;

        public bool Claim() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public bool GiveBack() => Interlocked.CompareExchange(ref _state, 2, 0) == 0;
    }

    /// <summary>Reserves a place for each request to the MCP endpoint that may open a session; refuses new sessions past the cap.</summary>
    internal sealed class Middleware(RequestDelegate next, PathString endpoint, SessionQuota quota)
    {
        public async Task InvokeAsync(HttpContext context)
        {
            if (!HttpMethods.IsPost(context.Request.Method)
                || !context.Request.Path.StartsWithSegments(endpoint)
                || !string.IsNullOrEmpty(context.Request.Headers[ProtocolVersionMiddleware.SessionIdHeader].ToString()))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            var identity = IdentityOf(context);
            var place = quota.Take(identity, force: false);
            if (place is null)
            {
                if (await OpensSessionAsync(context.Request).ConfigureAwait(false))
                {
                    quota.LogRefused(identity, quota._cap);
                    await RefuseAsync(context, quota._cap).ConfigureAwait(false);
                    return;
                }

                // At the cap, but a stateless request: it opens nothing, so it needs no place.
                await next(context).ConfigureAwait(false);
                return;
            }

            context.Items[s_reservationKey] = place;
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                if (place.GiveBack())
                {
                    quota.Free(identity);
                }
            }
        }

        /// <summary>Whether the request is an <c>initialize</c> (which opens a session); the body stays readable for the SDK.</summary>
        private static async Task<bool> OpensSessionAsync(HttpRequest request)
        {
            request.EnableBuffering();
            try
            {
                using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
                return document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("method", out var method)
                    && method.ValueKind == JsonValueKind.String
                    && method.ValueEquals("initialize");
            }
            catch (JsonException)
            {
                // Unreadable: the SDK answers it; it opens no session.
                return false;
            }
            finally
            {
                request.Body.Position = 0;
            }
        }

        private static async Task RefuseAsync(HttpContext context, int cap)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.ContentType = "application/json; charset=utf-8";
            var body = """{"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"Too many sessions: this caller already has """
                + cap.ToString(System.Globalization.CultureInfo.InvariantCulture)
                + """ open sessions, the most allowed (Lumina:Http:MaxSessionsPerIdentity). Close one (DELETE with its Mcp-Session-Id) or reuse it."}}""";
            await context.Response.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a new MCP session for {Identity}: it has {Cap} open sessions, the most allowed.")]
    private partial void LogRefused(string identity, int cap);
}
