using System.Reflection;
using Lumina.Abstractions;
using Microsoft.SemanticKernel;

namespace Lumina.Plugins.Web.Tests;

/// <summary>The plugin as Semantic Kernel sees it: names, descriptions, annotations and the permission it needs.</summary>
public sealed class WebPluginKernelTests(WebTestSite site) : IClassFixture<WebTestSite>
{
    [Fact]
    public void Import_HasFetchWithDescriptionsOnEveryParameter()
    {
        using var plugin = WebTestOptions.Plugin(WebTestOptions.Profile("default"));
        var kernel = new Kernel();

        var imported = kernel.ImportPluginFromObject(plugin, "web");

        imported.Select(f => f.Name).Should().BeEquivalentTo("fetch", "download");
        var fetch = imported["fetch"];
        fetch.Description.Should().Contain("startIndex");
        fetch.Metadata.Parameters.Select(p => (p.Name, p.IsRequired)).Should().Equal(("url", true), ("format", false), ("maxBytes", false), ("startIndex", false));
        fetch.Metadata.Parameters.Should().OnlyContain(p => !string.IsNullOrWhiteSpace(p.Description));
    }

    [Fact]
    public void Fetch_IsAnnotatedReadOnlyOpenWorld_AndNeedsRead()
    {
        var method = typeof(WebPlugin).GetMethod(nameof(WebPlugin.FetchAsync))!;
        var tool = method.GetCustomAttribute<LuminaToolAttribute>()!;

        tool.ReadOnly.Should().BeTrue();
        tool.OpenWorld.Should().BeTrue();
        tool.Destructive.Should().BeFalse();
        typeof(WebPlugin).GetCustomAttribute<LuminaRequiresAttribute>()!.Permission.Should().Be(LuminaPermission.Read);
        typeof(WebPlugin).GetCustomAttribute<LuminaPluginAttribute>()!.Name.Should().Be("web");
    }

    [Fact]
    public async Task InvokeAsync_BindsArgumentsByName()
    {
        var options = WebTestOptions.Profile("loopback");
        options.Timeout = TimeSpan.FromSeconds(10);
        using var plugin = WebTestOptions.Plugin(options);
        var kernel = new Kernel();
        kernel.ImportPluginFromObject(plugin, "web");

        var page = await kernel.InvokeAsync<WebPage>("web", "fetch", new() { ["url"] = site.BaseAddress + "/hello", ["format"] = "text", ["startIndex"] = "1" });

        page!.Content.Should().Be("ello");
        page.StartIndex.Should().Be(1);
    }
}
