using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ModelContextProtocol.Client;

namespace Lumina.Host.Tests;

/// <summary>Users, keys and tokens for tests of the HTTP host: the real CLI, the real token endpoint, and hand-made JWTs.</summary>
internal static partial class HttpAuth
{
    public const string Password = "correct horse battery";

    /// <summary>A signing key tests pass to the host, so they can make tokens it accepts (and tamper with them).</summary>
    public const string SigningKey = "test-signing-key-0123456789abcdef-0123456789";

    public static string SigningKeyArgument => $"--Lumina:Auth:SigningKey={SigningKey}";

    /// <summary>Adds a user with <see cref="Password"/> through <c>lumina users add</c>.</summary>
    public static async Task AddUserAsync(string dataDirectory, string username, string role, params string[] more)
    {
        var (exitCode, _, stderr) = await LuminaProcess.RunAsync(Password, null, ["users", "add", username, "--role", role, "--password-stdin", $"--Lumina:DataDirectory={dataDirectory}", .. more]);
        exitCode.Should().Be(0, stderr);
    }

    /// <summary>Creates an API key through <c>lumina keys create</c>: its id and the key itself.</summary>
    public static async Task<(string Id, string Secret)> CreateKeyAsync(string dataDirectory, string owner, params string[] more)
    {
        var (exitCode, stdout, stderr) = await LuminaProcess.RunAsync(null, null, ["keys", "create", owner, $"--Lumina:DataDirectory={dataDirectory}", .. more]);
        exitCode.Should().Be(0, stderr);
        return (KeyId().Match(stdout + stderr).Value, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single(l => l.StartsWith("lum_", StringComparison.Ordinal)).Trim());
    }

    public static async Task RevokeKeyAsync(string dataDirectory, string id, params string[] more)
    {
        var (exitCode, _, stderr) = await LuminaProcess.RunAsync(null, null, ["keys", "revoke", id, $"--Lumina:DataDirectory={dataDirectory}", .. more]);
        exitCode.Should().Be(0, stderr);
    }

    /// <summary>Posts a form to <c>/token</c>.</summary>
    public static Task<HttpResponseMessage> PostTokenAsync(HttpClient http, HttpHost host, IEnumerable<KeyValuePair<string, string>> form, AuthenticationHeaderValue? authorization = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseAddress, "/token")) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = authorization;
        return http.SendAsync(request);
    }

    /// <summary>A token for <paramref name="username"/> from the password grant.</summary>
    public static async Task<string> PasswordTokenAsync(HttpClient http, HttpHost host, string username)
    {
        using var response = await PostTokenAsync(http, host, [new("grant_type", "password"), new("username", username), new("password", Password)]);
        var body = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue(body);
        return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }

    /// <summary>An MCP client over HTTP that sends <paramref name="token"/> as its bearer token.</summary>
    public static Task<McpClient> McpClientAsync(HttpHost host, string token, McpClientOptions? options = null) =>
        McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = host.McpEndpoint,
                AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" },
            }),
            options);

    /// <summary>A GET with an optional bearer token.</summary>
    public static Task<HttpResponseMessage> GetAsync(HttpClient http, Uri uri, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http.SendAsync(request);
    }

    /// <summary>The payload of a JWT, unverified.</summary>
    public static JsonNode Payload(string token) => JsonNode.Parse(Base64UrlDecode(token.Split('.')[1]))!;

    /// <summary>A compact JWS over <paramref name="payload"/>, HS256 with <paramref name="key"/> (or "none" when null).</summary>
    public static string Sign(JsonObject payload, string? key)
    {
        var header = key is null ? """{"alg":"none","typ":"JWT"}""" : """{"alg":"HS256","typ":"JWT"}""";
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header)) + "." + Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = key is null ? string.Empty : Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(signingInput)));
        return signingInput + "." + signature;
    }

    /// <summary>The claims of a token the host issues, for <paramref name="host"/>, lasting from <paramref name="issuedAt"/> to <paramref name="expires"/>.</summary>
    public static JsonObject Claims(HttpHost host, DateTimeOffset issuedAt, DateTimeOffset expires, string role = "user") => new()
    {
        ["iss"] = host.BaseAddress.GetLeftPart(UriPartial.Authority),
        ["aud"] = host.McpEndpoint.AbsoluteUri,
        ["sub"] = "mallory",
        ["name"] = "mallory",
        ["role"] = role,
        ["iat"] = issuedAt.ToUnixTimeSeconds(),
        ["nbf"] = issuedAt.ToUnixTimeSeconds(),
        ["exp"] = expires.ToUnixTimeSeconds(),
    };

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Base64UrlDecode(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - padded.Length % 4) % 4);
        return Encoding.UTF8.GetString(Convert.FromBase64String(padded));
    }


    [GeneratedRegex(@"key_[0-9a-f]+")]
    private static partial Regex KeyId();
}
