using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Lumina.Host.Tests;

/// <summary>HTTP authentication of the real host: the token endpoint, bearer validation, API keys, lockout, metadata.</summary>
/// <remarks>
/// The tests share one host (<see cref="AuthHost"/>) and its user alice, whom none of them changes: what a test
/// creates, revokes or locks out is its own (keys, and the user bob). The reserved-name sign-ins, which wait for their
/// name in the host's log (where a refused bearer token of the same name would put it too), share another
/// (<see cref="ReservedNamesHost"/>).
/// </remarks>
public sealed class HttpAuthTests(HttpAuthTests.AuthHost shared, HttpAuthTests.ReservedNamesHost reserved)
    : IClassFixture<HttpAuthTests.AuthHost>, IClassFixture<HttpAuthTests.ReservedNamesHost>, IDisposable
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""";
    private readonly HttpClient _http = new();
    private readonly HttpHost _host = shared.Host;
    private readonly string _aliceId = shared.AliceId;

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task PasswordGrant_IssuesAShortLivedTokenForThisServer_ThatMcpAccepts()
    {
        using var response = await HttpAuth.PostTokenAsync(_http, _host, [new("grant_type", "password"), new("username", "alice"), new("password", HttpAuth.Password)]);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var token = body["access_token"]!.GetValue<string>();
        await using var client = await HttpAuth.McpClientAsync(_host, token);
        var result = await client.CallToolAsync("memory_remember", new Dictionary<string, object?> { ["text"] = "alice may write" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        body["token_type"]!.GetValue<string>().Should().Be("Bearer");
        body["expires_in"]!.GetValue<long>().Should().Be(900);
        var claims = HttpAuth.Payload(token);
        claims["aud"]!.GetValue<string>().Should().Be(_host.McpEndpoint.AbsoluteUri);
        claims["iss"]!.GetValue<string>().Should().Be(_host.BaseAddress.GetLeftPart(UriPartial.Authority));
        claims["sub"]!.GetValue<string>().Should().MatchRegex("^alice~[0-9a-f]{12}$", "the subject is the user's id, new for each user of the name");
        claims["name"]!.GetValue<string>().Should().Be("alice");
        claims["role"]!.GetValue<string>().Should().Be("user");
        (claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>()).Should().Be(900);
        result.IsError.Should().NotBe(true, "a user may write");
    }

    [Fact]
    public async Task ClientCredentials_InTheFormOrWithBasic_IssueTokensWithTheKeysRole()
    {
        var (id, secret) = await HttpAuth.CreateKeyAsync(_host.DataDirectory, "alice", "--role", "guest");

        using var form = await HttpAuth.PostTokenAsync(_http, _host, [new("grant_type", "client_credentials"), new("client_secret", secret)]);
        using var basic = await HttpAuth.PostTokenAsync(
            _http, _host, [new("grant_type", "client_credentials")], new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:{secret}"))));
        using var wrongId = await HttpAuth.PostTokenAsync(_http, _host, [new("grant_type", "client_credentials"), new("client_id", "key_0000"), new("client_secret", secret)]);

        form.StatusCode.Should().Be(HttpStatusCode.OK);
        basic.StatusCode.Should().Be(HttpStatusCode.OK);
        var claims = HttpAuth.Payload(JsonNode.Parse(await basic.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>());
        claims["sub"]!.GetValue<string>().Should().Be(_aliceId);
        claims["role"]!.GetValue<string>().Should().Be("guest");
        claims["key_id"]!.GetValue<string>().Should().Be(id);
        wrongId.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await wrongId.Content.ReadAsStringAsync()).Should().Contain("\"error\":\"invalid_client\"");
    }

    [Theory]
    [InlineData("bogus", HttpStatusCode.BadRequest, "unsupported_grant_type")]
    [InlineData("", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("password-wrong", HttpStatusCode.BadRequest, "invalid_grant")]
    [InlineData("client_credentials", HttpStatusCode.Unauthorized, "invalid_client")]
    public async Task BadTokenRequests_GetOAuthErrors(string grant, HttpStatusCode status, string error)
    {
        KeyValuePair<string, string>[] form = grant switch
        {
            "password-wrong" => [new("grant_type", "password"), new("username", "alice"), new("password", "not the password")],
            "client_credentials" => [new("grant_type", "client_credentials"), new("client_secret", "lum_not-a-key")],
            _ => [new("grant_type", grant)],
        };

        using var response = await HttpAuth.PostTokenAsync(_http, _host, form);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        response.StatusCode.Should().Be(status);
        body["error"]!.GetValue<string>().Should().Be(error);
        body["error_description"]!.GetValue<string>().Should().NotBeEmpty();
    }

    [Theory]
    [InlineData("expired", "The token expired at")]
    [InlineData("audience", "another audience")]
    [InlineData("signature", "signature is invalid")]
    [InlineData("issuer", "issuer this server does not trust")]
    [InlineData("unsigned", "signature is invalid")]
    [InlineData("garbage", "malformed")]
    public async Task BadBearerTokens_Get401_WithInvalidTokenAndTheResourceMetadata(string defect, string description)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = AliceClaims(now, now.AddMinutes(5));
        var key = HttpAuth.SigningKey;
        switch (defect)
        {
            case "expired":
                // Past the 30-second clock skew.
                claims = AliceClaims(now.AddMinutes(-20), now.AddMinutes(-5));
                break;
            case "audience":
                claims["aud"] = "http://127.0.0.1:1/mcp";
                break;
            case "signature":
                key = "another-signing-key-0123456789abcdef-01234567";
                break;
            case "issuer":
                claims["iss"] = "https://issuer.example.com";
                break;
            case "unsigned":
                key = null;
                break;
        }

        var token = defect == "garbage" ? "not.a.jwt" : HttpAuth.Sign(claims, key);
        var control = HttpAuth.Sign(AliceClaims(now, now.AddMinutes(5)), HttpAuth.SigningKey);

        using var refused = await PostMcpAsync(token);
        using var accepted = await PostMcpAsync(control);

        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var challenge = refused.Headers.WwwAuthenticate.ToString();
        challenge.Should().StartWith("Bearer ").And.Contain($"resource_metadata=\"{_host.BaseAddress.GetLeftPart(UriPartial.Authority)}/.well-known/oauth-protected-resource\"");
        challenge.Should().Contain("error=\"invalid_token\"").And.Contain(description);
        challenge.Should().NotContain(token, "a refused token is never echoed");
        accepted.StatusCode.Should().Be(HttpStatusCode.OK, "the same token, made correctly, is accepted");
    }

    [Fact]
    public async Task MissingToken_Gets401_WithTheResourceMetadataAndNoError()
    {
        using var mcp = await PostMcpAsync(null);
        using var api = await HttpAuth.GetAsync(_http, new Uri(_host.BaseAddress, "/v1/providers"), null);
        using var health = await HttpAuth.GetAsync(_http, new Uri(_host.BaseAddress, "/healthz"), null);

        mcp.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        mcp.Headers.WwwAuthenticate.ToString().Should().Contain("resource_metadata=").And.NotContain("error=");
        api.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        api.Headers.WwwAuthenticate.ToString().Should().Contain("resource_metadata=");
        health.StatusCode.Should().Be(HttpStatusCode.OK, "liveness needs no credentials");
    }

    [Fact]
    public async Task ApiKey_AsBearer_WorksUntilRevoked_ThenEveryUseIs401()
    {
        var (id, secret) = await HttpAuth.CreateKeyAsync(_host.DataDirectory, "alice");
        using var before = await HttpAuth.GetAsync(_http, new Uri(_host.BaseAddress, "/v1/providers"), secret);

        await HttpAuth.RevokeKeyAsync(_host.DataDirectory, id);
        using var direct = await HttpAuth.GetAsync(_http, new Uri(_host.BaseAddress, "/v1/providers"), secret);
        using var mcp = await PostMcpAsync(secret);
        using var token = await HttpAuth.PostTokenAsync(_http, _host, [new("grant_type", "client_credentials"), new("client_secret", secret)]);

        before.StatusCode.Should().Be(HttpStatusCode.OK);
        direct.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        direct.Headers.WwwAuthenticate.ToString().Should().Contain("error=\"invalid_token\"").And.Contain("revoked");
        mcp.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        token.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await token.Content.ReadAsStringAsync()).Should().Contain("invalid_client").And.Contain("revoked");
    }

    [Fact]
    public async Task RepeatedBadPasswords_LockTheUserOut_EvenForTheRightPassword()
    {
        await HttpAuth.AddUserAsync(_host.DataDirectory, "bob", "user");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await HttpAuth.PostTokenAsync(_http, _host, [new("grant_type", "password"), new("username", "bob"), new("password", $"guess {i}")]);
            statuses.Add(wrong.StatusCode);
        }

        using var locked = await HttpAuth.PostTokenAsync(_http, _host, [new("grant_type", "password"), new("username", "bob"), new("password", HttpAuth.Password)]);
        using var other = await HttpAuth.PostTokenAsync(_http, _host, [new("grant_type", "password"), new("username", "alice"), new("password", HttpAuth.Password)]);

        statuses.Should().AllBeEquivalentTo(HttpStatusCode.BadRequest);
        locked.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        locked.Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeInRange(1, 300);
        (await locked.Content.ReadAsStringAsync()).Should().Contain("locked out");
        other.StatusCode.Should().Be(HttpStatusCode.OK, "the lockout is per user name");
    }

    [Fact]
    public async Task ProtectedResourceMetadata_NamesThisResourceAndItsTokenIssuer()
    {
        var root = _host.BaseAddress.GetLeftPart(UriPartial.Authority);
        var metadata = JsonNode.Parse(await _http.GetStringAsync(new Uri(_host.BaseAddress, "/.well-known/oauth-protected-resource")))!;
        var pathed = JsonNode.Parse(await _http.GetStringAsync(new Uri(_host.BaseAddress, "/.well-known/oauth-protected-resource/mcp")))!;
        var server = JsonNode.Parse(await _http.GetStringAsync(new Uri(_host.BaseAddress, "/.well-known/oauth-authorization-server")))!;

        metadata["resource"]!.GetValue<string>().Should().Be(_host.McpEndpoint.AbsoluteUri);
        metadata["authorization_servers"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal(root);
        metadata["bearer_methods_supported"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("header");
        pathed.ToJsonString().Should().Be(metadata.ToJsonString());
        server["issuer"]!.GetValue<string>().Should().Be(root);
        server["token_endpoint"]!.GetValue<string>().Should().Be(root + "/token");
    }

    [Fact]
    public async Task ForeignHost_IsForbidden_EvenWithAValidToken()
    {
        var token = await HttpAuth.PasswordTokenAsync(_http, _host, "alice");

        using var rebound = await PostMcpAsync(token, host: "evil.example.com");
        using var direct = await PostMcpAsync(token);

        rebound.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        direct.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("mallory", null, "no longer exists")]
    [InlineData("alice", "alice", "no longer exists")]
    [InlineData("local", "local", "reserved name")]
    [InlineData("anonymous", "anonymous", "reserved name")]
    public async Task WellSignedTokens_ForNoCurrentUserOrAReservedName_Get401(string name, string? subject, string description)
    {
        // Signed with the host's own key, so only the check against the store can refuse them: a user who does not
        // exist, a subject that is not the current user of the name (alice's id is alice~…), a reserved identity.
        var now = DateTimeOffset.UtcNow;
        var claims = HttpAuth.Claims(_host, now, now.AddMinutes(5), role: "admin");
        claims["name"] = name;
        claims["sub"] = subject ?? name;

        using var refused = await PostMcpAsync(HttpAuth.Sign(claims, HttpAuth.SigningKey));

        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refused.Headers.WwwAuthenticate.ToString().Should().Contain("error=\"invalid_token\"").And.Contain(description);
    }

    [Theory]
    [InlineData("local")]
    [InlineData("ANONYMOUS")]
    public async Task PasswordGrant_ForAReservedName_IsRefusedBeforeAnyCheck(string name)
    {
        using var response = await HttpAuth.PostTokenAsync(_http, reserved.Host, [new("grant_type", "password"), new("username", name), new("password", HttpAuth.Password)]);
        var line = await reserved.Host.WaitForLogLineAsync(l => l.Contains($"Refused a caller named '{name.ToLowerInvariant()}'", StringComparison.Ordinal)).WaitAsync(TimeSpan.FromSeconds(30));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("invalid_grant").And.Contain("reserved name");
        line.Should().Contain("reserved");
    }

    /// <summary>The host most tests share: the user alice, and room for many refusals from 127.0.0.1.</summary>
    public sealed class AuthHost : IAsyncLifetime
    {
        internal HttpHost Host { get; private set; } = null!;

        internal string AliceId { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            // Failures from these tests' many refusals all come from 127.0.0.1: the per-client lockout has its own test.
            Host = await HttpHost.StartAsync(HttpAuth.SigningKeyArgument, "--Lumina:Auth:Lockout:MaxFailuresPerClient=1000");
            await HttpAuth.AddUserAsync(Host.DataDirectory, "alice", "user");
            using var http = new HttpClient();
            AliceId = HttpAuth.Payload(await HttpAuth.PasswordTokenAsync(http, Host, "alice"))["sub"]!.GetValue<string>();
        }

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    /// <summary>The host the reserved-name sign-ins share, configured as <see cref="AuthHost"/> is: no other test's refusals are in its log.</summary>
    public sealed class ReservedNamesHost : IAsyncLifetime
    {
        internal HttpHost Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await HttpHost.StartAsync(HttpAuth.SigningKeyArgument, "--Lumina:Auth:Lockout:MaxFailuresPerClient=1000");

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    /// <summary>The claims of a token the host would issue to alice (her id as the subject).</summary>
    private JsonObject AliceClaims(DateTimeOffset issuedAt, DateTimeOffset expires)
    {
        var claims = HttpAuth.Claims(_host, issuedAt, expires);
        claims["sub"] = _aliceId;
        claims["name"] = "alice";
        return claims;
    }

    private async Task<HttpResponseMessage> PostMcpAsync(string? token, string? host = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _host.McpEndpoint) { Content = new StringContent(Initialize, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        return await _http.SendAsync(request);
    }
}
