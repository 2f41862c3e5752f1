using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Lumina.Host.Auth;

/// <summary>
/// The 401 every protected endpoint answers: <c>WWW-Authenticate: Bearer</c> naming the protected resource metadata
/// (RFC 9728 §5.1), with <c>error="invalid_token"</c> when a token was presented and refused (RFC 6750 §3.1).
/// </summary>
internal static class BearerChallenge
{
    /// <summary>The path of the protected resource metadata.</summary>
    public const string MetadataPath = "/.well-known/oauth-protected-resource";

    public static async Task WriteAsync(HttpContext context, TokenAuthority authority, Exception? failure)
    {
        var metadata = MetadataUri(authority);
        var header = $"Bearer resource_metadata=\"{metadata}\"";
        string detail;
        if (failure is null)
        {
            detail = "This endpoint needs credentials: send 'Authorization: Bearer <token>' with a token from POST /token (or an API key).";
        }
        else
        {
            detail = Describe(failure);
            header += $", error=\"invalid_token\", error_description=\"{detail.Replace("\"", "'", StringComparison.Ordinal)}\"";
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = header;
        context.Response.ContentType = "application/problem+json";
        await context.Response.WriteAsync(
            JsonSerializer.Serialize(new { type = "about:blank", title = "Unauthorized", status = 401, detail }),
            context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The absolute URL of the protected resource metadata, at the resource's own origin.</summary>
    public static string MetadataUri(TokenAuthority authority) =>
        new Uri(new Uri(authority.Resource), MetadataPath).AbsoluteUri;

    /// <summary>What was wrong with a token, in words safe to send back (never the token itself).</summary>
    private static string Describe(Exception failure) => failure switch
    {
        SecurityTokenExpiredException expired => $"The token expired at {expired.Expires:yyyy-MM-ddTHH:mm:ssZ}.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenInvalidAudienceException => "The token was issued for another audience, not this server.",
        SecurityTokenInvalidIssuerException => "The token was issued by an issuer this server does not trust.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature is invalid.",
        SecurityTokenInvalidAlgorithmException => "The token is signed with an algorithm this server does not accept.",
        CredentialRejectedException rejected => rejected.Message,
        _ => "The token is malformed or invalid.",
    };
}

/// <summary>
/// A credential was refused for a reason the identity store gave, in words safe to send back: an API key unknown, revoked
/// or expired; a token whose user was removed (or replaced by a new user of the name) or whose key was revoked; a reserved name.
/// </summary>
internal sealed class CredentialRejectedException(string message) : Exception(message);
