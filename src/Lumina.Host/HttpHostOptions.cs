namespace Lumina.Host;

/// <summary>Settings of <c>Lumina:Http</c>: the streamable HTTP endpoint.</summary>
public sealed class HttpHostOptions
{
    public const string SectionName = "Lumina:Http";

    /// <summary>
    /// Host names a request may address (the <c>Host</c> header, and the host of an <c>Origin</c> header). Anything else
    /// gets 403, which defeats DNS rebinding. <c>*</c> allows any host (only behind a proxy that checks it).
    /// </summary>
    /// <value>The default value is <c>localhost</c>, <c>127.0.0.1</c> and <c>[::1]</c>.</value>
    public IList<string> AllowedHosts { get; set; } = [];

    /// <summary>Extra origins allowed to call from a browser (<c>https://app.example.com</c>), beyond the allowed hosts.</summary>
    /// <value>The default value is empty.</value>
    public IList<string> AllowedOrigins { get; set; } = [];

    /// <summary>The largest request body accepted, in bytes; larger requests get 413.</summary>
    /// <value>The default value is 4 MiB.</value>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How long an idle session is kept.</summary>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many idle sessions are kept at most; the oldest go first.</summary>
    /// <value>The default value is 1000.</value>
    public int MaxIdleSessions { get; set; } = 1000;

    internal static readonly string[] DefaultHosts = ["localhost", "127.0.0.1", "[::1]"];

    internal IReadOnlyList<string> EffectiveHosts => AllowedHosts.Count == 0 ? DefaultHosts : [.. AllowedHosts];
}
