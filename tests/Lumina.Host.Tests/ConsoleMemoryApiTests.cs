using System.Net;
using System.Text.Json.Nodes;

namespace Lumina.Host.Tests;

/// <summary><c>/v1/memory/…</c> on the real host: the caller's own memory through the memory plugin, and any user's for admins.</summary>
[Collection(ConsoleApiHostGroup.Name)]
public sealed class ConsoleMemoryApiTests(ConsoleApiHost console)
{
    [Fact]
    public async Task AFactRememberedThroughTheTool_IsListed_AndForgottenByDelete()
    {
        string id;
        await using (var client = await HttpAuth.McpClientAsync(console.Host, console.Alice))
        {
            var remembered = await client.CallToolAsync("memory_remember", new Dictionary<string, object?> { ["text"] = "Alice takes her tea without sugar", ["tags"] = new[] { "tea" } });
            remembered.IsError.Should().NotBe(true);
            id = remembered.StructuredContent!.Value.GetProperty("id").GetString()!;
        }

        var listed = await console.GetAsync("/v1/memory/facts", console.Alice);
        var othersView = await console.GetAsync("/v1/memory/facts", console.Gus);
        var forgotten = await console.SendAsync(HttpMethod.Delete, $"/v1/memory/facts/{id}", console.Alice);
        var after = await console.GetAsync("/v1/memory/facts", console.Alice);
        var again = await console.SendAsync(HttpMethod.Delete, $"/v1/memory/facts/{id}", console.Alice);
        var ledger = await console.AuditAsync("caller=alice&q=memory_forget&count=5");

        listed.Status.Should().Be(HttpStatusCode.OK, listed.Text);
        var fact = listed.Body!["facts"]!.AsArray().Single(f => f!["id"]!.GetValue<string>() == id)!;
        fact["text"]!.GetValue<string>().Should().Be("Alice takes her tea without sugar");
        fact["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Equal("tea");
        fact["createdAt"].Should().NotBeNull();
        othersView.Text.Should().NotContain(id, "a caller sees its own memory only");
        forgotten.Status.Should().Be(HttpStatusCode.NoContent, forgotten.Text);
        after.Text.Should().NotContain(id);
        again.Status.Should().Be(HttpStatusCode.NotFound, again.Text);
        again.Detail.Should().Contain($"There is no fact with id '{id}'");
        ledger.Select(r => (r!["function"]!.GetValue<string>(), r["outcome"]!.GetValue<string>())).Should().Contain(("memory_forget", "ok"), "the call ran through the kernel, audited");
    }

    [Fact]
    public async Task Conversations_AreListedShownAndDeleted()
    {
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri(console.Host.BaseAddress, "/v1/message")))
        {
            request.Content = new StringContent("""{"message":"Plan my trip to Lisbon","conversationId":"lisbon"}""", System.Text.Encoding.UTF8, "application/json");
            request.Headers.Authorization = new("Bearer", console.Alice);
            using var asked = await console.Http.SendAsync(request);
            asked.StatusCode.Should().Be(HttpStatusCode.OK, await asked.Content.ReadAsStringAsync());
        }

        var list = await console.GetAsync("/v1/memory/conversations", console.Alice);
        var one = await console.GetAsync("/v1/memory/conversations/lisbon", console.Alice);
        var asAdmin = await console.GetAsync("/v1/memory/conversations/lisbon?user=alice", console.Root);
        var byGus = await console.GetAsync("/v1/memory/conversations/lisbon", console.Gus);
        var deleted = await console.SendAsync(HttpMethod.Delete, "/v1/memory/conversations/lisbon", console.Alice);
        var gone = await console.GetAsync("/v1/memory/conversations/lisbon", console.Alice);
        var deleteAgain = await console.SendAsync(HttpMethod.Delete, "/v1/memory/conversations/lisbon", console.Alice);

