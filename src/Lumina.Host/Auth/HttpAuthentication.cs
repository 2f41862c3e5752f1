using System.Security.Claims;
using Lumina.Core.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Lumina.Host.Auth;

/// <summary>
/// HTTP authentication: bearer JWTs (Lumina's own from <c>POST /token</c>, or an external OpenID Connect authority's)
/// and API keys sent as bearer tokens; anonymous callers only when <c>Lumina:Auth:AnonymousRole</c> is set.
/// </summary>
internal static class HttpAuthentication
{
    /// <summary>The policy every protected endpoint (<c>/mcp</c>, <c>/v1/…</c>) requires.</summary>
    public const string Policy = "lumina";

    /// <summary>The scheme that picks the API key handler or JwtBearer by the shape of the bearer token.</summary>
    private const string SelectorScheme = "Lumina";

    public static IServiceCollection AddLuminaHttpAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HttpAuthOptions>().Bind(configuration.GetSection(HttpAuthOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HttpAuthOptions>, HttpAuthOptionsValidator>();
        services.AddSingleton<TokenAuthority>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<CallerCheck>();
        services.AddSingleton<ValidatedTokens>();
        services.AddSingleton<SessionQuota>();
        services.AddHostedService<ReservedUsersWarning>();
        services.AddSingleton<TokenEndpoint>();

        services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, "Lumina bearer", o => o.ForwardDefaultSelector = context =>
                ApiKeyAuthenticationHandler.CarriesKey(context.Request) ? ApiKeyAuthenticationHandler.SchemeName : JwtBearerDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddJwtBearer();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ConfigureJwtBearer>();
        services.AddSingleton<IAuthorizationHandler, CallerRequirementHandler>();
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddRequirements(new CallerRequirement()));
        WithoutDataProtectionAtStart(services);
        return services;
    }

    /// <summary>
    /// Removes the hosted service that authentication's data protection registers to load its key ring at start.
    /// </summary>
    /// <remarks>
    /// Lumina protects nothing with ASP.NET Core data protection (no cookies, no antiforgery; its tokens are JWTs signed
    /// with its own key), so the key ring is not read at start: reading it creates an XML key file under the user's home
    /// (<c>~/.aspnet/DataProtection-Keys</c>) and loads the XML stack (idle memory in <c>bench/README.md</c>). Should
    /// anything use data protection later, the key ring still loads on its first use.
    /// </remarks>
    private static void WithoutDataProtectionAtStart(IServiceCollection services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService)
                && services[i].ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService")
            {
                services.RemoveAt(i);
            }
        }
    }

    /// <summary>
    /// Lumina's JwtBearer settings, read on first use (a request), when the server's address — the default issuer and
    /// audience — is known.
    /// </summary>
    private sealed class ConfigureJwtBearer(TokenAuthority authority, CallerCheck callers, ValidatedTokens tokens, IOptions<HttpAuthOptions> options) : IConfigureNamedOptions<JwtBearerOptions>
    {
        public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

        public void Configure(string? name, JwtBearerOptions jwt)
        {
            if (name != JwtBearerDefaults.AuthenticationScheme)
            {
                return;
            }

            var settings = options.Value;
            // Claims keep their JWT names (sub, name, role): the MCP caller resolver and the API read those.
            jwt.MapInboundClaims = false;
            var validation = jwt.TokenValidationParameters;
            validation.NameClaimType = LuminaTokenClaims.Name;
            validation.RoleClaimType = LuminaTokenClaims.Role;
            validation.ValidateIssuer = true;
            validation.ValidateAudience = true;
            validation.ValidateLifetime = true;
            validation.RequireExpirationTime = true;
            validation.RequireSignedTokens = true;
            validation.ValidateIssuerSigningKey = true;
            validation.ClockSkew = settings.ClockSkew;
            validation.ValidAudience = authority.Audience;
            if (authority.IsExternal)
            {
                jwt.Authority = settings.Authority;
                jwt.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            }
            else
            {
                validation.ValidIssuer = authority.Issuer;
                validation.IssuerSigningKey = authority.SigningKey;
                // Only the algorithm Lumina signs with: no "none", no key confusion.
                validation.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
            }

            jwt.Events = new JwtBearerEvents
            {
                // A token checked moments ago is its caller again (see ValidatedTokens for how long, and why that is safe).
                OnMessageReceived = context =>
                {
                    if (tokens.TryGet(context.Request.Headers.Authorization, out var principal))
                    {
                        context.Principal = principal;
                        context.Success();
                    }

                    return Task.CompletedTask;
                },
                OnTokenValidated = async context =>
                {
                    RoleClaims.Normalize(context.Principal, settings.RoleClaim);
                    if (context.Principal?.Identity is ClaimsIdentity identity)
                    {
                        try
                        {
                            // A signature proves who the token was issued to, not that they are still a user with that role.
                            var confirmedAsOf = await callers.ConfirmTokenAsync(identity, authority.IsExternal, context.HttpContext.RequestAborted).ConfigureAwait(false);
                            tokens.Keep(context.Request.Headers.Authorization, context.Principal!, context.SecurityToken.ValidTo, confirmedAsOf);
                        }
                        catch (CredentialRejectedException ex)
                        {
                            context.Fail(ex);
                        }
                    }
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    await BearerChallenge.WriteAsync(context.HttpContext, authority, context.AuthenticateFailure).ConfigureAwait(false);
                },
            };
        }
    }

    /// <summary>An authenticated caller, or — when <c>Lumina:Auth:AnonymousRole</c> is set — one who sent no credentials at all.</summary>
    private sealed class CallerRequirement : IAuthorizationRequirement;

    /// <remarks>
    /// A caller who sent a bad token is refused even when anonymous access is on: a broken credential is never quietly
    /// downgraded to anonymous.
    /// </remarks>
    private sealed class CallerRequirementHandler(IOptions<LuminaAuthOptions> auth) : AuthorizationHandler<CallerRequirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CallerRequirement requirement)
        {
            if (context.User.Identity?.IsAuthenticated == true
                || (auth.Value.AnonymousRole is not null && context.Resource is HttpContext http && !http.Request.Headers.ContainsKey("Authorization")))
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }
}
