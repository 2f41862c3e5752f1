using Lumina.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lumina.Plugins.Web.Tests;

/// <summary>The response cache: per URL and caller role, for Lumina:Web:CacheTtl, off at zero.</summary>
public sealed class WebCacheTests(WebTestSite site) : IClassFixture<WebTestSite>
{
    private readonly FakeTimeProvider _time = new();
    private readonly LuminaCallContextAccessor _context = new();

    private WebPlugin Plugin(TimeSpan ttl)
    {
        var options = WebTestOptions.Profile("loopback");
        options.CacheTtl = ttl;

        // The fake clock also runs the fetch timeout, which then never fires: these fetches are quick and local.
        return WebTestOptions.Plugin(options, context: _context, time: _time);
    }

    private string Url => site.BaseAddress + "/counter";

    [Fact]
    public async Task Fetch_SameUrlAndRole_IsServedFromTheCacheUntilTheTtl()
    {
        using var plugin = Plugin(TimeSpan.FromMinutes(5));

        var first = await plugin.FetchAsync(Url, "raw");
        _time.Advance(TimeSpan.FromMinutes(4));
        var second = await plugin.FetchAsync(Url, "raw");
        _time.Advance(TimeSpan.FromMinutes(2));
        var third = await plugin.FetchAsync(Url, "raw");

        second.Content.Should().Be(first.Content);
        third.Content.Should().NotBe(first.Content);
    }

    [Fact]
    public async Task Fetch_OtherRole_IsFetchedAgain()
    {
        using var plugin = Plugin(TimeSpan.FromMinutes(5));

        var asUser = await plugin.FetchAsync(Url, "raw");
        string asGuest;
        using (_context.Push(new LuminaCallContext(new LuminaCaller("g", "g", "guest", LuminaTransport.Http, IsAuthenticated: true))))
        {
            asGuest = (await plugin.FetchAsync(Url, "raw")).Content;
        }

        asGuest.Should().NotBe(asUser.Content);
    }

    [Fact]
    public async Task Fetch_ZeroTtl_NeverCaches()
    {
        using var plugin = Plugin(TimeSpan.Zero);

        var first = await plugin.FetchAsync(Url, "raw");
        var second = await plugin.FetchAsync(Url, "raw");

        second.Content.Should().NotBe(first.Content);
    }
}
