using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Lumina.Host.Tests;

/// <summary>
/// The console's catalog, tool calls, overview, workflow runs and tool sets on the real host over HTTP: what each role
/// is shown and may run agrees with MCP, and bad requests get problems that say what is wrong.
/// </summary>
public sealed class ConsoleCatalogApiTests(ConsoleCatalogApiTests.Host fixture) : IClassFixture<ConsoleCatalogApiTests.Host>
{
    [Fact]
    public async Task Catalog_ShowsEachRoleWhatItMayUse_WithSchemas()
    {
        var admin = await fixture.GetAsync("admin", "/v1/catalog");
        var user = await fixture.GetAsync("alice", "/v1/catalog");
        var guest = await fixture.GetAsync("guest", "/v1/catalog");

        static IEnumerable<string> Tools(JsonNode catalog) => catalog["tools"]!.AsArray().Select(t => t!["name"]!.GetValue<string>());
        Tools(admin).Should().Contain(["time_convert", "plan_save", "workflows_resume"]);
        Tools(user).Should().Contain(["time_convert", "memory_remember"]).And.NotContain(["plan_save", "workflows_resume"]);
        Tools(guest).Should().Contain("time_convert").And.NotContain(["memory_remember", "plan_save"]);
        var convert = user["tools"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == "time_convert")!;
        convert["kind"]!.GetValue<string>().Should().Be("tool");
        convert["inputSchema"]!["properties"]!["fromZone"]!["type"]!.GetValue<string>().Should().Be("string");
        convert["annotations"]!["readOnly"]!.GetValue<bool>().Should().BeTrue();
        user["tools"]!.AsArray().Should().Contain(t => t!["kind"]!.GetValue<string>() == "prompt" && t["name"]!.GetValue<string>() == "text_summarize");
        user["tools"]!.AsArray().Should().Contain(t => t!["kind"]!.GetValue<string>() == "workflow");
        user["prompts"]!.AsArray().Should().Contain(p => p!["name"]!.GetValue<string>() == "text_summarize");
        user["resourceTemplates"]!.AsArray().Should().Contain(r => r!["uriTemplate"]!.GetValue<string>() == "memory://conversations/{id}");
        admin["resources"]!.AsArray().Should().Contain(r => r!["uri"]!.GetValue<string>() == "lumina://audit/recent");
        user["resources"]!.AsArray().Should().NotContain(r => r!["uri"]!.GetValue<string>() == "lumina://audit/recent");
    }

    [Fact]
    public async Task CallTool_RunsItForTheCaller_AndAnswersTheMcpResult()
    {
        using var response = await fixture.PostAsync("alice", "/v1/tools/time_convert", """{"dateTime":"2026-01-01T12:00:00","fromZone":"UTC","toZone":"Asia/Tokyo"}""");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        body["isError"]?.GetValue<bool>().Should().NotBe(true);
        body["content"]![0]!["type"]!.GetValue<string>().Should().Be("text");
        body["structuredContent"]!.ToJsonString().Should().Contain("2026-01-01T21:00:00");
    }

    [Theory]
    [InlineData("/v1/tools/no_such_tool", "{}", HttpStatusCode.NotFound, "no tool 'no_such_tool'")]
    [InlineData("/v1/tools/time_convert", "[1,2]", HttpStatusCode.BadRequest, "must be a JSON object")]
    [InlineData("/v1/tools/time_convert", "{not json", HttpStatusCode.BadRequest, "not JSON")]
    [InlineData("/v1/tools/time_convert", """{"dateTime":"2026-01-01T12:00:00","fromZone":"UTC"}""", HttpStatusCode.BadRequest, "toZone")]
    [InlineData("/v1/tools/time_convert", """{"dateTime":"2026-01-01T12:00:00","fromZone":"UTC","toZone":"Mars/Olympus"}""", HttpStatusCode.BadRequest, "Mars/Olympus")]
    public async Task CallTool_BadRequests_AreProblemsThatSayWhy(string path, string body, HttpStatusCode status, string says)
    {
        using var response = await fixture.PostAsync("alice", path, body);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        response.StatusCode.Should().Be(status, problem.ToJsonString());
        problem["detail"]!.GetValue<string>().Should().Contain(says);
    }

