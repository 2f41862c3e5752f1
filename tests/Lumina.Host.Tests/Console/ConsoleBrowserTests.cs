using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumina.Host.Tests;

/// <summary>
/// The web console at <c>/console</c> in a real browser (headless Chromium) against the real host: sign in, every page
/// with the host's data, a tool run from its generated form, an API key created and revoked, a quarantined tool
/// approved, server text with markup shown as text, and no administration for a guest.
/// </summary>
public sealed partial class ConsoleBrowserTests(ConsoleHost console, ITestOutputHelper output) : IClassFixture<ConsoleHost>
{
    [Fact]
    public async Task TheConsole_IsServedWithAStrictPolicy_AndItsClientRoutesGetTheApp()
    {
        foreach (var path in new[] { "/console", "/console/", "/console/audit" })
        {
            using var page = await console.Http.GetAsync(new Uri(console.Host.BaseAddress, path));
            var html = await page.Content.ReadAsStringAsync();

            page.StatusCode.Should().Be(HttpStatusCode.OK, path);
            page.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
            html.Should().Contain("<script type=\"module\" src=\"/console/app.js\"></script>").And.NotContain("<script>", "no inline script");
            page.Headers.GetValues("Content-Security-Policy").Single().Should()
                .Contain("default-src 'none'").And.Contain("script-src 'self';").And.Contain("style-src 'self';").And.Contain("frame-ancestors 'none'");
            page.Headers.GetValues("X-Content-Type-Options").Single().Should().Be("nosniff");
            page.Headers.GetValues("Referrer-Policy").Single().Should().Be("no-referrer");
        }

        using var script = await console.Http.GetAsync(new Uri(console.Host.BaseAddress, "/console/app.js"));
        using var missing = await console.Http.GetAsync(new Uri(console.Host.BaseAddress, "/console/nothing.js"));
        using var data = await console.Http.GetAsync(new Uri(console.Host.BaseAddress, "/v1/servers"));
        script.StatusCode.Should().Be(HttpStatusCode.OK);
        script.Content.Headers.ContentType!.MediaType.Should().Be("text/javascript");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        data.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the files are anonymous, the data is not");
    }

