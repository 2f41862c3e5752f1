using System.Text;
using Lumina.Abstractions;

namespace Lumina.Plugins.Web.Tests;

/// <summary>web_fetch over real HTTP on loopback, through the allow-list: extraction, formats, paging and bad input.</summary>
public sealed class WebPluginTests(WebTestSite site) : IClassFixture<WebTestSite>
{
    private WebPlugin Plugin(Action<WebOptions>? change = null)
    {
        var options = WebTestOptions.Profile("loopback");
        options.Timeout = TimeSpan.FromSeconds(10);
        change?.Invoke(options);
        return WebTestOptions.Plugin(options);
    }

    [Fact]
    public async Task Fetch_Article_ReturnsMainContentAsMarkdown()
    {
        using var plugin = Plugin(o => o.PageBytes = 64 * 1024);

        var page = await plugin.FetchAsync(site.BaseAddress + "/article");

        page.Status.Should().Be(200);
        page.ContentType.Should().Be("text/html");
        page.FinalUrl.Should().Be(site.BaseAddress + "/article");
        page.Title.Should().Contain("Forty restored sailing boats return to Kestrel Bay");
        page.Format.Should().Be("markdown");
        page.NextIndex.Should().BeNull();
        page.Note.Should().BeNull();
        var markdown = page.Content;
        markdown.Should().Contain("Heritage Sail Trust](" + site.BaseAddress + "/clubs/heritage)", "relative links become absolute");
        markdown.Should().Contain("**Maren Oduya**").And.Contain("*Teodor Lisk*");
        markdown.Should().Contain("## What happens next");
        markdown.Should().Contain("1. Out past the breakwater").And.Contain("2. Around the [north buoy](https://example.org/buoy)");
        markdown.Should().Contain("> It is the first time in living memory");
        markdown.Should().Contain("| Boat | Built |").And.Contain("| Marigold | 1874 |");
        markdown.Should().Contain("`10:00`");
        markdown.Should().NotContain("tracking").And.NotContain("Subscribe").And.NotContain("Council votes on parking", "navigation, scripts and side bars are not main content");
        markdown.Should().NotContain("<p>");
    }

    [Fact]
    public async Task Fetch_LongPage_IsPagedByStartIndex()
    {
        using var plugin = Plugin();
        var url = site.BaseAddress + "/article";
        var whole = new StringBuilder();
        var start = 0;
        var pages = 0;
        WebPage page;
        do
        {
            page = await plugin.FetchAsync(url, "text", maxBytes: 1000, startIndex: start);
            Encoding.UTF8.GetByteCount(page.Content).Should().BeLessThanOrEqualTo(1000);
            page.StartIndex.Should().Be(start);
            whole.Append(page.Content);
            if (page.NextIndex is { } next)
            {
                page.Note.Should().Contain($"startIndex={next}");
                start = next;
            }

            pages++;
        }
        while (page.NextIndex is not null && pages < 100);

        pages.Should().BeGreaterThan(3);
        whole.Length.Should().Be(page.TotalLength);
        whole.ToString().Should().Contain("Paragraph 40 of the appendix");
    }

    [Fact]
    public async Task Fetch_MaxBytes_IsCappedByTheConfiguredPageSize()
    {
        using var plugin = Plugin(o => o.PageBytes = 2000);

        var page = await plugin.FetchAsync(site.BaseAddress + "/article", "markdown", maxBytes: 1_000_000);

        Encoding.UTF8.GetByteCount(page.Content).Should().BeLessThanOrEqualTo(2000);
        page.NextIndex.Should().Be(page.Content.Length);
    }

    [Fact]
    public async Task Fetch_Formats_HtmlTextAndRaw()
    {
        using var plugin = Plugin(o => o.PageBytes = 64 * 1024);
        var url = site.BaseAddress + "/article";

        var html = await plugin.FetchAsync(url, "html");
        var text = await plugin.FetchAsync(url, "TEXT");
        var raw = await plugin.FetchAsync(url, "raw");

        html.Content.Should().Contain("<p>").And.Contain("Heritage Sail Trust").And.NotContain("<script");
        text.Content.Should().Contain("Maren Oduya").And.NotContain("<").And.NotContain("**");
        raw.Content.Should().Be(WebTestSite.ArticleHtml);
        raw.Title.Should().BeNull();
    }

    [Fact]
    public async Task Fetch_NonHtmlText_IsReturnedAsIs_WithStatus()
    {
        using var plugin = Plugin();

        var json = await plugin.FetchAsync(site.BaseAddress + "/json");
        var missing = await plugin.FetchAsync(site.BaseAddress + "/missing");

        json.Content.Should().Be("{\"a\":1}");
        json.ContentType.Should().Be("application/json");
        missing.Status.Should().Be(404);
        missing.Content.Should().Be("not found");
    }

    [Fact]
    public async Task Fetch_Redirect_ReportsTheFinalUrl()
    {
        using var plugin = Plugin();

        var page = await plugin.FetchAsync(site.BaseAddress + "/chain?n=2&to=" + Uri.EscapeDataString(site.BaseAddress + "/hello"));

        page.FinalUrl.Should().Be(site.BaseAddress + "/hello");
        page.Content.Should().Be("hello");
    }

