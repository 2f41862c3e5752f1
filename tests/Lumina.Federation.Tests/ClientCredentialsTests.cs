using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lumina.Federation.Tests;

/// <summary>
/// OAuth client credentials for an upstream over HTTP: <see cref="ClientCredentialsHandler"/> against a real token
/// endpoint and a real protected endpoint on a loopback port, and the <c>Lumina:Servers</c> settings that configure it.
/// </summary>
public sealed class ClientCredentialsTests : IAsyncLifetime
{
    private const string ClientId = "lumina client:1";
    private const string ClientSecret = "s3cr+t/ü:x&y=z";

    private readonly AuthorizationServer _server = new();
    private readonly FakeTimeProvider _time = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Token_IsFetchedOnce_AndReusedForSeveralRequests()
    {
        using var client = Client();

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync(_server.ApiUrl, Json($"{{\"id\":{i}}}"));
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        _server.TokenRequests.Should().ContainSingle();
        _server.ApiRequests.Select(r => r.Authorization).Should().Equal("Bearer t1", "Bearer t1", "Bearer t1");
        _server.ApiRequests.Select(r => r.Body).Should().Equal("{\"id\":0}", "{\"id\":1}", "{\"id\":2}");
    }

    [Fact]
    public async Task Token_AskedForByConcurrentRequests_IsFetchedOnce()
    {
        using var client = Client();
        _server.TokenGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Each call reaches the handler before it returns its task: all of them wait for the same token.
        var calls = Enumerable.Range(0, 8).Select(_ => client.GetAsync(_server.ApiUrl)).ToList();
        _server.TokenGate.SetResult();
        var responses = await Task.WhenAll(calls);

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        _server.TokenRequests.Should().ContainSingle();
        _server.ApiRequests.Should().HaveCount(8).And.OnlyContain(r => r.Authorization == "Bearer t1");
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task TokenRequest_CarriesTheClientAsBasicCredentials_AndTheScopes()
    {
        using var client = Client(scopes: ["mcp:tools", "read"]);

        using var response = await client.GetAsync(_server.ApiUrl);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var request = _server.TokenRequests.Should().ContainSingle().Subject;
        request.Method.Should().Be("POST");
        request.ContentType.Should().StartWith("application/x-www-form-urlencoded");

        // RFC 6749 §2.3.1: id and secret each form-url-encoded, so a ':' in the id cannot move the split.
        request.BasicUser.Should().Be("lumina+client%3A1");
        WebUtility.UrlDecode(request.BasicUser).Should().Be(ClientId);
        WebUtility.UrlDecode(request.BasicPassword).Should().Be(ClientSecret);
        request.Form.Should().Equal(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "mcp:tools read" });
    }

    [Fact]
    public async Task TokenRequest_WithoutScopes_SendsNoScope()
    {
        using var client = Client();

        using var response = await client.GetAsync(_server.ApiUrl);

        _server.TokenRequests.Should().ContainSingle().Which.Form.Should().Equal(new Dictionary<string, string> { ["grant_type"] = "client_credentials" });
    }

