namespace Lumina.Host.Auth;

/// <summary>The unauthenticated endpoints of HTTP authentication: the token endpoint and the discovery metadata.</summary>
internal static class HttpAuthEndpoints
{
    public static void MapLuminaHttpAuth(this WebApplication app)
    {
        var authority = app.Services.GetRequiredService<TokenAuthority>();
        // RFC 9728 §3.1 puts the metadata of https://host/mcp at /.well-known/oauth-protected-resource/mcp; clients also
        // follow the URL in WWW-Authenticate, which names the root one. Both answer the same.
        app.MapGet(BearerChallenge.MetadataPath, () => ResourceMetadata(authority)).AllowAnonymous();
        app.MapGet(BearerChallenge.MetadataPath + "/mcp", () => ResourceMetadata(authority)).AllowAnonymous();
        if (authority.IsExternal)
        {
            return;
        }

        app.MapGet("/.well-known/oauth-authorization-server", () => Results.Json(
            new AuthorizationServerMetadata(
                authority.Issuer,
                authority.Issuer + "/token",
                ["password", "client_credentials"],
                ["client_secret_post", "client_secret_basic"],
                []),
            MetadataJson.Default.AuthorizationServerMetadata)).AllowAnonymous();
        app.MapPost("/token", (HttpContext context, TokenEndpoint endpoint) => endpoint.HandleAsync(context)).AllowAnonymous().DisableAntiforgery();
    }

    private static IResult ResourceMetadata(TokenAuthority authority) => Results.Json(
        new ProtectedResourceMetadata(authority.Resource, [authority.Issuer], ["header"], "Lumina"),
        MetadataJson.Default.ProtectedResourceMetadata);
}