        list.Status.Should().Be(HttpStatusCode.OK, list.Text);
        var header = list.Body!["conversations"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == "lisbon")!;
        header["turns"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(2);
        header["updatedAt"].Should().NotBeNull();
        one.Status.Should().Be(HttpStatusCode.OK, one.Text);
        var turns = one.Body!["turns"]!.AsArray();
        turns[0]!["role"]!.GetValue<string>().Should().Be("user");
        turns[0]!["text"]!.GetValue<string>().Should().Contain("Lisbon");
        turns.Select(t => t!["role"]!.GetValue<string>()).Should().Contain("assistant");
        asAdmin.Status.Should().Be(HttpStatusCode.OK, asAdmin.Text);
        asAdmin.Body!["turns"]!.AsArray().Should().HaveCount(turns.Count);
        byGus.Status.Should().Be(HttpStatusCode.NotFound, "nobody else has it");
        deleted.Status.Should().Be(HttpStatusCode.NoContent, deleted.Text);
        gone.Status.Should().Be(HttpStatusCode.NotFound, gone.Text);
        deleteAgain.Status.Should().Be(HttpStatusCode.NotFound, deleteAgain.Text);
    }

    [Fact]
    public async Task AnAdmin_ReadsAndForgetsAnyUsersMemory_AndItIsRecorded()
    {
        await using (var client = await HttpAuth.McpClientAsync(console.Host, console.Alice))
        {
            (await client.CallToolAsync("memory_remember", new Dictionary<string, object?> { ["text"] = "Alice's locker code is 4711" })).IsError.Should().NotBe(true);
        }

        var seen = await console.GetAsync("/v1/memory/facts?user=alice", console.Root);
        var id = seen.Body!["facts"]!.AsArray().Single(f => f!["text"]!.GetValue<string>() == "Alice's locker code is 4711")!["id"]!.GetValue<string>();
        var forgotten = await console.SendAsync(HttpMethod.Delete, $"/v1/memory/facts/{id}?user=alice", console.Root);
        var again = await console.SendAsync(HttpMethod.Delete, $"/v1/memory/facts/{id}?user=alice", console.Root);
        var own = await console.GetAsync("/v1/memory/facts", console.Alice);
        var unknown = await console.GetAsync("/v1/memory/facts?user=nobody", console.Root);
        var empty = await console.GetAsync("/v1/memory/facts?user=", console.Root);
        var noConversation = await console.GetAsync("/v1/memory/conversations/none?user=alice", console.Root);
        var ledger = await console.AuditAsync("q=memory%20of%20alice&count=10");

        seen.Status.Should().Be(HttpStatusCode.OK, seen.Text);
        forgotten.Status.Should().Be(HttpStatusCode.NoContent, forgotten.Text);
        again.Status.Should().Be(HttpStatusCode.NotFound, again.Text);
        own.Text.Should().NotContain(id);
        unknown.Status.Should().Be(HttpStatusCode.NotFound, unknown.Text);
        unknown.Detail.Should().Contain("There is no user 'nobody'");
        empty.Status.Should().Be(HttpStatusCode.BadRequest, empty.Text);
        noConversation.Status.Should().Be(HttpStatusCode.NotFound, noConversation.Text);
        ledger.Select(r => r!["function"]!.GetValue<string>()).Should().Contain(["console_memory_facts", "console_memory_forget"]);
        ledger.Should().AllSatisfy(r => r!["caller"]!.GetValue<string>().Should().StartWith("root~"));
    }

    [Fact]
    public async Task OwnMemory_IsAuthorizedLikeTheTools()
    {
        var nobody = await console.GetAsync("/v1/memory/facts", null);
        var guestReads = await console.GetAsync("/v1/memory/facts", console.Gus);
        var guestForgets = await console.SendAsync(HttpMethod.Delete, "/v1/memory/facts/f_1", console.Gus);
        var guestDeletes = await console.SendAsync(HttpMethod.Delete, "/v1/memory/conversations/c_1", console.Gus);
        var otherUser = await console.GetAsync("/v1/memory/facts?user=root", console.Alice);
        var bound = await console.GetAsync("/v1/memory/facts", console.Warden);

        nobody.Status.Should().Be(HttpStatusCode.Unauthorized);
        guestReads.Status.Should().Be(HttpStatusCode.OK, guestReads.Text);
        guestReads.Body!["facts"]!.AsArray().Should().BeEmpty();
        guestForgets.Status.Should().Be(HttpStatusCode.Forbidden, guestForgets.Text);
        guestForgets.Detail.Should().Contain("needs the 'write' permission");
        guestDeletes.Status.Should().Be(HttpStatusCode.Forbidden, guestDeletes.Text);
        otherUser.Status.Should().Be(HttpStatusCode.Forbidden, otherUser.Text);
        bound.Status.Should().Be(HttpStatusCode.Forbidden, "memory is not in the tool set 'readers'");
    }
}