    [Fact]
    public async Task Unauthorized_GetsAFreshToken_AndSendsTheRequestOnceMore()
    {
        using var client = Client();
        using (var first = await client.PostAsync(_server.ApiUrl, Json("{\"n\":1}")))
        {
            first.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        _server.Revoke("t1");
        using var second = await client.PostAsync(_server.ApiUrl, new ReadOnceContent("{\"n\":2}"));

        second.StatusCode.Should().Be(HttpStatusCode.OK);
        _server.TokenRequests.Should().HaveCount(2);
        _server.ApiRequests.Should().Equal(("Bearer t1", "{\"n\":1}"), ("Bearer t1", "{\"n\":2}"), ("Bearer t2", "{\"n\":2}"));
    }

    [Fact]
    public async Task Unauthorized_Twice_IsReturned_NotTriedAgain()
    {
        using var client = Client();
        _server.RejectEveryToken = true;

        using var response = await client.PostAsync(_server.ApiUrl, Json("{}"));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        _server.ApiRequests.Select(r => r.Authorization).Should().Equal("Bearer t1", "Bearer t2");
        _server.TokenRequests.Should().HaveCount(2);
    }

    [Fact]
    public async Task Token_IsRenewedShortlyBeforeItExpires()
    {
        using var client = Client();
        _server.ExpiresIn = 60;

        (await StatusAsync(client)).Should().Be(HttpStatusCode.OK);
        _time.Advance(TimeSpan.FromSeconds(29));
        (await StatusAsync(client)).Should().Be(HttpStatusCode.OK);
        _time.Advance(TimeSpan.FromSeconds(2));
        (await StatusAsync(client)).Should().Be(HttpStatusCode.OK);

        _server.ApiRequests.Select(r => r.Authorization).Should().Equal("Bearer t1", "Bearer t1", "Bearer t2");
        _server.TokenRequests.Should().HaveCount(2);
    }

    [Fact]
    public async Task Token_OfAShortLife_IsRenewedHalfwayThrough()
    {
        using var client = Client();
        _server.ExpiresIn = "4";

        (await StatusAsync(client)).Should().Be(HttpStatusCode.OK);
        _time.Advance(TimeSpan.FromSeconds(1.9));
        (await StatusAsync(client)).Should().Be(HttpStatusCode.OK);
        _time.Advance(TimeSpan.FromSeconds(0.2));
        (await StatusAsync(client)).Should().Be(HttpStatusCode.OK);

        _server.ApiRequests.Select(r => r.Authorization).Should().Equal("Bearer t1", "Bearer t1", "Bearer t2");
    }

    [Fact]
    public async Task TokenEndpointRefusal_IsALuminaException_NamingServerUrlAndError_NeverTheSecret()
    {
        using var client = Client();

        // A careless authorization server that echoes what it was sent.
        _server.TokenAnswer = request => (401, new JsonObject
        {
            ["error"] = "invalid_client",
            ["error_description"] = $"unknown client {ClientId} with secret {ClientSecret} ({request.BasicPassword}, {request.Authorization})",
        }.ToJsonString());

        var send = () => client.GetAsync(_server.ApiUrl);

        var thrown = (await send.Should().ThrowAsync<LuminaException>()).Which;
        thrown.Message.Should().Contain("'remote'").And.Contain(_server.TokenUrl).And.Contain("invalid_client").And.Contain("401");
        thrown.Message.Should().NotContain(ClientSecret).And.NotContain(WebUtility.UrlEncode(ClientSecret)).And.NotContain(_server.TokenRequests.Single().Authorization!);
        _server.ApiRequests.Should().BeEmpty();
    }

    [Theory]
    [InlineData(500, "<html>oops</html>", "500")]
    [InlineData(200, "{\"error\":\"unauthorized_client\"}", "unauthorized_client")]
    [InlineData(200, "{\"token_type\":\"Bearer\"}", "no access_token")]
    [InlineData(200, "not json", "no access_token")]
    [InlineData(200, "{\"access_token\":\"m\",\"token_type\":\"mac\"}", "'mac', not Bearer")]
    public async Task TokenEndpointAnswerWithoutAToken_IsALuminaException_SayingWhy(int status, string body, string reason)
    {
        using var client = Client();
        _server.TokenAnswer = _ => (status, body);

        var send = () => client.GetAsync(_server.ApiUrl);

        (await send.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("'remote'").And.Contain(_server.TokenUrl).And.Contain(reason);
        _server.ApiRequests.Should().BeEmpty();
    }

    [Fact]
    public async Task UnreachableTokenEndpoint_IsALuminaException_NamingServerAndUrl()
    {
        var nowhere = new Uri($"http://127.0.0.1:{LoopbackHttpServer.FreePort()}/oauth/token");
        using var client = Client(tokenUrl: nowhere);

        var send = () => client.GetAsync(_server.ApiUrl);

        var thrown = (await send.Should().ThrowAsync<LuminaException>()).Which;
        thrown.Message.Should().Contain("'remote'").And.Contain(nowhere.ToString()).And.Contain("could not be reached");
        thrown.Message.Should().NotContain(ClientSecret);
        _server.ApiRequests.Should().BeEmpty();
    }

    [Fact]
    public void Settings_WithClientCredentials_AreRead()
    {
        var servers = FederationServiceCollectionExtensions.Read(Configuration(
            "Lumina:Servers:api:Url=https://mcp.example.com/mcp",
            "Lumina:Servers:api:ClientId=lumina",
            "Lumina:Servers:api:ClientSecret=the-secret",
            "Lumina:Servers:api:TokenUrl=https://login.example.com/oauth2/token",
            "Lumina:Servers:api:Scopes:0=mcp:tools",
            "Lumina:Servers:api:Scopes:1=read"));

        var options = servers.Should().ContainSingle().Which.Options;
        options.ClientId.Should().Be("lumina");
        options.ClientSecret.Should().Be("the-secret");
        options.TokenUrl.Should().Be(new Uri("https://login.example.com/oauth2/token"));
        options.Scopes.Should().Equal("mcp:tools", "read");
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/token")]
    [InlineData("http://localhost/token")]
    [InlineData("http://[::1]:9000/token")]
    public void Settings_HttpTokenUrlOnLoopback_IsAccepted(string tokenUrl)
    {
        var read = () => FederationServiceCollectionExtensions.Read(Configuration(
            "Lumina:Servers:api:Url=http://127.0.0.1:8081/mcp",
            "Lumina:Servers:api:ClientId=lumina",
            "Lumina:Servers:api:ClientSecret=the-secret",
            $"Lumina:Servers:api:TokenUrl={tokenUrl}"));

        read.Should().NotThrow();
    }

    [Theory]
    [InlineData("Lumina:Servers:api:ClientId=lumina", "Lumina:Servers:api:ClientSecret and Lumina:Servers:api:TokenUrl are not set")]
    [InlineData("Lumina:Servers:api:ClientId=lumina|Lumina:Servers:api:TokenUrl=https://login.example.com/token", "Lumina:Servers:api:ClientSecret is not set")]
    [InlineData("Lumina:Servers:api:ClientSecret=the-secret|Lumina:Servers:api:TokenUrl=https://login.example.com/token", "Lumina:Servers:api:ClientId is not set")]
    [InlineData("Lumina:Servers:api:ClientId=lumina|Lumina:Servers:api:ClientSecret=the-secret", "Lumina:Servers:api:TokenUrl is not set")]
    [InlineData("Lumina:Servers:api:Scopes:0=read", "Lumina:Servers:api:ClientId, Lumina:Servers:api:ClientSecret and Lumina:Servers:api:TokenUrl are not set")]
    [InlineData("Lumina:Servers:api:ClientId=lumina|Lumina:Servers:api:ClientSecret=the-secret|Lumina:Servers:api:TokenUrl=http://login.example.com/token", "Lumina:Servers:api:TokenUrl must be an https URL*clear text*'login.example.com'")]
    [InlineData("Lumina:Servers:api:ClientId=lumina|Lumina:Servers:api:ClientSecret=the-secret|Lumina:Servers:api:TokenUrl=/token", "Lumina:Servers:api:TokenUrl must be an absolute https URL")]
    [InlineData("Lumina:Servers:api:ClientId=lumina|Lumina:Servers:api:ClientSecret=the-secret|Lumina:Servers:api:TokenUrl=https://login.example.com/token|Lumina:Servers:api:Headers:authorization=Bearer k", "Lumina:Servers:api:Headers:Authorization and its client credentials")]
    [InlineData("Lumina:Servers:api:ClientId=lumina|Lumina:Servers:api:ClientSecret=the-secret|Lumina:Servers:api:TokenUrl=https://login.example.com/token|Lumina:Servers:api:Scopes:0=read|Lumina:Servers:api:Scopes:1=a b", "Lumina:Servers:api:Scopes:1 must be one scope")]
    public void Settings_ClientCredentialsThatMakeNoSense_StopTheHost_NamingTheSetting(string settings, string message)
    {
        var read = () => FederationServiceCollectionExtensions.Read(Configuration(["Lumina:Servers:api:Url=https://mcp.example.com/mcp", .. settings.Split('|')]));

        var thrown = read.Should().Throw<LuminaStartupException>().WithMessage($"*{message}*").Which;
        thrown.Message.Should().NotContain("the-secret");
    }

    [Fact]
    public void Settings_ClientCredentialsOfAServerOverStdio_StopTheHost_NamingUrl()
    {
        var read = () => FederationServiceCollectionExtensions.Read(Configuration(
            "Lumina:Servers:tool:Command=node",
            "Lumina:Servers:tool:TokenUrl=https://login.example.com/token"));

        read.Should().Throw<LuminaStartupException>().WithMessage("Lumina:Servers:tool: *over streamable HTTP*over stdio*set Lumina:Servers:tool:Url*");
    }

    private static IConfiguration Configuration(params string[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => s.Split('=', 2)).Select(p => KeyValuePair.Create(p[0], (string?)p[1]))).Build();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<HttpStatusCode> StatusAsync(HttpClient client)
    {
        using var response = await client.GetAsync(_server.ApiUrl);
        return response.StatusCode;
    }

    /// <summary>A client as <c>UpstreamServer</c> makes it for the upstream <c>remote</c>.</summary>
    private HttpClient Client(Uri? tokenUrl = null, string[]? scopes = null) =>
        new(new ClientCredentialsHandler("remote", tokenUrl ?? new Uri(_server.TokenUrl), ClientId, ClientSecret, scopes ?? [], _time, NullLogger<ClientCredentialsHandler>.Instance)
        {
            InnerHandler = new SocketsHttpHandler(),
        });

    /// <summary>A body that can be produced once, as a stream's can: sent twice only if the handler buffered it.</summary>
    private sealed class ReadOnceContent(string json) : HttpContent
    {
        private int _reads;

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            Interlocked.Increment(ref _reads) == 1
                ? stream.WriteAsync(Encoding.UTF8.GetBytes(json)).AsTask()
                : throw new InvalidOperationException("The body was read twice.");

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>What the token endpoint was sent.</summary>
    private sealed record TokenRequest(string Method, string? ContentType, string? Authorization, string? BasicUser, string? BasicPassword, Dictionary<string, string> Form);

    /// <summary>
    /// A token endpoint (<c>/oauth/token</c>, issuing <c>t1</c>, <c>t2</c>…) and an endpoint that accepts only a token
    /// it issued and has not revoked (<c>/mcp</c>, echoing nothing), recording what each is sent.
    /// </summary>
    private sealed class AuthorizationServer : LoopbackHttpServer
    {
        private readonly ConcurrentDictionary<string, bool> _valid = new(StringComparer.Ordinal);
        private int _issued;

        public AuthorizationServer()
            : base(concurrent: true)
        {
            Start();
        }

        public string TokenUrl => $"{BaseAddress}/oauth/token";

        public Uri ApiUrl => new($"{BaseAddress}/mcp");

        public ConcurrentQueue<TokenRequest> TokenRequests { get; } = new();

        public ConcurrentQueue<(string? Authorization, string Body)> ApiRequests { get; } = new();

        /// <summary>The <c>expires_in</c> of the tokens issued (a number, a string, or none).</summary>
        public object? ExpiresIn { get; set; } = 3600;

        /// <summary>Instead of a token: this answer (status and body) to a token request.</summary>
        public Func<TokenRequest, (int Status, string Body)>? TokenAnswer { get; set; }

        /// <summary>What token requests wait for before they are answered.</summary>
        public TaskCompletionSource TokenGate { get; set; } = CompletedGate();

        public bool RejectEveryToken { get; set; }

        public void Revoke(string token) => _valid.TryRemove(token, out _);

        protected override async Task AnswerAsync(HttpListenerContext context)
        {
            var request = context.Request;
            string body;
            using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync(Stopping);
            }

            var (status, answer) = request.Url!.AbsolutePath switch
            {
                "/oauth/token" => await TokenAsync(request, body),
                "/mcp" => Api(request, body),
                _ => (404, "{}"),
            };
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(answer);
            await context.Response.OutputStream.WriteAsync(bytes, Stopping);
        }

        private static TaskCompletionSource CompletedGate()
        {
            var gate = new TaskCompletionSource();
            gate.SetResult();
            return gate;
        }

        private async Task<(int, string)> TokenAsync(HttpListenerRequest request, string body)
        {
            await TokenGate.Task.WaitAsync(Stopping);
            var authorization = request.Headers["Authorization"];
            string? user = null, password = null;
            if (authorization?.StartsWith("Basic ", StringComparison.Ordinal) == true)
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..])).Split(':', 2);
                (user, password) = (pair[0], pair.ElementAtOrDefault(1));
            }

            var form = body.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
                .ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p.ElementAtOrDefault(1) ?? string.Empty), StringComparer.Ordinal);
            var sent = new TokenRequest(request.HttpMethod, request.ContentType, authorization, user, password, form);
            TokenRequests.Enqueue(sent);
            if (TokenAnswer is { } answer)
            {
                return answer(sent);
            }

            var token = $"t{Interlocked.Increment(ref _issued)}";
            _valid[token] = true;
            var issued = new JsonObject { ["access_token"] = token, ["token_type"] = "bearer" };
            if (ExpiresIn is int or string)
            {
                issued["expires_in"] = ExpiresIn is int seconds ? JsonValue.Create(seconds) : JsonValue.Create((string)ExpiresIn);
            }

            return (200, issued.ToJsonString());
        }

        private (int, string) Api(HttpListenerRequest request, string body)
        {
            var authorization = request.Headers["Authorization"];
            ApiRequests.Enqueue((authorization, body));
            var token = authorization?.StartsWith("Bearer ", StringComparison.Ordinal) == true ? authorization["Bearer ".Length..] : null;
            return !RejectEveryToken && token is not null && _valid.ContainsKey(token) ? (200, "{}") : (401, "{}");
        }
    }
}
