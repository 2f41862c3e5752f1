using Lumina.Abstractions;

namespace Lumina.Federation;

/// <summary>One upstream MCP server (<c>Lumina:Servers:&lt;name&gt;</c>): over stdio (a command) or streamable HTTP (a URL).</summary>
public sealed class UpstreamServerOptions
{
    /// <summary>The program that serves MCP on its stdin and stdout.</summary>
    public string? Command { get; set; }

    /// <summary>Its arguments.</summary>
    public IList<string> Args { get; set; } = [];

    /// <summary>Environment variables added to the host's for it.</summary>
    public IDictionary<string, string> Env { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Its working directory (default: the host's).</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>The streamable HTTP endpoint of a server reached over the network.</summary>
    public Uri? Url { get; set; }

    /// <summary>Headers sent with every request to <see cref="Url"/> (an API key, say). A caller's own token is never passed on.</summary>
    public IDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The client id of an OAuth 2.0 client credentials grant: with <see cref="ClientSecret"/> and <see cref="TokenUrl"/>,
    /// every request to <see cref="Url"/> carries an access token got from <see cref="TokenUrl"/> (and renewed before it
    /// expires, or when the server answers 401).
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret of <see cref="ClientId"/>: sent only to <see cref="TokenUrl"/>, never shown in an error.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The token endpoint of the authorization server: an absolute https URL (http only to a loopback address).</summary>
    public Uri? TokenUrl { get; set; }

    /// <summary>The scopes asked for with <see cref="ClientId"/>, sent space-separated as <c>scope</c>; none: the authorization server's default.</summary>
    public IList<string> Scopes { get; set; } = [];

    /// <summary>
    /// What the names of its tools and prompts begin with here (default <c>&lt;name&gt;_</c>). Empty serves them, and its
    /// resources' URIs, as the server names them (no <c>&lt;name&gt;+</c> either): for one server standing in for
    /// another, when no name of it clashes with one Lumina serves already.
    /// </summary>
    public string? Prefix { get; set; }

    /// <summary>
    /// Whether each caller gets a connection (a process, over stdio) of their own, for a server that keeps one user's
    /// state or acts with one user's rights; the shared connection then only lists what the server has.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: one connection shared by every caller.</value>
    public bool PerCaller { get; set; }

    /// <summary>How long a caller's own connection (<see cref="PerCaller"/>) stays open unused.</summary>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many callers may have a connection of their own at once (<see cref="PerCaller"/>); one more is refused until one closes.</summary>
    /// <value>The default value is 32.</value>
    public int MaxConnections { get; set; } = 32;

    /// <summary>Whether it is served at all.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>How long one call may take before it fails with a clear error.</summary>
    /// <value>The default value is 2 minutes.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>When to connect: <c>lazy</c> (at the first list or call) or <c>eager</c> (when the host starts).</summary>
    /// <value>The default value is <see cref="UpstreamStart.Lazy"/>.</value>
    public UpstreamStart Start { get; set; } = UpstreamStart.Lazy;

    /// <summary>What a tool whose descriptor changed since it was approved does: quarantined (<c>strict</c>), served and reported (<c>warn</c>), or nothing (<c>off</c>).</summary>
    /// <value>The default value is <see cref="UpstreamPinning.Strict"/>.</value>
    public UpstreamPinning Pinning { get; set; } = UpstreamPinning.Strict;

    /// <summary>The permission its tools need; unset, read-only tools need read and the others write.</summary>
    public LuminaPermission? Permission { get; set; }
}
