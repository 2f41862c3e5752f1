using System.Net;
using System.Text.Json.Nodes;

namespace Lumina.Host.Tests;

/// <summary><c>/v1/audit</c>, <c>/v1/audit/verify</c> and <c>/v1/audit/export</c> on the real host.</summary>
[Collection(ConsoleApiHostGroup.Name)]
public sealed class ConsoleAuditApiTests(ConsoleApiHost console)
{
    [Fact]
    public async Task Search_IsNewestFirst_PagesByBefore_AndFilters()
    {
        for (var i = 0; i < 3; i++)
        {
            (await console.GetAsync("/v1/admin/roles", console.Root)).Status.Should().Be(HttpStatusCode.OK);
        }

        var first = await console.GetAsync("/v1/audit?count=2&q=CONSOLE_ROLES", console.Root);
        var next = first.Body!["next"]!.GetValue<long>();
        var second = await console.GetAsync($"/v1/audit?count=2&q=console_roles&before={next}", console.Root);
        var refused = await console.AuditAsync("outcome=failed&caller=root");
        var byCaller = await console.AuditAsync("caller=root&count=5");

        first.Status.Should().Be(HttpStatusCode.OK, first.Text);
        var page = first.Body["records"]!.AsArray();
        page.Should().HaveCount(2);
        Sequences(page).Should().BeInDescendingOrder();
        page.Select(r => r!["function"]!.GetValue<string>()).Should().AllBe("console_roles_list");
        next.Should().Be(Sequences(page)[^1], "the next page starts before the last record of this one");
        first.Body["scanned"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(2);
        first.Body["capped"]!.GetValue<bool>().Should().BeFalse();
        var later = second.Body!["records"]!.AsArray();
        later.Should().NotBeEmpty();
        Sequences(later).Should().OnlyContain(s => s < next);
        later.Select(r => r!["function"]!.GetValue<string>()).Should().AllBe("console_roles_list");
        refused.Select(r => r!["outcome"]!.GetValue<string>()).Should().AllBe("failed");
        byCaller.Should().HaveCount(5);
        byCaller.Select(r => r!["caller"]!.GetValue<string>()).Should().AllSatisfy(c => c.Should().StartWith("root~"));
        var record = byCaller[0]!;
        foreach (var field in new[] { "sequence", "timestamp", "caller", "role", "transport", "function", "outcome", "durationMs", "hash", "previousHash", "argumentsDigest" })
        {
            record[field].Should().NotBeNull(field);
        }
    }

    [Fact]
    public async Task Search_ReachingTheStartOfTheLedger_HasNoNext()
    {
        var reply = await console.GetAsync("/v1/audit?before=3&count=500", console.Root);

        reply.Status.Should().Be(HttpStatusCode.OK, reply.Text);
        Sequences(reply.Body!["records"]!.AsArray()).Should().Equal(2, 1);
        reply.Body["next"].Should().BeNull();
    }

    [Theory]
    [InlineData("/v1/audit?count=0", "'count' must be between 1 and 500, not 0")]
    [InlineData("/v1/audit?count=501", "'count' must be between 1 and 500, not 501")]
    [InlineData("/v1/audit?count=many", "'count' must be a whole number, not 'many'")]
    [InlineData("/v1/audit?before=0", "'before' must be between 1 and")]
    [InlineData("/v1/audit?before=-4", "'before' must be a whole number")]
    [InlineData("/v1/audit?outcome=meh", "'outcome' must be one of ok, failed, refused, cancelled, input_required, not 'meh'")]
    [InlineData("/v1/audit/export?from=5&to=2", "'to' (2) must not be before 'from' (5)")]
    [InlineData("/v1/audit/export?from=x", "'from' must be a whole number")]
    public async Task BadQueries_Are400NamingTheParameter(string path, string detail)
    {
        var reply = await console.GetAsync(path, console.Root);

        reply.Status.Should().Be(HttpStatusCode.BadRequest, reply.Text);
        reply.MediaType.Should().Be("application/problem+json");
        reply.Detail.Should().Contain(detail);
    }

    [Fact]
    public async Task Export_IsNdjsonOldestFirst_WhoseLinesParseAndChain()
    {
        var all = await console.GetAsync("/v1/audit/export", console.Root);
        var range = await console.GetAsync("/v1/audit/export?from=2&to=3", console.Root);

        all.Status.Should().Be(HttpStatusCode.OK, all.Text);
        all.MediaType.Should().Be("application/x-ndjson");
        all.Disposition!.DispositionType.Should().Be("attachment");
        all.Disposition.FileName.Should().StartWith("lumina-audit-1-");
        var records = all.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        records.Should().NotBeEmpty();
        records[0]["sequence"]!.GetValue<long>().Should().Be(1);
        for (var i = 1; i < records.Count; i++)
        {
            records[i]["sequence"]!.GetValue<long>().Should().Be(records[i - 1]["sequence"]!.GetValue<long>() + 1);
            records[i]["previousHash"]!.GetValue<string>().Should().Be(records[i - 1]["hash"]!.GetValue<string>(), "each line links to the one before");
        }

        range.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!["sequence"]!.GetValue<long>()).Should().Equal(2, 3);
    }

    [Fact]
    public async Task Verify_ReportsTheChainValid_AndIsItselfRecorded()
    {
        var reply = await console.SendAsync(HttpMethod.Post, "/v1/audit/verify", console.Root);
        var recorded = await console.AuditAsync("q=console_audit_verify&count=1");

        reply.Status.Should().Be(HttpStatusCode.OK, reply.Text);
        reply.Body!["valid"]!.GetValue<bool>().Should().BeTrue(reply.Text);
        reply.Body["records"]!.GetValue<long>().Should().BeGreaterThan(0);
        reply.Body["firstBadSequence"].Should().BeNull();
        reply.Body["message"]!.GetValue<string>().Should().Contain("intact");
        recorded.Should().ContainSingle().Which!["caller"]!.GetValue<string>().Should().StartWith("root~");
    }

    private static List<long> Sequences(JsonArray records) => [.. records.Select(r => r!["sequence"]!.GetValue<long>())];
}
