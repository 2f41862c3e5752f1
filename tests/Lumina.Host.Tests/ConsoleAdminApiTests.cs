using System.Net;
using System.Text.Json.Nodes;

namespace Lumina.Host.Tests;

/// <summary><c>GET /v1/me</c> and <c>/v1/admin/…</c> (users, roles, API keys) on the real host.</summary>
[Collection(ConsoleApiHostGroup.Name)]
public sealed class ConsoleAdminApiTests(ConsoleApiHost console)
{
    /// <summary>Every administrative endpoint, as method and path.</summary>
    public static TheoryData<string, string> AdminEndpoints => new()
    {
        { "GET", "/v1/admin/users" },
        { "POST", "/v1/admin/users" },
        { "PATCH", "/v1/admin/users/alice" },
        { "DELETE", "/v1/admin/users/alice" },
        { "GET", "/v1/admin/roles" },
        { "GET", "/v1/admin/keys" },
        { "POST", "/v1/admin/keys" },
        { "DELETE", "/v1/admin/keys/key_0000" },
        { "GET", "/v1/audit" },
        { "POST", "/v1/audit/verify" },
        { "GET", "/v1/audit/export" },
        { "GET", "/v1/memory/facts?user=root" },
        { "DELETE", "/v1/memory/conversations/x?user=root" },
    };

