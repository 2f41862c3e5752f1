namespace Lumina.Host.Http;

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

    /// <summary>
    /// How many sessions one caller may have open at once; a new session past it gets 429. A caller is an authenticated
    /// user (by id), or — without credentials — a client address. This keeps one caller from filling
    /// <see cref="MaxIdleSessions"/> and so pushing out other callers' idle sessions.
    /// </summary>
    /// <value>The default value is 32.</value>
    public int MaxSessionsPerIdentity { get; set; } = 32;

    /// <summary>How many idle sessions are kept at most; the oldest go first.</summary>
    /// <value>The default value is 1000.</value>
    public int MaxIdleSessions { get; set; } = 1000;

    /// <summary>
    /// How long a sent SSE event is kept so a client that lost its stream can resume with <c>Last-Event-ID</c>.
    /// Clients reconnect within seconds; keeping events longer only costs memory under load.
    /// </summary>
    /// <value>The default value is 2 minutes.</value>
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The most memory the kept SSE events may take, in bytes — each counted as its JSON, its id and its bookkeeping;
    /// past it finished streams are dropped first, oldest first, then the oldest events of open ones. 8 MiB keeps the
    /// answers of the last ten thousand or so calls beside the open streams; a larger bound only grows the heap under
    /// load (the measurement is in <c>bench/README.md</c>).
    /// </summary>
    /// <value>The default value is 8 MiB.</value>
    public long MaxEventStoreBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// How long a client that reconnects (GET with <c>Last-Event-ID</c>) to a call that released its stream is held
    /// waiting for the call's next event before the stream ends and the client polls again. Zero answers at once.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan ResumeWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether the web console is served at <c>/console</c> (static files; its data comes from the HTTP API with the
    /// signed-in user's token, so turning it off removes no API).
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Console { get; set; } = true;

    internal static readonly string[] DefaultHosts = ["localhost", "127.0.0.1", "[::1]"];

    internal IReadOnlyList<string> EffectiveHosts => AllowedHosts.Count == 0 ? DefaultHosts : [.. AllowedHosts];
}
