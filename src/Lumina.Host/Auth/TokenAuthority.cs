using System.Security.Cryptography;
using System.Text;
using Lumina.Host.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Lumina.Host.Auth;

/// <summary>
/// Who this server is to tokens: its issuer, its resource URI (the audience a token must name) and its signing key.
/// </summary>
/// <remarks>
/// Unless configured, the issuer and resource come from the address the server actually listens on, which is known
/// only once Kestrel has bound (port 0 picks a free port); they are read on first use, which is a request.
/// </remarks>
internal sealed partial class TokenAuthority
{
    private readonly HttpAuthOptions _options;
    private readonly IServer _server;
    private readonly Lazy<(string Issuer, string Resource)> _names;

    public TokenAuthority(IOptions<HttpAuthOptions> options, IServer server, ILogger<TokenAuthority> logger)
    {
        _options = options.Value;
        _server = server;
        byte[] key;
        if (_options.SigningKey is { } configured)
        {
            key = Encoding.UTF8.GetBytes(configured);
        }
        else
        {
            key = RandomNumberGenerator.GetBytes(HttpAuthOptions.MinimumSigningKeyBytes);
            if (!IsExternal)
            {
                LogRandomKey(logger);
            }
        }

        SigningKey = new SymmetricSecurityKey(key) { KeyId = Convert.ToHexStringLower(SHA256.HashData(key))[..16] };
        _names = new(ResolveNames);
    }

    /// <summary>Whether tokens come from an external OpenID Connect authority (then Lumina issues none).</summary>
    public bool IsExternal => _options.Authority is not null;

    /// <summary>The key that signs and checks Lumina's own tokens (HS256).</summary>
    public SymmetricSecurityKey SigningKey { get; }

    /// <summary>The issuer of Lumina's own tokens, or the external authority.</summary>
    public string Issuer => IsExternal ? _options.Authority! : _names.Value.Issuer;

    /// <summary>This server's resource URI.</summary>
    public string Resource => _names.Value.Resource;

    /// <summary>The audience accepted tokens must name.</summary>
    public string Audience => IsExternal ? _options.Audience ?? Resource : Resource;

    private (string Issuer, string Resource) ResolveNames()
    {
        var address = _server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? HttpServer.DefaultUrl;
        var baseUri = address.TrimEnd('/');
        var issuer = _options.Issuer?.TrimEnd('/') ?? baseUri;
        var resource = _options.Resource ?? baseUri + "/mcp";
        return (issuer, resource);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lumina:Auth:SigningKey is not set: tokens are signed with a random key made at start. They will not survive a restart and no other host accepts them; set Lumina__Auth__SigningKey (at least 32 bytes) to keep them.")]
    private static partial void LogRandomKey(ILogger logger);
}
