using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Lumina.Core.Auth;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Lumina.Host.Auth;

/// <summary>
/// <c>POST /token</c>, an OAuth 2.0 token endpoint (RFC 6749 §3.2): the password grant for users and the
/// client-credentials grant for API keys (the key as <c>client_secret</c>, in the form or with HTTP Basic). It answers
/// with a short-lived HS256 JWT whose audience is this server's resource URI.
/// </summary>
internal sealed partial class TokenEndpoint(
    ILuminaIdentityStore store,
    TokenAuthority authority,
    SignInThrottle throttle,
    CallerCheck callers,
    IOptions<HttpAuthOptions> options,
    TimeProvider time,
    ILogger<TokenEndpoint> logger)
{
    private readonly JsonWebTokenHandler _handler = new();

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        // RFC 6749 §5.1: token answers, good or bad, are never cached.
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        if (!context.Request.HasFormContentType)
        {
            return Error(400, "invalid_request", "Send the token request as application/x-www-form-urlencoded.");
        }

        var form = await context.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return form["grant_type"].ToString() switch
        {
            "password" => await PasswordAsync(form, client, cancellationToken).ConfigureAwait(false),
            "client_credentials" => await ClientCredentialsAsync(context.Request, form, client, cancellationToken).ConfigureAwait(false),
            "" => Error(400, "invalid_request", "grant_type is missing: use 'password' or 'client_credentials'."),
            var other => Error(400, "unsupported_grant_type", $"The grant type '{Truncate(other)}' is not supported: use 'password' or 'client_credentials'."),
        };
    }

    private async Task<IResult> PasswordAsync(IFormCollection form, string client, CancellationToken cancellationToken)
    {
        var username = form["username"].ToString();
        var password = form["password"].ToString();
        if (username.Length == 0 || password.Length == 0)
        {
            return Error(400, "invalid_request", "The password grant needs 'username' and 'password'.");
        }

        try
        {
            // A name that is not a user's (the stdio caller's, anonymous callers'): refused before anything is counted or checked.
            callers.RefuseReserved(username);
        }
        catch (CredentialRejectedException ex)
        {
            return Error(400, "invalid_grant", ex.Message);
        }

        var attempt = await throttle.ReserveAsync(username, client, cancellationToken).ConfigureAwait(false);
        if (attempt.LockedFor is { } locked)
        {
            return LockedOut(locked);
        }

        var user = await store.VerifyPasswordAsync(username, password, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            LogFailed("password", Truncate(username), client);
            await Task.Delay(attempt.Failed(), time, cancellationToken).ConfigureAwait(false);
            return Error(400, "invalid_grant", "The user name or password is wrong.");
        }

        await attempt.SucceededAsync(cancellationToken).ConfigureAwait(false);
        return Issue(user.Id, user.Username, user.Role, keyId: null, notAfter: null);
    }

    private async Task<IResult> ClientCredentialsAsync(HttpRequest request, IFormCollection form, string client, CancellationToken cancellationToken)
    {
        var clientId = form["client_id"].ToString();
        var secret = form["client_secret"].ToString();
        var basic = false;
        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            && string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            basic = true;
            if (!TryReadBasic(header.Parameter, out clientId, out secret))
            {
                return ClientError(basic, "The Basic credentials are malformed: send base64(client_id:client_secret).");
            }
        }

        if (secret.Length == 0)
        {
            return ClientError(basic, "The client-credentials grant needs the API key as client_secret (or HTTP Basic).");
        }

        var attempt = await throttle.ReserveAsync(null, client, cancellationToken).ConfigureAwait(false);
        if (attempt.LockedFor is { } locked)
        {
            return LockedOut(locked);
        }

        LuminaApiKey key;
        (LuminaUser Owner, string Role) caller;
        try
        {
            key = await store.VerifyKeyAsync(secret, cancellationToken).ConfigureAwait(false);
            if (clientId.Length > 0 && !string.Equals(clientId, key.Id, StringComparison.Ordinal))
            {
                throw new LuminaIdentityException("client_id does not name this key.");
            }

            caller = await callers.KeyOwnerAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LuminaIdentityException or CredentialRejectedException)
        {
            LogFailed("client_credentials", Truncate(clientId), client);
            await Task.Delay(attempt.Failed(), time, cancellationToken).ConfigureAwait(false);
            return ClientError(basic, ex.Message);
        }

        await attempt.SucceededAsync(cancellationToken).ConfigureAwait(false);
        return Issue(caller.Owner.Id, caller.Owner.Username, caller.Role, key.Id, key.ExpiresAt);
    }

    private IResult Issue(string userId, string username, string role, string? keyId, DateTimeOffset? notAfter)
    {
        var now = time.GetUtcNow();
        var expires = now + options.Value.TokenLifetime;
        if (notAfter is { } keyExpiry && keyExpiry < expires)
        {
            // A token never outlives the key it was issued for.
            expires = keyExpiry;
        }

        var claims = LuminaTokenClaims.For(userId, username, role, keyId);
        claims.Add(new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")));
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = authority.Issuer,
            Audience = authority.Resource,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(authority.SigningKey, SecurityAlgorithms.HmacSha256),
        });
        LogIssued(username, role, keyId ?? "-");
        return Results.Json(
            new TokenResponse(token, "Bearer", (long)Math.Max(0, (expires - now).TotalSeconds)),
            TokenJson.Default.TokenResponse,
            statusCode: 200);
    }

    private static bool TryReadBasic(string? parameter, out string clientId, out string secret)
    {
        clientId = secret = string.Empty;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(parameter ?? string.Empty));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return false;
            }

            // RFC 6749 §2.3.1: both parts are form-url-encoded before they are joined.
            clientId = Uri.UnescapeDataString(text[..colon].Replace('+', ' '));
            secret = Uri.UnescapeDataString(text[(colon + 1)..].Replace('+', ' '));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static OAuthError ClientError(bool basic, string description) =>
        new OAuthError(401, "invalid_client", description, basic ? "Basic realm=\"lumina\"" : null, null);

    private static OAuthError LockedOut(TimeSpan wait)
    {
        var seconds = (long)Math.Ceiling(wait.TotalSeconds);
        return new OAuthError(429, "invalid_grant", $"Too many failed sign-ins: locked out; try again in {seconds} s.", null, seconds);
    }

    private static OAuthError Error(int status, string error, string description) => new OAuthError(status, error, description, null, null);

    private static string Truncate(string text) => text.Length > 64 ? text[..64] : text;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Grant} token request for '{Name}' from {Client}.")]
    private partial void LogFailed(string grant, string name, string client);

    [LoggerMessage(Level = LogLevel.Information, Message = "Issued a token to {User} (role {Role}, key {KeyId}).")]
    private partial void LogIssued(string user, string role, string keyId);

    /// <summary>An OAuth error answer (RFC 6749 §5.2), never cached.</summary>
    private sealed class OAuthError(int status, string error, string description, string? challenge, long? retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var headers = httpContext.Response.Headers;
            if (challenge is not null)
            {
                headers.WWWAuthenticate = challenge;
            }

            if (retryAfter is { } seconds)
            {
                headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            return Results.Json(new TokenError(error, description), TokenJson.Default.TokenError, statusCode: status).ExecuteAsync(httpContext);
        }
    }
}
