using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Lumina.Testing.Providers;

namespace Lumina.Host.Tests;

/// <summary>The console API's tests share one real host (they start none of their own): see <see cref="ConsoleApiHost"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleApiHostGroup : ICollectionFixture<ConsoleApiHost>
{
    public const string Name = "console host";
}

/// <summary>
/// One real HTTP host for the console API's tests, with a scripted model provider (so <c>/v1/message</c> makes
/// conversations), a tool set <c>readers</c>, and four users: <c>root</c> (admin), <c>alice</c> (user), <c>gus</c>
/// (guest) and <c>warden</c> (an admin bound to the tool set). Tests add what else they need under names of their own.
/// </summary>
public sealed class ConsoleApiHost : IAsyncLifetime
{
    private ScriptedOpenAiServer _model = null!;

    internal HttpHost Host { get; private set; } = null!;

    public HttpClient Http { get; } = new();

    public string Root { get; private set; } = null!;

    public string Alice { get; private set; } = null!;

    public string Gus { get; private set; } = null!;

    public string Warden { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _model = new ScriptedOpenAiServer(200, "Noted.");
        Host = await HttpHost.StartAsync(
            new Dictionary<string, string>
            {
                ["Lumina__Providers__main__Kind"] = "openai",
                ["Lumina__Providers__main__Model"] = "main-model",
                ["Lumina__Providers__main__Endpoint"] = _model.Endpoint,
                ["Lumina__Providers__main__ApiKey"] = "test-key",
            },
            HttpAuth.SigningKeyArgument,
            "--Lumina:Auth:Lockout:MaxFailuresPerClient=1000",
            "--Lumina:ToolSets:readers:Include:0=time_*");
        await HttpAuth.AddUserAsync(Host.DataDirectory, "root", "admin");
        await HttpAuth.AddUserAsync(Host.DataDirectory, "alice", "user");
        await HttpAuth.AddUserAsync(Host.DataDirectory, "gus", "guest");
        await HttpAuth.AddUserAsync(Host.DataDirectory, "warden", "admin", "--toolset", "readers");
        Root = await HttpAuth.PasswordTokenAsync(Http, Host, "root");
        Alice = await HttpAuth.PasswordTokenAsync(Http, Host, "alice");
        Gus = await HttpAuth.PasswordTokenAsync(Http, Host, "gus");
        Warden = await HttpAuth.PasswordTokenAsync(Http, Host, "warden");
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        await _model.DisposeAsync();
    }

    /// <summary>Sends a request with an optional bearer token and JSON body; the answer's status, parsed body (or null) and text.</summary>
    public async Task<Reply> SendAsync(HttpMethod method, string path, string? token, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(Host.BaseAddress, path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? body = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/json" or "application/problem+json" && text.Length > 0)
        {
            body = JsonNode.Parse(text);
        }

        return new Reply(response.StatusCode, body, text, response.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentDisposition);
    }

    public Task<Reply> GetAsync(string path, string? token) => SendAsync(HttpMethod.Get, path, token);

    /// <summary>The ledger's records matching <paramref name="query"/> (the query string of <c>/v1/audit</c>), as root sees them.</summary>
    public async Task<JsonArray> AuditAsync(string query)
    {
        var reply = await GetAsync($"/v1/audit?{query}", Root);
        reply.Status.Should().Be(HttpStatusCode.OK, reply.Text);
        return reply.Body!["records"]!.AsArray();
    }

    /// <summary>An HTTP answer.</summary>
    public sealed record Reply(HttpStatusCode Status, JsonNode? Body, string Text, string? MediaType, ContentDispositionHeaderValue? Disposition)
    {
        /// <summary>The problem's <c>detail</c>.</summary>
        public string Detail => Body?["detail"]?.GetValue<string>() ?? string.Empty;
    }
}
