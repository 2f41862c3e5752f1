using System.Net;
using System.Net.Http.Headers;
using Lumina.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>
/// What happens to a user's credentials and state when the user changes, against the real host and both real identity
/// stores (SQLite in the data directory; a real redis-server shared by two hosts): tokens are re-checked on every
/// request, lockouts hold under concurrent guessing, a re-added name starts afresh, sessions are capped per caller.
/// </summary>
/// <remarks>
/// The tests of the two stores share their store's hosts (<see cref="SharedHosts"/>), each with a user of its own name
/// (what one removes, demotes or locks out, no other uses); the session cap, whose host is configured apart, and the
/// reserved name, whose host starts on a store made for it, start their own.
/// </remarks>
public sealed class IdentityLifecycleTests(IdentityLifecycleTests.SharedHosts shared) : IClassFixture<IdentityLifecycleTests.SharedHosts>, IAsyncLifetime
{
    /// <summary>How long a change may take to reach a host: far past the 1-second cache the hosts here are given.</summary>
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(60);

    private readonly HttpClient _http = new();
    private readonly List<HttpHost> _hosts = [];
    private RedisServer? _redis;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("redis")]
    public async Task RemovedUser_TheirTokenIsRefused_OnEveryHost(string store)
    {
        var (issuing, checking, cli) = await shared.StartAsync(store);
        await HttpAuth.AddUserAsync(issuing.DataDirectory, "alice", "user", cli);
        var token = await HttpAuth.PasswordTokenAsync(_http, issuing, "alice");
        using var before = await HttpAuth.GetAsync(_http, Providers(checking), token);

        await RunAsync(issuing, cli, "users", "remove", "alice");
        using var after = await PollAsync(() => HttpAuth.GetAsync(_http, Providers(checking), token), HttpStatusCode.Unauthorized);

        before.StatusCode.Should().Be(HttpStatusCode.OK);
        after.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a removed user's token stops working within the cache window");
        after.Headers.WwwAuthenticate.ToString().Should().Contain("error=\"invalid_token\"").And.Contain("no longer exists");
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("redis")]
    public async Task DemotedUser_TheirTokenAndTheirKeyNoLongerWrite(string store)
    {
        var (issuing, checking, cli) = await shared.StartAsync(store);
        await HttpAuth.AddUserAsync(issuing.DataDirectory, "bob", "user", cli);
        var (_, secret) = await HttpAuth.CreateKeyAsync(issuing.DataDirectory, "bob", cli);
        var token = await HttpAuth.PasswordTokenAsync(_http, issuing, "bob");
        await using var byToken = await HttpAuth.McpClientAsync(checking, token);
        await using var byKey = await HttpAuth.McpClientAsync(checking, secret);
        var before = await RememberAsync(byToken, "bob may write");

        await RunAsync(issuing, cli, "users", "set-role", "bob", "guest");
        var tokenAfter = await PollRefusedAsync(byToken);
        var keyAfter = await PollRefusedAsync(byKey);

        before.IsError.Should().NotBe(true);
        Text(tokenAfter).Should().Contain("Forbidden").And.Contain("'guest'", "the role comes from the store, not from the token");
        Text(keyAfter).Should().Contain("Forbidden").And.Contain("'guest'", "a key never has more than its owner has now");
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("redis")]
    public async Task RemovedAndAddedAgain_TheNewUserStartsWithEmptyMemory_AndTheOldTokenStaysRefused(string store)
    {
        var (issuing, checking, cli) = await shared.StartAsync(store);
        await HttpAuth.AddUserAsync(issuing.DataDirectory, "carol", "user", cli);
        var oldToken = await HttpAuth.PasswordTokenAsync(_http, issuing, "carol");
        await using (var former = await HttpAuth.McpClientAsync(checking, oldToken))
        {
            (await RememberAsync(former, "The vault code is 4711")).IsError.Should().NotBe(true);
            Text(await RecallAsync(former)).Should().Contain("4711", "the fact was remembered");
        }

        await RunAsync(issuing, cli, "users", "remove", "carol");
        await HttpAuth.AddUserAsync(issuing.DataDirectory, "carol", "user", cli);
        var newToken = await HttpAuth.PasswordTokenAsync(_http, issuing, "carol");
        await using var successor = await HttpAuth.McpClientAsync(checking, newToken);
        var recalled = await RecallAsync(successor);
        using var old = await PollAsync(() => HttpAuth.GetAsync(_http, Providers(checking), oldToken), HttpStatusCode.Unauthorized);

        HttpAuth.Payload(newToken)["sub"]!.GetValue<string>().Should().NotBe(HttpAuth.Payload(oldToken)["sub"]!.GetValue<string>());
        recalled.IsError.Should().NotBe(true);
        Text(recalled).Should().NotContain("4711", "a new user of a removed user's name inherits nothing");
        old.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the old token was the former user's, though the name is the same");
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("redis")]
    public async Task SixtyConcurrentWrongPasswords_CheckAtMostFive(string store)
    {
        var (issuing, checking, cli) = await shared.StartAsync(store);
        await HttpAuth.AddUserAsync(issuing.DataDirectory, "dave", "user", cli);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
        {
            // Spread over both hosts when there are two: the count is the store's, shared.
            using var response = await HttpAuth.PostTokenAsync(
                _http, i % 2 == 0 ? issuing : checking, [new("grant_type", "password"), new("username", "dave"), new("password", $"wrong guess {i}")]);
            return response.StatusCode;
        }));
        using var right = await HttpAuth.PostTokenAsync(_http, checking, [new("grant_type", "password"), new("username", "dave"), new("password", HttpAuth.Password)]);

        // A 400 (invalid_grant) is a password that was checked; a 429 one refused before any check.
        statuses.Count(s => s == HttpStatusCode.BadRequest).Should().BeInRange(1, 5, "at most MaxFailures passwords are ever checked");
        statuses.Should().OnlyContain(s => s == HttpStatusCode.BadRequest || s == HttpStatusCode.TooManyRequests);
        right.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "the name is locked out, even for the right password");
    }

    [Fact]
    public async Task SessionsPastTheCap_AreRefused_AndNoOtherCallersSessionIsPushedOut()
    {
        var (host, _, cli) = await StartAsync("sqlite", "--Lumina:Http:MaxSessionsPerIdentity=3", "--Lumina:Http:MaxIdleSessions=4");
        await HttpAuth.AddUserAsync(host.DataDirectory, "erin", "user", cli);
        await HttpAuth.AddUserAsync(host.DataDirectory, "frank", "user", cli);
        var erin = await HttpAuth.PasswordTokenAsync(_http, host, "erin");
        var frank = await HttpAuth.PasswordTokenAsync(_http, host, "frank");
        var franks = await OpenSessionAsync(host, frank);

        var opened = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => OpenSessionAsync(host, erin)));
        using var franksCall = await SendAsync(host, frank, franks.SessionId!, """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
        var erins = opened.Where(o => o.SessionId is not null).ToList();
        using var closed = await SendAsync(host, erin, erins[0].SessionId!, null);
        var reopened = await PollOpenAsync(host, erin);

        franks.Status.Should().Be(HttpStatusCode.OK);
        erins.Should().HaveCount(3, "one caller has at most MaxSessionsPerIdentity sessions, however many it asks for at once");
        opened.Where(o => o.SessionId is null).Should().HaveCount(5).And.OnlyContain(o => o.Status == HttpStatusCode.TooManyRequests && o.Body.Contains("Too many sessions"));
        franksCall.StatusCode.Should().Be(HttpStatusCode.OK, "another caller's idle session is never pushed out");
        closed.IsSuccessStatusCode.Should().BeTrue();
        reopened.Status.Should().Be(HttpStatusCode.OK, "a closed session frees its place");
    }

    [Fact]
    public async Task AUserStoredWithAReservedName_IsNamedInTheLogAtStart_AndCannotSignIn()
    {
        // A store from before names were reserved, holding a user named 'local' (whose memory would be the stdio caller's).
        using var data = new TempDirectory();
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={data.Combine("auth.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE users(username TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at INTEGER NOT NULL);"
                + "INSERT INTO users VALUES('local', 'admin', $h, 0);";
            command.Parameters.AddWithValue("$h", Lumina.Core.Auth.PasswordHasher.Hash(HttpAuth.Password, 1_000));
            await command.ExecuteNonQueryAsync();
        }

        var host = await HttpHost.StartAsync(HttpAuth.SigningKeyArgument, $"--Lumina:DataDirectory={data.Path}");
        _hosts.Add(host);
        var warning = await host.WaitForLogLineAsync(l => l.Contains("The user 'local' has a reserved name", StringComparison.Ordinal)).WaitAsync(s_bound);
        using var token = await HttpAuth.PostTokenAsync(_http, host, [new("grant_type", "password"), new("username", "local"), new("password", HttpAuth.Password)]);

        warning.Should().Contain("cannot sign in").And.Contain("lumina users remove local");
        token.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await token.Content.ReadAsStringAsync()).Should().Contain("reserved name");
    }

    private async Task<(HttpHost Issuing, HttpHost Checking, string[] Cli)> StartAsync(string store, params string[] more)
    {
        var (issuing, checking, cli, redis) = await StartHostsAsync(store, more);
        _hosts.Add(issuing);
        if (checking != issuing)
        {
            _hosts.Add(checking);
        }

        _redis = redis;
        return (issuing, checking, cli);
    }

    private static async Task<(HttpHost Issuing, HttpHost Checking, string[] Cli, RedisServer? Redis)> StartHostsAsync(string store, params string[] more)
    {
        string[] common = [HttpAuth.SigningKeyArgument, "--Lumina:Auth:IdentityCacheDuration=00:00:01", .. more];
        if (store == "sqlite")
        {
            var host = await HttpHost.StartAsync(common);
            return (host, host, [], null);
        }

        // Two hosts on one Redis, accepting each other's tokens (one signing key, issuer and resource).
        var redis = await RedisServer.StartAsync();
        string[] onRedis = ["--Lumina:Memory:Store=redis", $"--ConnectionStrings:redis={redis.ConnectionString}"];
        string[] names = ["--Lumina:Auth:Issuer=http://lumina.test", "--Lumina:Auth:Resource=http://lumina.test/mcp"];
        var a = await HttpHost.StartAsync([.. common, .. onRedis, .. names]);
        var b = await HttpHost.StartAsync([.. common, .. onRedis, .. names]);
        return (a, b, onRedis, redis);
    }

    /// <summary>
    /// The hosts the tests of each store share, started when a test first asks for them: one on SQLite, or two on one
    /// Redis. The sixty concurrent guesses all come from 127.0.0.1, so the per-client lockout is out of their way (as it
    /// was on their own hosts); the per-name one, which locks out only that test's own user, is as it comes.
    /// </summary>
    public sealed class SharedHosts : IAsyncLifetime
    {
        private readonly Dictionary<string, Task<(HttpHost Issuing, HttpHost Checking, string[] Cli, RedisServer? Redis)>> _stores = [];

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            foreach (var started in _stores.Values)
            {
                if (!started.IsCompletedSuccessfully)
                {
                    continue;
                }

                var (issuing, checking, _, redis) = started.Result;
                await issuing.DisposeAsync();
                if (checking != issuing)
                {
                    await checking.DisposeAsync();
                }

                if (redis is not null)
                {
                    await redis.DisposeAsync();
                }
            }
        }

        internal async Task<(HttpHost Issuing, HttpHost Checking, string[] Cli)> StartAsync(string store)
        {
            Task<(HttpHost Issuing, HttpHost Checking, string[] Cli, RedisServer? Redis)>? started;
            lock (_stores)
            {
                if (!_stores.TryGetValue(store, out started) || started.IsFaulted || started.IsCanceled)
                {
                    started = StartHostsAsync(store, "--Lumina:Auth:Lockout:MaxFailuresPerClient=1000");
                    _stores[store] = started;
                }
            }

            var (issuing, checking, cli, _) = await started;
            return (issuing, checking, cli);
        }
    }

    private static async Task RunAsync(HttpHost host, string[] cli, params string[] command)
    {
        var (exitCode, _, stderr) = await LuminaProcess.RunAsync(null, null, [.. command, $"--Lumina:DataDirectory={host.DataDirectory}", .. cli]);
        exitCode.Should().Be(0, stderr);
    }

    private static Uri Providers(HttpHost host) => new(host.BaseAddress, "/v1/providers");

    /// <summary>Repeats a request until it answers <paramref name="until"/>, for at most <see cref="s_bound"/>; the last answer.</summary>
    private static Task<HttpResponseMessage> PollAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode until) =>
        PollAsync(send, r => r.StatusCode == until, r => r.Dispose());

    /// <summary>Writes until a write is refused, for at most <see cref="s_bound"/>; the last answer.</summary>
    private static Task<CallToolResult> PollRefusedAsync(McpClient client) =>
        PollAsync(() => RememberAsync(client, "still writing"), r => r.IsError == true);

    /// <summary>Repeats <paramref name="send"/> until <paramref name="done"/> accepts its answer, for at most <see cref="s_bound"/>; the last answer.</summary>
    private static async Task<T> PollAsync<T>(Func<Task<T>> send, Func<T, bool> done, Action<T>? discard = null)
    {
        var answer = default(T);
        var answered = false;
        await Eventually.WaitAsync(
            async () =>
            {
                if (answered)
                {
                    discard?.Invoke(answer!);
                }

                answer = await send();
                answered = true;
                return done(answer);
            },
            s_bound,
            TimeSpan.FromMilliseconds(200));
        return answer!;
    }

    private static async Task<CallToolResult> RememberAsync(McpClient client, string text) =>
        await client.CallToolAsync("memory_remember", new Dictionary<string, object?> { ["text"] = text });

    private static async Task<CallToolResult> RecallAsync(McpClient client) =>
        await client.CallToolAsync("memory_recall", new Dictionary<string, object?> { ["query"] = "what is the vault code" });

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    private async Task<(HttpStatusCode Status, string? SessionId, string Body)> OpenSessionAsync(HttpHost host, string token)
    {
        using var request = RawMcpSession.Post(host.McpEndpoint, RawMcpSession.Initialize(RawMcpSession.NegotiatedVersion), null, null);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Headers.TryGetValues("Mcp-Session-Id", out var ids) ? ids.Single() : null, body);
    }

    private Task<(HttpStatusCode Status, string? SessionId, string Body)> PollOpenAsync(HttpHost host, string token) =>
        PollAsync(() => OpenSessionAsync(host, token), o => o.Status != HttpStatusCode.TooManyRequests);

    /// <summary>POSTs <paramref name="body"/> in a session, or DELETEs the session when it is null.</summary>
    private Task<HttpResponseMessage> SendAsync(HttpHost host, string token, string sessionId, string? body)
    {
        var request = body is null
            ? new HttpRequestMessage(HttpMethod.Delete, host.McpEndpoint)
            : RawMcpSession.Post(host.McpEndpoint, body, RawMcpSession.NegotiatedVersion, null);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Mcp-Session-Id", sessionId);
        if (body is null)
        {
            request.Headers.Add("MCP-Protocol-Version", RawMcpSession.NegotiatedVersion);
        }

        return _http.SendAsync(request);
    }
}
