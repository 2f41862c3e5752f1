using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Lumina.Testing;
using Lumina.Testing.Providers;

namespace Lumina.Host.Tests;

/// <summary>The HTTP API beside MCP (<c>/v1/message</c>, <c>/v1/providers</c>, <c>/healthz</c>, <c>/readyz</c>) on the real host.</summary>
public sealed class HttpApiTests(HttpApiTests.BadInputHost badInput) : IClassFixture<HttpApiTests.BadInputHost>, IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Message_RunsAskForTheCaller_AndNeverPassesTheCallersTokenToTheProvider()
    {
        await using var model = new ScriptedOpenAiServer(200, "Forty-two.");
        await using var host = await StartAsync(Provider("main", model.Endpoint, ("InputPricePerMillion", "3"), ("OutputPricePerMillion", "15")));
        await HttpAuth.AddUserAsync(host.DataDirectory, "alice", "user");
        var token = await HttpAuth.PasswordTokenAsync(_http, host, "alice");

        using var response = await PostMessageAsync(host, token, """{"message":"What is the answer?","conversationId":"deep-thought"}""");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        using var providers = await HttpAuth.GetAsync(_http, new Uri(host.BaseAddress, "/v1/providers"), token);
        var report = JsonNode.Parse(await providers.Content.ReadAsStringAsync())!;

        response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        body["answer"]!.GetValue<string>().Should().Be("Forty-two.");
        body["provider"]!.GetValue<string>().Should().Be("main");
        body["conversationId"]!.GetValue<string>().Should().Be("deep-thought");
        body["usage"]!["cost"]!.GetValue<decimal>().Should().BeGreaterThan(0);
        model.Received[0]["messages"]!.ToJsonString().Should().Contain("What is the answer?");
        model.ReceivedAuthorizations.Should().ContainSingle().Which.Should().Be("Bearer test-key", "the provider gets its own key, never the caller's token");
        providers.StatusCode.Should().Be(HttpStatusCode.OK);
        report["providers"]![0]!["name"]!.GetValue<string>().Should().Be("main");
        report["yourUsage"]!["calls"]!.GetValue<long>().Should().Be(1, "the report is the caller's own");
    }

    [Fact]
    public async Task Message_AnswerOverTheResultCap_IsReturnedCappedAndSaysSo_NotA500()
    {
        var answer = string.Concat(Enumerable.Repeat("forty-two ", 600));
        await using var model = new ScriptedOpenAiServer(200, answer);
        await using var host = await StartAsync(Capped(Provider("main", model.Endpoint), "truncate"));
        await HttpAuth.AddUserAsync(host.DataDirectory, "alice", "user");
        var token = await HttpAuth.PasswordTokenAsync(_http, host, "alice");

        using var response = await PostMessageAsync(host, token, """{"message":"Say it many times."}""");
        var text = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        response.Headers.GetValues("Lumina-Result-Capped").Should().ContainSingle().Which.Should().Be("truncate");
        var body = JsonNode.Parse(text)!;
        body["capped"]!["action"]!.GetValue<string>().Should().Be("truncate");
        body["capped"]!["bytes"]!.GetValue<long>().Should().BeGreaterThan(answer.Length);
        body["capped"]!["maxBytes"]!.GetValue<int>().Should().Be(2000);
        body["text"]!.GetValue<string>().Should().Contain("forty-two forty-two").And.Contain("[truncated: ");
        model.Requests.Should().Be(1);
    }

    [Fact]
    public async Task Message_AnswerOverTheResultCap_KeptAsAResource_IsReadableOverHttpByTheCallerOnly()
    {
        var answer = string.Concat(Enumerable.Repeat("forty-two ", 600)) + "THE END";
        await using var model = new ScriptedOpenAiServer(200, answer);
        await using var host = await StartAsync(Capped(Provider("main", model.Endpoint), "resource"));
        await HttpAuth.AddUserAsync(host.DataDirectory, "alice", "user");
        await HttpAuth.AddUserAsync(host.DataDirectory, "bob", "user");
        var alice = await HttpAuth.PasswordTokenAsync(_http, host, "alice");
        var bob = await HttpAuth.PasswordTokenAsync(_http, host, "bob");

        using var response = await PostMessageAsync(host, alice, """{"message":"Say it many times."}""");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var url = body["capped"]!["url"]!.GetValue<string>();
        using var whole = await HttpAuth.GetAsync(_http, new Uri(host.BaseAddress, url), alice);
        using var others = await HttpAuth.GetAsync(_http, new Uri(host.BaseAddress, url), bob);

        response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        response.Headers.GetValues("Lumina-Result-Capped").Should().ContainSingle().Which.Should().Be("resource");
        body["capped"]!["resource"]!.GetValue<string>().Should().StartWith("lumina://results/");
        body["capped"]!["retentionSeconds"]!.GetValue<int>().Should().Be(300);
        body["text"]!.GetValue<string>().Should().Contain("[kept as a resource: ");
        whole.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonNode.Parse(await whole.Content.ReadAsStringAsync())!["answer"]!.GetValue<string>().Should().Be(answer, "the whole result is kept");
        others.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await others.Content.ReadAsStringAsync()).Should().Contain("No kept result").And.NotContain("THE END");
    }

    [Theory]
    [InlineData("""{"message":""}""", HttpStatusCode.BadRequest, "'message' is missing or empty")]
    [InlineData("""{"message":"hi","maxSteps":0}""", HttpStatusCode.BadRequest, "'maxSteps' must be between 1 and 32")]
    [InlineData("""{"message":"hi","provider":"nowhere"}""", HttpStatusCode.BadRequest, "No provider is named 'nowhere'")]
    [InlineData("""{"message":"hi","conversationId":"{long}"}""", HttpStatusCode.BadRequest, "A conversation id of 1 to 128 characters is required.")]
    [InlineData("""{"message": [1, 2""", HttpStatusCode.BadRequest, "not a JSON message request")]
    [InlineData("""{"message":"hi","maxSteps":"many"}""", HttpStatusCode.BadRequest, "not a JSON message request")]
    public async Task Message_BadInput_Is400ProblemDetails_AndTheProviderIsNotCalled(string json, HttpStatusCode status, string detail)
    {
        // One host for every bad input: none of them reaches the provider, so its count stays 0 across them all.
        var (model, host) = (badInput.Model, badInput.Host);
        var token = await HttpAuth.PasswordTokenAsync(_http, host, "alice");

        using var response = await PostMessageAsync(host, token, json.Replace("{long}", new string('x', 129), StringComparison.Ordinal));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        response.StatusCode.Should().Be(status, body.ToJsonString());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        body["status"]!.GetValue<int>().Should().Be((int)status);
        body["detail"]!.GetValue<string>().Should().Contain(detail);
        model.Requests.Should().Be(0);
    }

    [Fact]
    public async Task Message_Statuses_ForbiddenGuest_SpentBudget_FailingProvider_NoCredentials()
    {
        await using var model = new ScriptedOpenAiServer(500);
        await using var host = await StartAsync([
            .. Provider("main", model.Endpoint, ("InputPricePerMillion", "1000")),
            new("Lumina__Routing__Retries__ServerError", "0"),
            new("Lumina__Budgets__tight__Limit", "0.5"),
            new("Lumina__Budgets__tight__Callers__0", "carol"),
        ]);
        await HttpAuth.AddUserAsync(host.DataDirectory, "gus", "guest");
        await HttpAuth.AddUserAsync(host.DataDirectory, "alice", "user");
        await HttpAuth.AddUserAsync(host.DataDirectory, "carol", "user");

        using var guest = await PostMessageAsync(host, await HttpAuth.PasswordTokenAsync(_http, host, "gus"), """{"message":"hi"}""");
        var requestsAfterGuest = model.Requests;
        using var failing = await PostMessageAsync(host, await HttpAuth.PasswordTokenAsync(_http, host, "alice"), """{"message":"hi"}""");
        using var spent = await PostMessageAsync(host, await HttpAuth.PasswordTokenAsync(_http, host, "carol"), "{\"message\":\"" + new string('x', 4000) + "\"}");
        using var anonymous = await PostMessageAsync(host, null, """{"message":"hi"}""");

        guest.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await guest.Content.ReadAsStringAsync()).Should().Contain("Forbidden: ask needs the 'execute' permission; gus has the role 'guest'.");
        requestsAfterGuest.Should().Be(0, "a refused call costs nothing");
        failing.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        (await failing.Content.ReadAsStringAsync()).Should().Contain("No provider could answer");
        spent.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await spent.Content.ReadAsStringAsync()).Should().Contain("Budget 'tight' is spent");
        anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        anonymous.Headers.WwwAuthenticate.ToString().Should().Contain("resource_metadata=");
    }

    [Fact]
    public async Task Refusals_GetTheirMappedStatuses_RateLimitWithRetryAfter_TooLarge_NotConfirmed_NotServed()
    {
        await using var host = await StartAsync(new Dictionary<string, string>
        {
            ["Lumina__Policy__RateLimit__PermitsPerMinute"] = "1",
            ["Lumina__Policy__RateLimit__Burst"] = "1",
            ["Lumina__Policy__MaxArgumentBytes"] = "300",
            ["Lumina__Policy__Risk__orchestration.ask"] = "destructive",
            ["Lumina__Plugins__Disabled__0"] = "providers",
        });
        await HttpAuth.AddUserAsync(host.DataDirectory, "alice", "user");
        await HttpAuth.AddUserAsync(host.DataDirectory, "bob", "user");
        await HttpAuth.AddUserAsync(host.DataDirectory, "carol", "user");
        var alice = await HttpAuth.PasswordTokenAsync(_http, host, "alice");

        using var first = await PostMessageAsync(host, alice, """{"message":"hi"}""");
        using var limited = await PostMessageAsync(host, alice, """{"message":"hi"}""");
        using var large = await PostMessageAsync(host, await HttpAuth.PasswordTokenAsync(_http, host, "bob"), "{\"message\":\"" + new string('x', 1000) + "\"}");
        using var declined = await PostMessageAsync(host, await HttpAuth.PasswordTokenAsync(_http, host, "carol"), """{"message":"hi"}""");
        using var missing = await HttpAuth.GetAsync(_http, new Uri(host.BaseAddress, "/v1/providers"), await HttpAuth.PasswordTokenAsync(_http, host, "carol"));

        first.StatusCode.Should().Be(HttpStatusCode.Forbidden, "ask is destructive here, and the HTTP API cannot ask its user");
        (await first.Content.ReadAsStringAsync()).Should().Contain("Declined: ask is destructive and needs the user's confirmation");
        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        limited.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await limited.Content.ReadAsStringAsync()).Should().Contain("Forbidden: rate limit reached for");
        limited.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.Zero);
        large.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await large.Content.ReadAsStringAsync()).Should().Contain("Forbidden: the arguments of ask are larger than 300 bytes");
        declined.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await declined.Content.ReadAsStringAsync()).Should().Contain("Not confirmed");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await missing.Content.ReadAsStringAsync()).Should().Contain("providers.providers is not served by this host");
    }

    [Fact]
    public async Task AnonymousAccess_WhenConfigured_GetsTheRole_ButABadTokenIsStill401()
    {
        await using var host = await HttpHost.StartAsync("--Lumina:Auth:AnonymousRole=guest");

        using var anonymous = await HttpAuth.GetAsync(_http, new Uri(host.BaseAddress, "/v1/providers"), null);
        using var message = await PostMessageAsync(host, null, """{"message":"hi"}""");
        using var bad = await HttpAuth.GetAsync(_http, new Uri(host.BaseAddress, "/v1/providers"), "not.a.token");

        anonymous.StatusCode.Should().Be(HttpStatusCode.OK);
        message.StatusCode.Should().Be(HttpStatusCode.Forbidden, "an anonymous guest may read, not execute");
        bad.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a broken credential is never downgraded to anonymous");
    }

    [Fact]
    public async Task Healthz_AndReadyz_OnTheEmbeddedStore()
    {
        await using var host = await HttpHost.StartAsync();

        using var health = await HttpAuth.GetAsync(_http, new Uri(host.BaseAddress, "/healthz"), null);
        using var ready = await HttpAuth.GetAsync(_http, new Uri(host.BaseAddress, "/readyz"), null);

        health.StatusCode.Should().Be(HttpStatusCode.OK);
        ready.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ready.Content.ReadAsStringAsync()).Should().Contain("\"ready\"");
    }

    [Theory]
    [InlineData("memory.db")]
    [InlineData("auth.db")]
    [InlineData("audit.db")]
    [InlineData("usage.db")]
    public async Task Readyz_Is503WhenAnySqliteStoreIsDamaged_NamingTheFile(string file)
    {
        await using var host = await HttpHost.StartAsync();
        using var before = await HttpAuth.GetAsync(_http, new Uri(host.BaseAddress, "/readyz"), null);
        var path = Path.Combine(host.DataDirectory, file);
        File.Exists(path).Should().BeTrue("the readiness check opened every store");

        // A file that is no longer a database, as a disk or a careless script leaves it.
        foreach (var stale in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(stale);
        }

        await File.WriteAllTextAsync(path, new string('x', 4096));
        using var after = await HttpAuth.GetAsync(_http, new Uri(host.BaseAddress, "/readyz"), null);
        using var health = await HttpAuth.GetAsync(_http, new Uri(host.BaseAddress, "/healthz"), null);

        before.StatusCode.Should().Be(HttpStatusCode.OK);
        after.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await after.Content.ReadAsStringAsync()).Should().Contain(file);
        health.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Readyz_Is503WhenRedisStops_AndLivenessStaysUp()
    {
        var redis = await RedisServer.StartAsync();
        await using var host = await HttpHost.StartAsync("--Lumina:Memory:Store=redis", $"--ConnectionStrings:redis={redis.ConnectionString}");
        using var before = await HttpAuth.GetAsync(_http, new Uri(host.BaseAddress, "/readyz"), null);

        await redis.DisposeAsync();
        HttpResponseMessage? after = null;
        await Eventually.WaitAsync(
            async () =>
            {
                after?.Dispose();
                after = await HttpAuth.GetAsync(_http, new Uri(host.BaseAddress, "/readyz"), null);
                return after.StatusCode == HttpStatusCode.ServiceUnavailable;
            },
            interval: TimeSpan.FromMilliseconds(200));

        using var health = await HttpAuth.GetAsync(_http, new Uri(host.BaseAddress, "/healthz"), null);

        before.StatusCode.Should().Be(HttpStatusCode.OK);
        after!.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await after.Content.ReadAsStringAsync()).Should().Contain("Redis");
        health.StatusCode.Should().Be(HttpStatusCode.OK);
        after.Dispose();
    }

    [Fact]
    public async Task ClientLockout_StopsGuessingAcrossUserNames()
    {
        await using var host = await HttpHost.StartAsync("--Lumina:Auth:Lockout:MaxFailuresPerClient=3");
        await HttpAuth.AddUserAsync(host.DataDirectory, "alice", "user");
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await HttpAuth.PostTokenAsync(_http, host, [new("grant_type", "password"), new("username", $"user{i}"), new("password", "guess")]);
            wrong.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        }

        using var locked = await HttpAuth.PostTokenAsync(_http, host, [new("grant_type", "password"), new("username", "alice"), new("password", HttpAuth.Password)]);
        using var key = await HttpAuth.PostTokenAsync(_http, host, [new("grant_type", "client_credentials"), new("client_secret", "lum_guess")]);

        locked.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        key.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task ExternalAuthority_IsWired_NoTokenEndpoint_MetadataNamesIt_UnverifiableTokensAre401()
    {
        const string authority = "http://127.0.0.1:9/realms/lumina";
        await using var host = await HttpHost.StartAsync($"--Lumina:Auth:Authority={authority}", "--Lumina:Auth:Audience=api://lumina", "--Lumina:Auth:RequireHttpsMetadata=false");
        var now = DateTimeOffset.UtcNow;
        var claims = HttpAuth.Claims(host, now, now.AddMinutes(5));
        claims["iss"] = authority;
        claims["aud"] = "api://lumina";

        using var token = await HttpAuth.PostTokenAsync(_http, host, [new("grant_type", "password"), new("username", "a"), new("password", "b")]);
        var metadata = JsonNode.Parse(await _http.GetStringAsync(new Uri(host.BaseAddress, "/.well-known/oauth-protected-resource")))!;
        using var call = await HttpAuth.GetAsync(_http, new Uri(host.BaseAddress, "/v1/providers"), HttpAuth.Sign(claims, HttpAuth.SigningKey));

        token.StatusCode.Should().Be(HttpStatusCode.NotFound, "Lumina issues no tokens of its own then");
        metadata["authorization_servers"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal(authority);
        call.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the authority's keys cannot be fetched, so nothing is accepted");
        call.Headers.WwwAuthenticate.ToString().Should().Contain("resource_metadata=");
    }

    [Fact]
    public async Task ExternalAuthority_OnLoopback_ItsTokensAreAccepted_WithTheStrongestRoleOfItsRoleClaim()
    {
        await using var authority = new LoopbackOidcAuthority();
        await using var host = await HttpHost.StartAsync(
            $"--Lumina:Auth:Authority={authority.Issuer}", "--Lumina:Auth:Audience=api://lumina", "--Lumina:Auth:RequireHttpsMetadata=false", "--Lumina:Auth:RoleClaim=roles");
        JsonObject Claims(string audience, params string[] roles)
        {
            var now = DateTimeOffset.UtcNow;
            var claims = HttpAuth.Claims(host, now, now.AddMinutes(5));
            claims["iss"] = authority.Issuer;
            claims["aud"] = audience;
            claims.Remove("role");
            claims["roles"] = new JsonArray([.. roles.Select(r => JsonValue.Create(r))]);
            return claims;
        }

        using var user = await PostMessageAsync(host, authority.Token(Claims("api://lumina", "guest", "user")), """{"message":"hi"}""");
        using var guest = await PostMessageAsync(host, authority.Token(Claims("api://lumina", "staff")), """{"message":"hi"}""");
        using var forged = await PostMessageAsync(host, authority.Token(Claims("api://lumina", "admin"), forged: true), """{"message":"hi"}""");
        using var otherAudience = await PostMessageAsync(host, authority.Token(Claims("api://elsewhere", "admin")), """{"message":"hi"}""");

        user.StatusCode.Should().Be(HttpStatusCode.BadGateway, "a user may run ask; with no provider and no MCP client, no model answers");
        guest.StatusCode.Should().Be(HttpStatusCode.Forbidden, "no known role in the claim makes a guest");
        forged.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        forged.Headers.WwwAuthenticate.ToString().Should().Contain("signature is invalid");
        otherAudience.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        otherAudience.Headers.WwwAuthenticate.ToString().Should().Contain("another audience");
    }

    [Fact]
    public async Task BadAuthSettings_StopTheHostNamingTheSetting()
    {
        var (keyExit, _, keyError) = await LuminaProcess.RunAsync("--http", "--urls", "http://127.0.0.1:0", "--Lumina:Auth:SigningKey=short");
        var (roleExit, _, roleError) = await LuminaProcess.RunAsync("--http", "--urls", "http://127.0.0.1:0", "--Lumina:Auth:AnonymousRole=root");

        keyExit.Should().Be(2);
        keyError.Should().Contain("Lumina:Auth:SigningKey must be at least 32 bytes");
        roleExit.Should().Be(2);
        roleError.Should().Contain("Lumina:Auth:AnonymousRole 'root' is not a role");
    }

    /// <summary>
    /// The host the bad-input cases share: a provider <c>main</c> that none of them may reach, and a user <c>alice</c>.
    /// </summary>
    public sealed class BadInputHost : IAsyncLifetime
    {
        public ScriptedOpenAiServer Model { get; private set; } = null!;

        internal HttpHost Host { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Model = new ScriptedOpenAiServer(200);
            Host = await StartAsync(Provider("main", Model.Endpoint));
            await HttpAuth.AddUserAsync(Host.DataDirectory, "alice", "user");
        }

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
            await Model.DisposeAsync();
        }
    }

    private static Task<HttpHost> StartAsync(IEnumerable<KeyValuePair<string, string>> environment) =>
        HttpHost.StartAsync(environment.ToDictionary(p => p.Key, p => p.Value));

    private async Task<HttpResponseMessage> PostMessageAsync(HttpHost host, string? token, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseAddress, "/v1/message")) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _http.SendAsync(request);
    }

    private static Dictionary<string, string> Capped(Dictionary<string, string> variables, string oversize)
    {
        variables["Lumina__Policy__MaxResultBytes"] = "2000";
        variables["Lumina__Policy__OversizeResults"] = oversize;
        return variables;
    }

    private static Dictionary<string, string> Provider(string name, string endpoint, params (string Key, string Value)[] extra)
    {
        var variables = new Dictionary<string, string>
        {
            [$"Lumina__Providers__{name}__Kind"] = "openai",
            [$"Lumina__Providers__{name}__Model"] = $"{name}-model",
            [$"Lumina__Providers__{name}__Endpoint"] = endpoint,
            [$"Lumina__Providers__{name}__ApiKey"] = "test-key",
            ["Lumina__Routing__RetryDelay"] = "00:00:00.010",
        };
        foreach (var (key, value) in extra)
        {
            variables[$"Lumina__Providers__{name}__{key}"] = value;
        }

        return variables;
    }
}
