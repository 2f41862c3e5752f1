using System.Net;

namespace Lumina.Host.Tests;

/// <summary><c>Lumina:Http:Console</c>: the console can be turned off, and then nothing is served at <c>/console</c>.</summary>
public sealed class ConsoleSettingTests : IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task TheConsoleTurnedOff_IsNotServed_AndTheApiStillIs()
    {
        await using var host = await HttpHost.StartAsync("--Lumina:Http:Console=false");

        using var console = await _http.GetAsync(new Uri(host.BaseAddress, "/console/"));
        using var script = await _http.GetAsync(new Uri(host.BaseAddress, "/console/app.js"));
        using var health = await _http.GetAsync(new Uri(host.BaseAddress, "/healthz"));

        console.StatusCode.Should().Be(HttpStatusCode.NotFound);
        script.StatusCode.Should().Be(HttpStatusCode.NotFound);
        health.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
