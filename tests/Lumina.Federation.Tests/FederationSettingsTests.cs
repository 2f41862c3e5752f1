using Lumina.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lumina.Federation.Tests;

/// <summary><c>Lumina:Servers</c> read and checked: a setting that makes no sense stops the host, naming it.</summary>
public sealed class FederationSettingsTests
{
    [Fact]
    public void Servers_AreReadWithTheirSettings_AndDisabledOnesLeftOut()
    {
        var servers = FederationServiceCollectionExtensions.Read(Configuration(new()
        {
            ["Lumina:Servers:everything:Command"] = "node",
            ["Lumina:Servers:everything:Args:0"] = "index.js",
            ["Lumina:Servers:everything:Args:1"] = "stdio",
            ["Lumina:Servers:everything:Env:DEBUG"] = "1",
            ["Lumina:Servers:everything:Start"] = "eager",
            ["Lumina:Servers:everything:Permission"] = "read",
            ["Lumina:Servers:docs:Url"] = "https://mcp.example.com/mcp",
            ["Lumina:Servers:docs:Headers:Authorization"] = "Bearer k",
            ["Lumina:Servers:docs:Timeout"] = "00:00:30",
            ["Lumina:Servers:off:Command"] = "x",
            ["Lumina:Servers:off:Enabled"] = "false",
            ["Lumina:Servers:Import:0"] = "/somewhere/mcp.json",
        }));

        servers.Select(s => s.Name).Should().Equal("docs", "everything");
        var everything = servers.Single(s => s.Name == "everything").Options;
        everything.Args.Should().Equal("index.js", "stdio");
        everything.Env["DEBUG"].Should().Be("1");
        everything.Start.Should().Be(UpstreamStart.Eager);
        everything.Permission.Should().Be(Abstractions.LuminaPermission.Read);
        var docs = servers.Single(s => s.Name == "docs").Options;
        docs.Headers["authorization"].Should().Be("Bearer k");
        docs.Timeout.Should().Be(TimeSpan.FromSeconds(30));
        docs.Start.Should().Be(UpstreamStart.Lazy);
    }

    [Theory]
    [InlineData("Lumina:Servers:both:Command", "x", "Lumina:Servers:both:Url", "http://h/mcp", "exactly one of Command")]
    [InlineData("Lumina:Servers:neither:Timeout", "00:00:05", null, null, "exactly one of Command")]
    [InlineData("Lumina:Servers:rel:Url", "/mcp", null, null, "Lumina:Servers:rel:Url must be an absolute http or https URL")]
    [InlineData("Lumina:Servers:ftp:Url", "ftp://h/mcp", null, null, "absolute http or https")]
    [InlineData("Lumina:Servers:slow:Command", "x", "Lumina:Servers:slow:Timeout", "00:00:00", "Lumina:Servers:slow:Timeout")]
    [InlineData("Lumina:Servers:bad name:Command", "x", null, null, "Lumina:Servers:bad name: a server name")]
    [InlineData("Lumina:Servers:a-b:Command", "x", "Lumina:Servers:a_b:Command", "y", "would both be served as the plugin 'a_b'")]
    [InlineData("Lumina:Servers:odd:Command", "x", "Lumina:Servers:odd:Start", "sometimes", "Lumina:Servers:odd")]
    [InlineData("Lumina:Servers:pre:Command", "x", "Lumina:Servers:pre:Prefix", "a b/", "Lumina:Servers:pre:Prefix is up to 32")]
    public void ASettingThatMakesNoSense_StopsTheHost_NamingIt(string key, string value, string? key2, string? value2, string message)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key2 is not null)
        {
            settings[key2] = value2;
        }

        var read = () => FederationServiceCollectionExtensions.Read(Configuration(settings));

        read.Should().Throw<LuminaStartupException>().WithMessage($"*{message}*");
    }

    [Fact]
    public void APrefix_IsRead_AndAnEmptyOneMeansNone()
    {
        var servers = FederationServiceCollectionExtensions.Read(Configuration(new()
        {
            ["Lumina:Servers:gh:Command"] = "x",
            ["Lumina:Servers:gh:Prefix"] = "github.",
            ["Lumina:Servers:bare:Command"] = "y",
            ["Lumina:Servers:bare:Prefix"] = "",
            ["Lumina:Servers:plain:Command"] = "z",
        }));

        servers.Single(s => s.Name == "gh").Options.Prefix.Should().Be("github.");
        servers.Single(s => s.Name == "bare").Options.Prefix.Should().Be("", "an empty prefix serves the names as they are");
        servers.Single(s => s.Name == "plain").Options.Prefix.Should().BeNull();
        UpstreamNames.Served("gh", "search", "github.").Should().Be("github.search");
        UpstreamNames.Served("bare", "search", "").Should().Be("search");
        UpstreamNames.Served("plain", "search").Should().Be("plain_search");
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) => new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
