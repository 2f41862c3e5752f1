using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Lumina.Testing;

namespace Lumina.Host.Tests;

/// <summary>
/// A minimal OpenID Connect authority on a loopback port: discovery metadata and a JWKS with one RSA key, and RS256
/// tokens signed with it. Enough for JwtBearer to validate tokens the way it would a real authority's, offline.
/// </summary>
internal sealed class LoopbackOidcAuthority : LoopbackHttpServer
{
    private const string KeyId = "test-key-1";
    private readonly RSA _key = RSA.Create(2048);

    public LoopbackOidcAuthority()
    {
        Issuer = $"{BaseAddress}/realms/lumina";
        Start();
    }

    public string Issuer { get; }

    /// <summary>An RS256 token with <paramref name="claims"/>, signed with this authority's key (or another one when <paramref name="forged"/>).</summary>
    public string Token(JsonObject claims, bool forged = false)
    {
        using var other = RSA.Create(2048);
        var signer = forged ? other : _key;
        var header = new JsonObject { ["alg"] = "RS256", ["kid"] = KeyId, ["typ"] = "JWT" };
        var input = HttpAuth.Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + HttpAuth.Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = signer.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + HttpAuth.Base64Url(signature);
    }

    protected override ValueTask OnStoppedAsync()
    {
        _key.Dispose();
        return ValueTask.CompletedTask;
    }

    protected override async Task AnswerAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        JsonObject? body = path switch
        {
            "/realms/lumina/.well-known/openid-configuration" => new JsonObject
            {
                ["issuer"] = Issuer,
                ["jwks_uri"] = Issuer + "/jwks",
                ["authorization_endpoint"] = Issuer + "/authorize",
                ["token_endpoint"] = Issuer + "/token",
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            },
            "/realms/lumina/jwks" => new JsonObject
            {
                ["keys"] = new JsonArray(new JsonObject
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["alg"] = "RS256",
                    ["kid"] = KeyId,
                    ["n"] = HttpAuth.Base64Url(parameters.Modulus!),
                    ["e"] = HttpAuth.Base64Url(parameters.Exponent!),
                }),
            },
            _ => null,
        };
        context.Response.StatusCode = body is null ? 404 : 200;
        context.Response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(body?.ToJsonString() ?? "{}");
        await context.Response.OutputStream.WriteAsync(bytes);
    }
}
