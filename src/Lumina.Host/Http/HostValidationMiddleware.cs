using Microsoft.Extensions.Options;

namespace Lumina.Host.Http;

/// <summary>
/// Refuses requests whose <c>Host</c> or <c>Origin</c> names a host this server does not answer to, with 403.
/// A browser page on a rebinding DNS name can reach a loopback server, but it cannot forge these headers.
/// </summary>
internal sealed partial class HostValidationMiddleware(RequestDelegate next, IOptions<HttpHostOptions> options, ILogger<HostValidationMiddleware> logger)
{
    private readonly HashSet<string> _hosts = new(options.Value.EffectiveHosts.Select(Normalize), StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _origins = new(options.Value.AllowedOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);

    public Task InvokeAsync(HttpContext context)
    {
        var host = context.Request.Host.Host;
        if (!IsAllowedHost(host))
        {
            LogRefused("Host", context.Request.Host.Value ?? string.Empty);
            return RefuseAsync(context, "Host");
        }

        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsAllowedOrigin(origin))
        {
            LogRefused("Origin", origin);
            return RefuseAsync(context, "Origin");
        }

        return next(context);
    }

    private bool IsAllowedHost(string host) => _hosts.Contains("*") || _hosts.Contains(Normalize(host));

    private bool IsAllowedOrigin(string origin)
    {
        if (_origins.Contains(origin.TrimEnd('/')))
        {
            return true;
        }

        return Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && IsAllowedHost(uri.Host);
    }

    private static string Normalize(string host) => host.Trim().TrimStart('[').TrimEnd(']');

    private static Task RefuseAsync(HttpContext context, string header)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync($"Forbidden: the {header} header names a host this server does not serve (see Lumina:Http:AllowedHosts).");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a request whose {Header} is {Value}.")]
    private partial void LogRefused(string header, string value);
}