    [Fact]
    public async Task CallTool_ForbiddenToTheRole_Is403_AndNothingIsWritten()
    {
        using var refused = await fixture.PostAsync("guest", "/v1/tools/memory_remember", """{"text":"guests cannot write"}""");
        using var facts = await fixture.PostAsync("guest", "/v1/tools/memory_recall", """{"query":"guests"}""");

        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await facts.Content.ReadAsStringAsync()).Should().NotContain("guests cannot write");
    }

    [Fact]
    public async Task Everything_WithoutCredentials_Is401()
    {
        using var http = new HttpClient();
        foreach (var path in new[] { "/v1/catalog", "/v1/overview", "/v1/toolsets", "/v1/workflows/runs" })
        {
            using var response = await http.GetAsync(new Uri(fixture.Server.BaseAddress, path));
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, path);
        }
    }

    [Fact]
    public async Task Overview_CountsCalls_AndReportsTheStoresHealth()
    {
        using (await fixture.PostAsync("alice", "/v1/tools/time_now", "{}"))
        {
        }

        var overview = await fixture.GetAsync("alice", "/v1/overview");

        overview["totals"]!["calls"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(1);
        overview["totals"]!["p99Ms"]!.GetValue<double>().Should().BeGreaterThan(0);
        overview["series"]!.AsArray().Should().HaveCount(60);
        overview["series"]!.AsArray().Sum(m => m!["calls"]!.GetValue<long>()).Should().BeGreaterThanOrEqualTo(1);
        overview["health"]!.AsArray().Should().Contain(h => h!["name"]!.GetValue<string>() == "sqlite" && h["status"]!.GetValue<string>() == "healthy");
        overview["version"]!.GetValue<string>().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task ToolSets_AreForAdministrators()
    {
        using var refused = await fixture.SendAsync("alice", HttpMethod.Get, "/v1/toolsets", null);
        var sets = await fixture.GetAsync("admin", "/v1/toolsets");

        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var coding = sets["toolSets"]!.AsArray().Single()!;
        coding["name"]!.GetValue<string>().Should().Be("coding");
        coding["include"]![0]!.GetValue<string>().Should().Be("time_*");
        coding["endpoint"]!.GetValue<string>().Should().Be("/mcp/coding");
    }

    [Fact]
    public async Task WorkflowRuns_ListForTheCaller_ResumeIsForAdministrators()
    {
        var runs = await fixture.GetAsync("alice", "/v1/workflows/runs");
        using var userResume = await fixture.PostAsync("alice", "/v1/workflows/runs/wr_nope/resume", "");
        using var adminResume = await fixture.PostAsync("admin", "/v1/workflows/runs/wr_nope/resume", "");
        using var cancel = await fixture.PostAsync("alice", "/v1/workflows/runs/wr_nope/cancel", "");

        runs["runs"]!.AsArray().Should().BeEmpty();
        userResume.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        adminResume.StatusCode.Should().Be(HttpStatusCode.NotFound);
        cancel.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    /// <summary>One host with an administrator, a user and a guest, and a tool set.</summary>
    public sealed class Host : IAsyncLifetime
    {
        private readonly HttpClient _http = new();
        private readonly Dictionary<string, string> _tokens = [];

        internal HttpHost Server { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Server = await HttpHost.StartAsync(HttpAuth.SigningKeyArgument, "--Lumina:ToolSets:coding:Include:0=time_*");
            foreach (var (name, role) in new[] { ("admin", "admin"), ("alice", "user"), ("guest", "guest") })
            {
                await HttpAuth.AddUserAsync(Server.DataDirectory, name, role);
                _tokens[name] = await HttpAuth.PasswordTokenAsync(_http, Server, name);
            }
        }

        public async Task DisposeAsync()
        {
            _http.Dispose();
            await Server.DisposeAsync();
        }

        public async Task<JsonNode> GetAsync(string user, string path)
        {
            using var response = await SendAsync(user, HttpMethod.Get, path, null);
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(HttpStatusCode.OK, text);
            return JsonNode.Parse(text)!;
        }

        public Task<HttpResponseMessage> PostAsync(string user, string path, string body) => SendAsync(user, HttpMethod.Post, path, body);

        public Task<HttpResponseMessage> SendAsync(string user, HttpMethod method, string path, string? body)
        {
            var request = new HttpRequestMessage(method, new Uri(Server.BaseAddress, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens[user]);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            return _http.SendAsync(request);
        }
    }
}
