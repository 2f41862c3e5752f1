using System.Security.Claims;
using System.Text.Encodings.Web;
using Lumina.Core.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Lumina.Host.Auth;

/// <summary>
/// Accepts an API key sent directly as <c>Authorization: Bearer lum_…</c>, checked against the identity store on every
/// request, so revoking a key takes effect at once; the caller is the key's owner (by the owner's id), with the key's
/// role capped by the owner's current role.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ILuminaIdentityStore store,
    CallerCheck callers,
    TokenAuthority authority)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "LuminaApiKey";

    /// <summary>The prefix every Lumina API key starts with.</summary>
    public const string KeyPrefix = "lum_";

    /// <summary>Whether the request carries an API key as its bearer token.</summary>
    public static bool CarriesKey(HttpRequest request) =>
        request.Headers.Authorization.ToString() is var value
        && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        && value.AsSpan(7).TrimStart().StartsWith(KeyPrefix, StringComparison.Ordinal);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!CarriesKey(Request))
        {
            return AuthenticateResult.NoResult();
        }

        var secret = Request.Headers.Authorization.ToString()[7..].Trim();
        LuminaApiKey key;
        (LuminaUser Owner, string Role) caller;
        try
        {
            key = await store.VerifyKeyAsync(secret, Context.RequestAborted).ConfigureAwait(false);
            caller = await callers.KeyOwnerAsync(key, Context.RequestAborted).ConfigureAwait(false);
        }
        catch (LuminaIdentityException ex)
        {
            return AuthenticateResult.Fail(new CredentialRejectedException(ex.Message));
        }
        catch (CredentialRejectedException ex)
        {
            return AuthenticateResult.Fail(ex);
        }

        var identity = new ClaimsIdentity(LuminaTokenClaims.For(caller.Owner.Id, caller.Owner.Username, caller.Role, key.Id, key.ToolSet ?? caller.Owner.ToolSet), SchemeName, LuminaTokenClaims.Name, LuminaTokenClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // The verdict of this request's authentication (cached by the base class), so the answer can say what was wrong.
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        await BearerChallenge.WriteAsync(Context, authority, result.Failure).ConfigureAwait(false);
    }
}