    [Theory]
    [InlineData("ftp://example.com/", "Only http and https")]
    [InlineData("not a url", "not a valid absolute URL")]
    [InlineData("http://user:secret@127.0.0.1/", "user information")]
    public async Task Fetch_BadUrl_SaysWhy(string url, string says)
    {
        using var plugin = Plugin();

        var fetch = () => plugin.FetchAsync(url);

        (await fetch.Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Contain(says);
    }

    [Fact]
    public async Task Fetch_BadArguments_SayWhy()
    {
        using var plugin = Plugin();
        var url = site.BaseAddress + "/hello";

        (await FluentActions.Awaiting(() => plugin.FetchAsync(url, "pdf")).Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Contain("format must be one of");
        (await FluentActions.Awaiting(() => plugin.FetchAsync(url, startIndex: -1)).Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Contain("startIndex");
        (await FluentActions.Awaiting(() => plugin.FetchAsync(url, maxBytes: 0)).Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Contain("maxBytes");
        (await FluentActions.Awaiting(() => plugin.FetchAsync(url, startIndex: 99)).Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Contain("past the end");
    }

    [Fact]
    public async Task Fetch_Oversize_Timeout_AndBinary_SayWhy()
    {
        using var plugin = Plugin(o => o.Timeout = TimeSpan.FromMilliseconds(300));

        var big = await FluentActions.Awaiting(() => plugin.FetchAsync(site.BaseAddress + "/big")).Should().ThrowAsync<LuminaRefusalException>();
        var slow = await FluentActions.Awaiting(() => plugin.FetchAsync(site.BaseAddress + "/slow-headers")).Should().ThrowAsync<LuminaRefusalException>();
        var image = await FluentActions.Awaiting(() => plugin.FetchAsync(site.BaseAddress + "/image")).Should().ThrowAsync<LuminaRefusalException>();

        big.Which.Kind.Should().Be(LuminaRefusalKind.TooLarge);
        big.Which.Message.Should().Contain("Lumina:Web:MaxBytes");
        slow.Which.Kind.Should().Be(LuminaRefusalKind.Unavailable);
        slow.Which.Message.Should().Contain("did not answer within 0.3 s");
        image.Which.Message.Should().Contain("image/png, not text");
    }

    [Fact]
    public async Task Fetch_Binary_KeptAsAResourceForItsCallerOnly_WhenConfigured()
    {
        using var plugin = Plugin(o => o.Binary = "resource");

        var page = await plugin.FetchAsync(site.BaseAddress + "/image");
        var id = page.Resource!["web://downloads/".Length..];
        var download = plugin.Download(id);

        page.Content.Should().BeEmpty();
        page.ContentType.Should().Be("image/png");
        page.Note.Should().Contain(page.Resource);
        download.MimeType.Should().Be("image/png");
        download.Blob!.Value.Length.Should().BeGreaterThan(0);
        using (new LuminaCallContextAccessor().Push(new LuminaCallContext(new LuminaCaller("mallory", "mallory", "admin", LuminaTransport.Http, true))))
        {
            var other = () => plugin.Download(id);
            other.Should().Throw<LuminaRefusalException>().WithMessage("*no download*");
        }
    }

    [Fact]
    public async Task Fetch_CallerCancels_IsNotReportedAsATimeout()
    {
        using var plugin = Plugin(o => o.Timeout = TimeSpan.FromSeconds(30));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var fetch = () => plugin.FetchAsync(site.BaseAddress + "/slow-headers", cancellationToken: cancel.Token);

        await fetch.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Fetch_DefaultSettings_RefuseTheLoopbackServer()
    {
        using var plugin = WebTestOptions.Plugin(WebTestOptions.Profile("default"));

        var fetch = () => plugin.FetchAsync(site.BaseAddress + "/hello");

        (await fetch.Should().ThrowAsync<LuminaRefusalException>()).Which.Kind.Should().Be(LuminaRefusalKind.Forbidden);
    }

    [Theory]
    [InlineData("markdown")]
    [InlineData("text")]
    [InlineData("html")]
    public async Task Fetch_DeeplyNestedPage_IsRefusedBeforeParsing(string format)
    {
        using var plugin = Plugin(o => o.MaxBytes = 2 * 1024 * 1024);

        var fetch = () => plugin.FetchAsync(site.BaseAddress + "/deep?n=200000", format);

        (await fetch.Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Contain("512 levels");
    }

    [Fact]
    public async Task Fetch_DeeplyNestedPage_RawAndModerateDepth_AreReturned()
    {
        using var plugin = Plugin(o => o.MaxBytes = 2 * 1024 * 1024);

        var raw = await plugin.FetchAsync(site.BaseAddress + "/deep?n=200000", "raw", maxBytes: 1000);
        var moderate = await plugin.FetchAsync(site.BaseAddress + "/deep?n=300", "text");

        raw.NextIndex.Should().NotBeNull();
        moderate.Content.Should().Contain("bottom");
    }

    [Fact]
    public void IsTooDeep_OrdinaryPages_AreNot()
    {
        HtmlDepth.IsTooDeep(WebTestSite.ArticleHtml).Should().BeFalse();
        HtmlDepth.IsTooDeep(string.Concat(Enumerable.Repeat("<p>para<br><img src=x><li>item", 5000))).Should().BeFalse();
        HtmlDepth.IsTooDeep(string.Concat(Enumerable.Repeat("<div>x</div>", 5000))).Should().BeFalse();
        HtmlDepth.IsTooDeep(string.Concat(Enumerable.Repeat("<span>", 513))).Should().BeTrue();
        HtmlDepth.IsTooDeep("<script>" + string.Concat(Enumerable.Repeat("<div>", 1000)) + "</script>").Should().BeFalse();
    }

    [Fact]
    public void PageLength_NeverSplitsASurrogatePair()
    {
        var text = "ab\U0001F600cd";

        WebPlugin.PageLength(text, 0, 5).Should().Be(2, "the emoji's 4 bytes do not fit after 2");
        WebPlugin.PageLength(text, 0, 6).Should().Be(4);
        WebPlugin.PageLength(text, 2, 1).Should().Be(2, "a page always makes progress");
    }
}
