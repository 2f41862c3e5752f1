using System.Net;
using System.Security.Claims;

namespace Lumina.Host.Tests;

/// <summary>
/// One token is one caller on both HTTP surfaces: a token with both a <c>sub</c> and a name identifier is its
/// <c>sub</c> over MCP and over the HTTP API alike, as the audit ledger records it.
/// </summary>
public sealed class CallerClaimsTests : IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task TokenWithSubAndNameIdentifier_IsTheSub_OverMcpAndOverTheHttpApi()
    {
        await using var authority = new LoopbackOidcAuthority();
        await using var host = await HttpHost.StartAsync(
            $"--Lumina:Auth:Authority={authority.Issuer}", "--Lumina:Auth:Audience=api://lumina", "--Lumina:Auth:RequireHttpsMetadata=false");
        var now = DateTimeOffset.UtcNow;
        var claims = HttpAuth.Claims(host, now, now.AddMinutes(5));
        claims["iss"] = authority.Issuer;
        claims["aud"] = "api://lumina";
        claims["sub"] = "subject-7f3a";
        claims["name"] = "ada";
        // The claim as JwtBearer would see it mapped from another authority's own id (inbound mapping is off).
        claims[ClaimTypes.NameIdentifier] = "name-id-b219";
        var token = authority.Token(claims);

        await using (var client = await HttpAuth.McpClientAsync(host, token))
        {
            (await client.CallToolAsync("time_now", new Dictionary<string, object?>())).IsError.Should().NotBe(true);
        }

        using (var providers = await HttpAuth.GetAsync(_http, new Uri(host.BaseAddress, "/v1/providers"), token))
        {
            providers.StatusCode.Should().Be(HttpStatusCode.OK, await providers.Content.ReadAsStringAsync());
        }

        // Stopped gracefully, so the records still queued are written before the ledger is read.
        (await host.StopAsync()).Should().Be(0);
        var (exitCode, stdout, stderr) = await LuminaProcess.RunAsync(["audit", "tail", $"--Lumina:DataDirectory={host.DataDirectory}"]);

        exitCode.Should().Be(0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().Contain(l => l.Contains(" subject-7f3a (user, http) time_now ok ", StringComparison.Ordinal), "MCP over HTTP takes the sub");
        lines.Should().Contain(l => l.Contains(" subject-7f3a (user, http) providers ok ", StringComparison.Ordinal), "the HTTP API takes the sub");
        stdout.Should().NotContain("name-id-b219");
    }
}
