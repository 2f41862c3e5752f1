using System.Net;
using Lumina.Abstractions;

namespace Lumina.Plugins.Web;

/// <summary>
/// Decides whether a URL may be fetched and where the connection for it may go: http and https only, no user-info,
/// the host parsed as an IP literal in every form or resolved once, and every resolved address vetted against the
/// special-purpose ranges and the configured host lists.
/// </summary>
/// <remarks>
/// The fetcher connects to the returned addresses only (<see cref="WebFetcher"/>'s connect callback), so a name that
/// resolves elsewhere between this check and the connection (DNS rebinding) cannot move it. When a name has several
/// addresses, one forbidden address refuses the name: the guard does not pick the safe half of a mixed answer.
/// </remarks>
internal sealed class SsrfGuard
{
    private readonly WebOptions _options;
    private readonly IWebHostResolver _resolver;
    private readonly HostRules _allowed;
    private readonly HostRules _denied;

    public SsrfGuard(WebOptions options, IWebHostResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resolver);
        _options = options;
        _resolver = resolver;
        var errors = new List<string>();
        _allowed = HostRules.Parse(options.AllowedHosts, "Lumina:Web:AllowedHosts", errors);
        _denied = HostRules.Parse(options.DeniedHosts, "Lumina:Web:DeniedHosts", errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }
    }

    /// <summary>Parses a URL the caller gave.</summary>
    /// <exception cref="LuminaRefusalException">The text is not an absolute http or https URL.</exception>
    public static Uri ParseUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 8192)
        {
            throw new LuminaRefusalException("url must be an absolute http or https URL of at most 8192 characters.");
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            throw new LuminaRefusalException("url is not a valid absolute URL (for example https://example.com/page).");
        }

        return uri;
    }

    /// <summary>Vets a URL: the first request or a redirect's target.</summary>
    /// <exception cref="LuminaRefusalException">The URL is refused (the kind says why) or its host does not resolve.</exception>
    public async ValueTask<VettedTarget> VetAsync(Uri uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new LuminaRefusalException("Only http and https URLs can be fetched.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo) || HasUserInfo(uri.OriginalString))
        {
            throw new LuminaRefusalException("URLs with user information (user:password@host) are refused; pass no credentials in a URL.");
        }

        var host = uri.Host;
        if (host.Length == 0)
        {
            throw new LuminaRefusalException("The URL has no host.");
        }

        IPAddress? literal;
        try
        {
            literal = IpLiteral.Parse(host);
        }
        catch (FormatException)
        {
            throw new LuminaRefusalException($"The host '{host}' looks like an IP address but is not a valid one.");
        }

        string? name = null;
        if (literal is null)
        {
            name = HostRules.NormalizeName(host)
                ?? throw new LuminaRefusalException($"The host '{host}' is not a valid host name.");
        }

        if (_denied.MatchesName(name))
        {
            throw Refused(host, "is in Lumina:Web:DeniedHosts");
        }

        var nameAllowed = _allowed.MatchesName(name);
        if (!_allowed.IsEmpty && !nameAllowed && !_allowed.HasNetworks)
        {
            // No address entry could let it through: refused before anything is looked up.
            throw Refused(host, "is not in Lumina:Web:AllowedHosts");
        }

        IReadOnlyList<IPAddress> addresses = literal is not null
            ? [literal]
            : await _resolver.ResolveAsync(name!, cancellationToken).ConfigureAwait(false);
        if (addresses.Count == 0)
        {
            if (!_allowed.IsEmpty && !nameAllowed)
            {
                throw Refused(host, "is not in Lumina:Web:AllowedHosts");
            }

            throw new LuminaRefusalException(LuminaRefusalKind.NotFound, $"The host '{host}' does not resolve to any address.");
        }

        var vetted = new List<IPAddress>(addresses.Count);
        foreach (var raw in addresses)
        {
            var address = AddressRules.Normalize(raw);
            var shown = literal is null ? "resolves to" : "is";
            if (_denied.MatchesAddress(address))
            {
                throw Refused(host, $"{shown} an address in Lumina:Web:DeniedHosts");
            }

            var addressAllowed = _allowed.MatchesAddress(address);
            if (!_allowed.IsEmpty && !nameAllowed && !addressAllowed)
            {
                throw Refused(host, "is not in Lumina:Web:AllowedHosts");
            }

            if (!addressAllowed)
            {
                var kind = AddressRules.Classify(address);
                if (kind != AddressClass.Public && !(kind == AddressClass.Private && _options.AllowPrivateNetworks))
                {
                    throw Refused(host, $"{shown} a {Describe(kind)} address");
                }
            }

            if (!vetted.Contains(address))
            {
                vetted.Add(address);
            }
        }

        return new VettedTarget(uri, vetted);
    }

    private static bool HasUserInfo(string url)
    {
        // Uri drops an empty user-info ("http://@host/"); any '@' before the path still means one was written.
        var start = url.IndexOf("//", StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }

        var rest = url[(start + 2)..];
        var end = rest.IndexOfAny(['/', '?', '#', '\\']);
        var authority = end < 0 ? rest : rest[..end];
        return authority.Contains('@', StringComparison.Ordinal);
    }

    private static LuminaRefusalException Refused(string host, string why) =>
        new(LuminaRefusalKind.Forbidden, $"Refused to fetch from '{host}': it {why}. The web plugin does not reach this host's own network (Lumina:Web settings decide what it may reach).");

    private static string Describe(AddressClass kind) => kind switch
    {
        AddressClass.Private => "private-network (Lumina:Web:AllowPrivateNetworks is off)",
        AddressClass.Loopback => "loopback",
        AddressClass.LinkLocal => "link-local",
        AddressClass.Metadata => "cloud metadata",
        AddressClass.Multicast => "multicast",
        AddressClass.Unspecified => "unspecified (this-host)",
        AddressClass.Broadcast => "broadcast or reserved",
        _ => "special-purpose",
    };
}