    [Fact]
    public async Task Me_SaysWhoTheCallerIsAndWhatItMayDo()
    {
        var root = await console.GetAsync("/v1/me", console.Root);
        var gus = await console.GetAsync("/v1/me", console.Gus);
        var warden = await console.GetAsync("/v1/me", console.Warden);
        var nobody = await console.GetAsync("/v1/me", null);

        root.Status.Should().Be(HttpStatusCode.OK, root.Text);
        root.Body!["name"]!.GetValue<string>().Should().Be("root");
        root.Body["role"]!.GetValue<string>().Should().Be("admin");
        Names(root.Body["permissions"]!).Should().Equal("read", "write", "execute", "manage");
        root.Body["toolSet"].Should().BeNull();
        root.Body["isAdmin"]!.GetValue<bool>().Should().BeTrue();
        Names(gus.Body!["permissions"]!).Should().Equal("read");
        gus.Body["isAdmin"]!.GetValue<bool>().Should().BeFalse();
        warden.Body!["toolSet"]!.GetValue<string>().Should().Be("readers");
        warden.Body["isAdmin"]!.GetValue<bool>().Should().BeFalse("an identity bound to a tool set administers nothing");
        nobody.Status.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task AdminEndpoints_Are401WithoutAToken_And403ForAUserAGuestAndABoundAdmin(string method, string path)
    {
        var verb = new HttpMethod(method);
        var json = method is "POST" or "PATCH" ? "{}" : null;

        var nobody = await console.SendAsync(verb, path, null, json);
        var alice = await console.SendAsync(verb, path, console.Alice, json);
        var gus = await console.SendAsync(verb, path, console.Gus, json);
        var warden = await console.SendAsync(verb, path, console.Warden, json);

        nobody.Status.Should().Be(HttpStatusCode.Unauthorized);
        alice.Status.Should().Be(HttpStatusCode.Forbidden, alice.Text);
        alice.MediaType.Should().Be("application/problem+json");
        alice.Detail.Should().Contain("needs the 'manage' permission").And.Contain("'user'");
        gus.Status.Should().Be(HttpStatusCode.Forbidden, gus.Text);
        warden.Status.Should().Be(HttpStatusCode.Forbidden, warden.Text);
        warden.Detail.Should().Contain("tool set 'readers'");
    }

    [Fact]
    public async Task ARefusedAdministrativeCall_IsInTheLedgerAsRefused()
    {
        await console.GetAsync("/v1/admin/keys", console.Gus);

        var records = await console.AuditAsync("caller=gus&outcome=refused&q=console_keys_list");

        records.Should().NotBeEmpty();
        records[0]!["function"]!.GetValue<string>().Should().Be("console_keys_list");
        records[0]!["caller"]!.GetValue<string>().Should().StartWith("gus~");
        records[0]!["detail"]!.GetValue<string>().Should().Be("Forbidden:invoke");
    }

    [Fact]
    public async Task Users_AddListChangeRemove_EachRecordedInTheLedgerWithoutThePassword()
    {
        var added = await console.SendAsync(HttpMethod.Post, "/v1/admin/users", console.Root, $$"""{"name":"Carol","password":"{{HttpAuth.Password}}","role":"user"}""");
        var listed = await console.GetAsync("/v1/admin/users", console.Root);
        var token = await HttpAuth.PasswordTokenAsync(console.Http, console.Host, "carol");
        var demoted = await console.SendAsync(HttpMethod.Patch, "/v1/admin/users/carol", console.Root, """{"role":"guest"}""");
        var bound = await console.SendAsync(HttpMethod.Patch, "/v1/admin/users/carol", console.Root, """{"toolSet":"readers"}""");
        var unbound = await console.SendAsync(HttpMethod.Patch, "/v1/admin/users/carol", console.Root, """{"toolSet":""}""");
        var removed = await console.SendAsync(HttpMethod.Delete, "/v1/admin/users/carol", console.Root);
        var after = await console.GetAsync("/v1/admin/users", console.Root);
        var ledger = await console.AuditAsync("q=user%20carol&count=20");
        var export = await console.GetAsync("/v1/audit/export", console.Root);

        added.Status.Should().Be(HttpStatusCode.Created, added.Text);
        added.Body!["name"]!.GetValue<string>().Should().Be("carol");
        added.Body["role"]!.GetValue<string>().Should().Be("user");
        added.Body["toolSet"].Should().BeNull();
        added.Body["createdAt"].Should().NotBeNull();
        listed.Body!["users"]!.AsArray().Select(u => u!["name"]!.GetValue<string>()).Should().Contain(["root", "alice", "carol"]);
        token.Should().NotBeNullOrEmpty("the new user signs in with the password given");
        demoted.Status.Should().Be(HttpStatusCode.OK, demoted.Text);
        demoted.Body!["role"]!.GetValue<string>().Should().Be("guest");
        bound.Body!["toolSet"]!.GetValue<string>().Should().Be("readers");
        bound.Body["role"]!.GetValue<string>().Should().Be("guest");
        unbound.Body!["toolSet"].Should().BeNull();
        removed.Status.Should().Be(HttpStatusCode.NoContent);
        after.Body!["users"]!.AsArray().Select(u => u!["name"]!.GetValue<string>()).Should().NotContain("carol");

        var functions = ledger.Select(r => r!["function"]!.GetValue<string>()).ToList();
        functions.Should().ContainInOrder("console_users_remove", "console_users_update", "console_users_update", "console_users_update", "console_users_add");
        var add = ledger.Single(r => r!["function"]!.GetValue<string>() == "console_users_add")!;
        add["caller"]!.GetValue<string>().Should().StartWith("root~");
        add["role"]!.GetValue<string>().Should().Be("admin");
        add["outcome"]!.GetValue<string>().Should().Be("ok");
        add["context"]!.GetValue<string>().Should().Be("user Carol");
        add["transport"]!.GetValue<string>().Should().Be("http");
        export.Text.Should().NotContain(HttpAuth.Password);
    }

    [Theory]
    [InlineData("""{"name":"dora","password":""", "The body is not JSON")]
    [InlineData("""["dora"]""", "must be a JSON object")]
    [InlineData("""{"password":"correct horse battery","role":"user"}""", "'name' is required")]
    [InlineData("""{"name":"dora","role":"user"}""", "'password' is required")]
    [InlineData("""{"name":"dora","password":"correct horse battery"}""", "'role' is required")]
    [InlineData("""{"name":"dora","password":"correct horse battery","role":"overlord"}""", "'role': unknown role 'overlord'")]
    [InlineData("""{"name":"dora","password":"correct horse battery","role":3}""", "'role' must be a string, not the number 3")]
    [InlineData("""{"name":"dora","password":"correct horse battery","role":"user","toolSet":"nowhere"}""", "'toolSet': there is no tool set 'nowhere'")]
    [InlineData("""{"name":"dora","password":"short1","role":"user"}""", "The password is too weak: use at least 12 characters")]
    [InlineData("""{"name":"dora","password":"correct horse battery","role":"user","admin":true}""", "'admin' is not a field of this request")]
    [InlineData("""{"name":"local","password":"correct horse battery","role":"user"}""", "'local' is a reserved name")]
    [InlineData("""{"name":"do ra","password":"correct horse battery","role":"user"}""", "is not a valid user name")]
    public async Task AddUser_BadInput_Is400NamingTheField(string json, string detail)
    {
        var reply = await console.SendAsync(HttpMethod.Post, "/v1/admin/users", console.Root, json);
        var users = await console.GetAsync("/v1/admin/users", console.Root);

        reply.Status.Should().Be(HttpStatusCode.BadRequest, reply.Text);
        reply.MediaType.Should().Be("application/problem+json");
        reply.Detail.Should().Contain(detail);
        users.Body!["users"]!.AsArray().Select(u => u!["name"]!.GetValue<string>()).Should().NotContain("dora");
    }

    [Fact]
    public async Task Users_Conflicts_AndUnknowns()
    {
        var existing = await console.SendAsync(HttpMethod.Post, "/v1/admin/users", console.Root, $$"""{"name":"alice","password":"{{HttpAuth.Password}}","role":"user"}""");
        var demoteSelf = await console.SendAsync(HttpMethod.Patch, "/v1/admin/users/root", console.Root, """{"role":"user"}""");
        var removeSelf = await console.SendAsync(HttpMethod.Delete, "/v1/admin/users/root", console.Root);
        var patchUnknown = await console.SendAsync(HttpMethod.Patch, "/v1/admin/users/nobody", console.Root, """{"role":"user"}""");
        var removeUnknown = await console.SendAsync(HttpMethod.Delete, "/v1/admin/users/nobody", console.Root);
        var nothing = await console.SendAsync(HttpMethod.Patch, "/v1/admin/users/alice", console.Root, "{}");
        var badRole = await console.SendAsync(HttpMethod.Patch, "/v1/admin/users/alice", console.Root, """{"role":"king"}""");
        var me = await console.GetAsync("/v1/me", console.Root);

        existing.Status.Should().Be(HttpStatusCode.Conflict, existing.Text);
        existing.Detail.Should().Contain("already exists");
        demoteSelf.Status.Should().Be(HttpStatusCode.Conflict, demoteSelf.Text);
        demoteSelf.Detail.Should().Contain("your own role");
        removeSelf.Status.Should().Be(HttpStatusCode.Conflict, removeSelf.Text);
        patchUnknown.Status.Should().Be(HttpStatusCode.NotFound, patchUnknown.Text);
        patchUnknown.Detail.Should().Contain("There is no user 'nobody'");
        removeUnknown.Status.Should().Be(HttpStatusCode.NotFound, removeUnknown.Text);
        nothing.Status.Should().Be(HttpStatusCode.BadRequest, nothing.Text);
        nothing.Detail.Should().Contain("Nothing to change");
        badRole.Status.Should().Be(HttpStatusCode.BadRequest, badRole.Text);
        badRole.Detail.Should().Contain("'role': unknown role 'king'");
        me.Body!["role"]!.GetValue<string>().Should().Be("admin", "nothing was changed");
    }

    [Fact]
    public async Task Roles_AreTheAuthorizersTable()
    {
        var reply = await console.GetAsync("/v1/admin/roles", console.Root);

        reply.Status.Should().Be(HttpStatusCode.OK, reply.Text);
        var roles = reply.Body!["roles"]!.AsArray().ToDictionary(r => r!["name"]!.GetValue<string>(), r => Names(r!["permissions"]!));
        roles.Keys.Should().Equal("admin", "user", "guest");
        roles["admin"].Should().Equal("read", "write", "execute", "manage");
        roles["user"].Should().Equal("read", "write", "execute");
        roles["guest"].Should().Equal("read");
    }

    [Fact]
    public async Task Keys_CreatedWithTheSecretOnce_WorkUntilRevoked()
    {
        var created = await console.SendAsync(HttpMethod.Post, "/v1/admin/keys", console.Root, """{"owner":"alice","role":"guest","expiresInDays":30}""");
        var secret = created.Body!["secret"]!.GetValue<string>();
        var id = created.Body["key"]!["id"]!.GetValue<string>();
        var listed = await console.GetAsync("/v1/admin/keys", console.Root);
        var asKey = await console.GetAsync("/v1/me", secret);
        var revoked = await console.SendAsync(HttpMethod.Delete, $"/v1/admin/keys/{id}", console.Root);
        var afterList = await console.GetAsync("/v1/admin/keys", console.Root);
        var afterUse = await console.GetAsync("/v1/me", secret);
        var ledger = await console.AuditAsync($"q={id}");

        created.Status.Should().Be(HttpStatusCode.Created, created.Text);
        secret.Should().StartWith("lum_");
        created.Body["key"]!["owner"]!.GetValue<string>().Should().Be("alice");
        created.Body["key"]!["role"]!.GetValue<string>().Should().Be("guest");
        created.Body["key"]!["expiresAt"]!.GetValue<DateTimeOffset>().Should().BeAfter(DateTimeOffset.UtcNow.AddDays(29));
        listed.Text.Should().Contain(id).And.NotContain(secret, "a key's secret is shown once, when it is created");
        asKey.Status.Should().Be(HttpStatusCode.OK, asKey.Text);
        asKey.Body!["name"]!.GetValue<string>().Should().Be("alice");
        asKey.Body["role"]!.GetValue<string>().Should().Be("guest");
        revoked.Status.Should().Be(HttpStatusCode.NoContent, revoked.Text);
        afterList.Body!["keys"]!.AsArray().Single(k => k!["id"]!.GetValue<string>() == id)!["revoked"]!.GetValue<bool>().Should().BeTrue();
        afterUse.Status.Should().Be(HttpStatusCode.Unauthorized);
        ledger.Select(r => r!["function"]!.GetValue<string>()).Should().Contain("console_keys_revoke");
        (await console.GetAsync("/v1/audit/export", console.Root)).Text.Should().NotContain(secret);
    }

    [Theory]
    [InlineData("""{"role":"user"}""", "'owner' is required")]
    [InlineData("""{"owner":"nobody"}""", "'owner': there is no user 'nobody'")]
    [InlineData("""{"owner":"alice","role":"wizard"}""", "'role': unknown role 'wizard'")]
    [InlineData("""{"owner":"alice","toolSet":"nowhere"}""", "'toolSet': there is no tool set 'nowhere'")]
    [InlineData("""{"owner":"alice","expiresInDays":0}""", "'expiresInDays' must be between 1 and 36500, not 0")]
    [InlineData("""{"owner":"alice","expiresInDays":"soon"}""", "'expiresInDays' must be a whole number, not a string")]
    [InlineData("""{"owner":"alice","expiresInDays":1.5}""", "'expiresInDays' must be a whole number")]
    [InlineData("not json", "The body is not JSON")]
    public async Task CreateKey_BadInput_Is400NamingTheField(string json, string detail)
    {
        var reply = await console.SendAsync(HttpMethod.Post, "/v1/admin/keys", console.Root, json);

        reply.Status.Should().Be(HttpStatusCode.BadRequest, reply.Text);
        reply.Detail.Should().Contain(detail);
    }

    [Fact]
    public async Task RevokeKey_Unknown_Is404()
    {
        var reply = await console.SendAsync(HttpMethod.Delete, "/v1/admin/keys/key_ffffffff", console.Root);

        reply.Status.Should().Be(HttpStatusCode.NotFound, reply.Text);
        reply.Detail.Should().Contain("There is no API key 'key_ffffffff'");
    }

    private static List<string> Names(JsonNode array) => [.. array.AsArray().Select(p => p!.GetValue<string>())];
}