    [Fact]
    public async Task ABadPassword_IsRefusedOnTheSignInPage()
    {
        var page = await console.OpenAsync();

        await page.GetByLabel("Username").FillAsync(ConsoleHost.User);
        await page.GetByLabel("Password").FillAsync("not the password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Sign-in failed");
        Shot(await ConsoleHost.ScreenshotAsync(page, "signin"));
        (await page.EvaluateAsync<string?>("sessionStorage.getItem('lumina.token')")).Should().BeNull();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SignIn_ShowsTheOverview_AndSignOutForgetsTheToken()
    {
        var page = await console.OpenAsync(ConsoleHost.User);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        await Expect(page.Locator("#who")).ToContainTextAsync(ConsoleHost.User);
        (await page.EvaluateAsync<string?>("sessionStorage.getItem('lumina.token')")).Should().NotBeNullOrEmpty();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Lumina" })).ToBeVisibleAsync();
        (await page.EvaluateAsync<string?>("sessionStorage.getItem('lumina.token')")).Should().BeNull();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ARejectedToken_SendsTheUserBackToSignIn()
    {
        var page = await console.OpenAsync();
        await page.EvaluateAsync("sessionStorage.setItem('lumina.token', 'not-a-token')");

        await page.GotoAsync("/console/#/catalog");
        await page.ReloadAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Lumina" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task EveryPage_ShowsTheHostsData()
    {
        var page = await console.OpenAsync(ConsoleHost.Admin);
        var expected = new (string Route, string Heading, string Data)[]
        {
            ("overview", "Overview", "Health"),
            ("catalog", "Catalog", "time_convert"),
            ("memory", "Memory", "The console test prefers tea."),
            ("audit", "Audit", "time_now"),
            ("users", "Users", ConsoleHost.Guest),
            ("roles", "Roles", "manage"),
            ("keys", "API keys", console.CliKeyId),
            ("servers", "Upstream servers", "rug_time"),
            ("runs", "Workflow runs", "inert"),
            ("toolsets", "Tool sets", "/mcp/clock"),
        };

        foreach (var (route, heading, data) in expected)
        {
            await page.GotoAsync($"/console/#/{route}");
            var view = page.Locator($"section.page[data-page='{route}']");
            await Expect(view.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true })).ToBeVisibleAsync();
            await Expect(view).ToContainTextAsync(data);
            await Expect(page.Locator("main .error")).ToHaveCountAsync(0);
            Shot(await ConsoleHost.ScreenshotAsync(page, route));
        }

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheOverview_ChartsTheHostsMeters()
    {
        var page = await console.OpenAsync(ConsoleHost.Admin);

        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Calls per minute" })).ToBeVisibleAsync();
        await Expect(page.Locator(".stat").First).ToBeVisibleAsync();
        (await page.EvaluateAsync<bool>("typeof window.Chart === 'function'")).Should().BeTrue("the build copies Chart.js beside the console");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ATool_RunFromItsGeneratedForm_ShowsItsResult()
    {
        var page = await console.OpenAsync(ConsoleHost.User, "catalog");
        var tool = page.Locator("details.tool[data-tool='time_convert']");

        await tool.Locator("summary").ClickAsync();
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Arguments of time_convert" });
        await form.GetByRole(AriaRole.Button, new() { Name = "Run time_convert" }).ClickAsync();
        await Expect(form.GetByLabel("dateTime")).ToHaveAttributeAsync("aria-invalid", "true");
        await form.GetByLabel("dateTime").FillAsync("2026-11-23T14:30:00");
        await form.GetByLabel("fromZone").FillAsync("Europe/Oslo");
        await form.GetByLabel("toZone").FillAsync("Asia/Tokyo");
        await form.GetByRole(AriaRole.Button, new() { Name = "Run time_convert" }).ClickAsync();

        var result = tool.GetByRole(AriaRole.Status, new() { Name = "Result" });
        await Expect(result).ToContainTextAsync("22:30");
        Shot(await ConsoleHost.ScreenshotAsync(page, "tool-run"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AnApiKey_IsShownOnceWhenCreated_AndCanBeRevoked()
    {
        var page = await console.OpenAsync(ConsoleHost.Admin, "keys");
        var create = page.GetByRole(AriaRole.Form, new() { Name = "Create an API key" });

        await create.GetByLabel("Owner").FillAsync(ConsoleHost.Guest);
        await create.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var secret = await page.GetByLabel("New API key").InputValueAsync();
        Shot(await ConsoleHost.ScreenshotAsync(page, "key-created"));

        secret.Should().StartWith("lum_");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "New key" })).ToContainTextAsync("shown only once");
        using (var works = await HttpAuth.GetAsync(console.Http, new Uri(console.Host.BaseAddress, "/v1/providers"), secret))
        {
            works.StatusCode.Should().Be(HttpStatusCode.OK, "the new key is a real key");
        }

        var id = KeyId().Match(await page.GetByRole(AriaRole.Region, new() { Name = "New key" }).InnerTextAsync()).Value;
        await page.GetByRole(AriaRole.Button, new() { Name = "I have copied it" }).ClickAsync();
        await Expect(page.GetByLabel("New API key")).ToHaveCountAsync(0);
        await page.ReloadAsync();
        (await page.ContentAsync()).Should().NotContain(secret, "the secret is shown once, never listed");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke {id}" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Revoked {id}");
        using var refused = await HttpAuth.GetAsync(console.Http, new Uri(console.Host.BaseAddress, "/v1/providers"), secret);
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a revoked key stops working");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AQuarantinedTool_IsApprovedWithOneClick()
    {
        var page = await console.OpenAsync(ConsoleHost.Admin, "servers");
        var rug = page.GetByRole(AriaRole.Article, new() { Name = "Server rug" });

        await Expect(rug.GetByRole(AriaRole.Table)).ToContainTextAsync("quarantined");
        await Expect(rug).ToContainTextAsync("instruction");
        Shot(await ConsoleHost.ScreenshotAsync(page, "servers-quarantined"));
        await rug.GetByRole(AriaRole.Button, new() { Name = "Approve weather of rug" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Approved weather of rug");
        await Expect(rug.GetByRole(AriaRole.Button, new() { Name = "Approve weather of rug" })).ToHaveCountAsync(0);
        var token = await console.AdminTokenAsync();
        await using var client = await HttpAuth.McpClientAsync(console.Host, token);
        (await client.ListToolsAsync()).Select(t => t.Name).Should().Contain("rug_weather", "an approved tool is served");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ADescriptionWithMarkup_IsShownAsText_AndNeverRuns()
    {
        var page = await console.OpenAsync(ConsoleHost.User, "catalog");
        var tool = page.Locator("details.tool[data-tool='workflow_inert']");

        // The summary shows the workflow's title; its description is the text below it.
        await Expect(tool.Locator(".tool-long")).ToContainTextAsync(ConsoleHost.HostileDescription);
        await page.GetByLabel("Filter").FillAsync("onerror");
        await Expect(page.Locator("details.tool")).ToHaveCountAsync(1);
        Shot(await ConsoleHost.ScreenshotAsync(page, "catalog-inert-markup"));

        (await tool.Locator("script, img, b").CountAsync()).Should().Be(0, "the description is text, not elements");
        (await page.EvaluateAsync<string?>("window.luminaXss ?? null")).Should().BeNull("nothing in the description ran");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AGuest_SeesNoAdministration_EvenByAddress()
    {
        var page = await console.OpenAsync(ConsoleHost.Guest);

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Catalog" })).ToBeVisibleAsync();
        foreach (var admin in new[] { "Audit", "Users", "Roles", "API keys", "Servers", "Workflow runs", "Tool sets" })
        {
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = admin, Exact = true })).ToHaveCountAsync(0);
        }

        foreach (var route in new[] { "users", "keys", "audit", "servers" })
        {
            await page.GotoAsync($"/console/#/{route}");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
            await Expect(page.Locator("section.page")).ToHaveCountAsync(0);
        }

        Shot(await ConsoleHost.ScreenshotAsync(page, "guest-refused"));
        await page.Context.CloseAsync();
    }

    private void Shot(string path) => output.WriteLine($"screenshot: {path}");

    [GeneratedRegex(@"key_[0-9a-f]+")]
    private static partial Regex KeyId();
}
