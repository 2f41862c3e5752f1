using System.Text;
using Lumina.Core.Auth;

namespace Lumina.Testing.Contracts;

/// <summary>
/// The behaviour every identity store must have, run against each real store (SQLite file, redis-server), so the
/// embedded and the shared store stay interchangeable.
/// </summary>
public abstract class IdentityStoreContractTests : IAsyncLifetime
{
    protected const string Password = "correct horse battery";

    /// <summary>Far below the production count, which the options validator enforces; the hashing itself is tested apart.</summary>
    protected static LuminaAuthOptions FastOptions(int iterations = 1_000) => new() { PasswordIterations = iterations };

    protected ManualWallClock Time { get; } = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    protected ILuminaIdentityStore Store { get; private set; } = null!;

    /// <summary>A store over the same backing data as every other store this test creates.</summary>
    protected abstract Task<ILuminaIdentityStore> CreateAsync(LuminaAuthOptions options, TimeProvider time);

    /// <summary>Everything the backing store holds, as text, to prove no secret is in it.</summary>
    protected abstract Task<string> DumpAsync();

    /// <summary>The stored password hash of a user.</summary>
    protected abstract Task<string> StoredHashAsync(string username);

    public virtual async Task InitializeAsync() => Store = await CreateAsync(FastOptions(), Time);

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AddUser_ThenGetAndList_ReturnsTheUserWithALowerCaseName()
    {
        var added = await Store.AddUserAsync("Alice", Password, "User");
        await Store.AddUserAsync("bob", Password, "admin");

        added.Should().Be(new LuminaUser("alice", "user", Time.GetUtcNow(), added.Id));
        added.Id.Should().MatchRegex("^alice~[0-9a-f]{12}$");
        (await Store.GetUserAsync("ALICE")).Should().Be(added);
        (await Store.GetUserAsync("carol")).Should().BeNull();
        (await Store.ListUsersAsync()).Select(u => (u.Username, u.Role)).Should().Equal(("alice", "user"), ("bob", "admin"));
    }

    [Fact]
    public async Task AddUser_Duplicate_IsRefusedAndKeepsTheFirst()
    {
        await Store.AddUserAsync("alice", Password, "guest");

        var again = async () => await Store.AddUserAsync("ALICE", "another good password", "admin");

        (await again.Should().ThrowAsync<LuminaIdentityException>()).WithMessage("A user named 'alice' already exists.");
        (await Store.GetUserAsync("alice"))!.Role.Should().Be("guest");
        (await Store.VerifyPasswordAsync("alice", Password)).Should().NotBeNull();
    }

    [Theory]
    [InlineData("", "*empty*")]
    [InlineData("short", "*too weak*12 characters*")]
    [InlineData("aaaaaaaaaaaaaaaa", "*too weak*")]
    [InlineData("alice@example.org", "*too weak*")]
    public async Task AddUser_WeakOrEmptyPassword_IsRefused(string password, string message)
    {
        var add = async () => await Store.AddUserAsync("alice@example.org", password, "user");

        (await add.Should().ThrowAsync<LuminaIdentityException>()).WithMessage(message);
        (await Store.ListUsersAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task AddUser_UnknownRoleOrBadName_IsRefused()
    {
        var role = async () => await Store.AddUserAsync("alice", Password, "wizard");
        var name = async () => await Store.AddUserAsync("al ice", Password, "user");
        var empty = async () => await Store.AddUserAsync(" ", Password, "user");

        (await role.Should().ThrowAsync<LuminaIdentityException>()).WithMessage("Unknown role 'wizard': use one of admin, user, guest.");
        (await name.Should().ThrowAsync<LuminaIdentityException>()).WithMessage("*not a valid user name*");
        (await empty.Should().ThrowAsync<LuminaIdentityException>()).WithMessage("A user name is required.");
        (await Store.ListUsersAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task VerifyPassword_RightWrongAndUnknown()
    {
        await Store.AddUserAsync("alice", Password, "user");

        (await Store.VerifyPasswordAsync("Alice", Password))!.Username.Should().Be("alice");
        (await Store.VerifyPasswordAsync("alice", "correct horse batterY")).Should().BeNull();
        (await Store.VerifyPasswordAsync("mallory", Password)).Should().BeNull();
    }

    [Fact]
    public async Task VerifyPassword_AfterTheIterationCountWasRaised_UpgradesTheStoredHash()
    {
        await Store.AddUserAsync("alice", Password, "user");
        PasswordHasher.Iterations(await StoredHashAsync("alice")).Should().Be(1_000);
        var raised = await CreateAsync(FastOptions(2_000), Time);

        (await raised.VerifyPasswordAsync("alice", "not the password")).Should().BeNull();
        PasswordHasher.Iterations(await StoredHashAsync("alice")).Should().Be(1_000, "a wrong password upgrades nothing");
        (await raised.VerifyPasswordAsync("alice", Password)).Should().NotBeNull();

        PasswordHasher.Iterations(await StoredHashAsync("alice")).Should().Be(2_000);
        (await Store.VerifyPasswordAsync("alice", Password)).Should().NotBeNull("the old store reads the new hash");
    }

    [Fact]
    public async Task SetRole_ChangesTheRole_AndRefusesUnknownUsersAndRoles()
    {
        await Store.AddUserAsync("alice", Password, "user");

        (await Store.SetRoleAsync("alice", "ADMIN")).Role.Should().Be("admin");
        (await Store.GetUserAsync("alice"))!.Role.Should().Be("admin");
        (await Store.VerifyPasswordAsync("alice", Password)).Should().NotBeNull("the password survives a role change");
        var unknownUser = async () => await Store.SetRoleAsync("bob", "user");
        var unknownRole = async () => await Store.SetRoleAsync("alice", "root");
        (await unknownUser.Should().ThrowAsync<LuminaIdentityException>()).WithMessage("There is no user 'bob'.");
        (await unknownRole.Should().ThrowAsync<LuminaIdentityException>()).WithMessage("Unknown role 'root'*");
        (await Store.GetUserAsync("alice"))!.Role.Should().Be("admin");
    }

    [Fact]
    public async Task RemoveUser_RemovesTheUserAndRevokesTheirKeys()
    {
        await Store.AddUserAsync("alice", Password, "user");
        await Store.AddUserAsync("bob", Password, "user");
        var alices = await Store.CreateKeyAsync("alice");
        var bobs = await Store.CreateKeyAsync("bob");

        await Store.RemoveUserAsync("alice");

        (await Store.GetUserAsync("alice")).Should().BeNull();
        (await Store.VerifyPasswordAsync("alice", Password)).Should().BeNull();
        var alicesKey = async () => await Store.VerifyKeyAsync(alices.Secret);
        (await alicesKey.Should().ThrowAsync<LuminaIdentityException>()).WithMessage("*revoked*");
        (await Store.VerifyKeyAsync(bobs.Secret)).Owner.Should().Be("bob");
        var again = async () => await Store.RemoveUserAsync("alice");
        (await again.Should().ThrowAsync<LuminaIdentityException>()).WithMessage("There is no user 'alice'.");
    }

    [Fact]
    public async Task CreateKey_IsRandomPrefixedAndStoredOnlyAsAHash()
    {
        await Store.AddUserAsync("alice", Password, "user");

        var first = await Store.CreateKeyAsync("alice");
        var second = await Store.CreateKeyAsync("alice", "guest", Time.GetUtcNow().AddDays(30));

        first.Secret.Should().StartWith("lum_").And.HaveLength(4 + 43);
        first.Secret.Should().NotBe(second.Secret);
        first.Key.Should().Be(new LuminaApiKey(first.Key.Id, "alice", "user", Time.GetUtcNow(), null, false));
        second.Key.Role.Should().Be("guest");
        second.Key.ExpiresAt.Should().Be(Time.GetUtcNow().AddDays(30));
        (await Store.ListKeysAsync()).Should().BeEquivalentTo([first.Key, second.Key]);
        (await Store.VerifyKeyAsync(first.Secret)).Should().Be(first.Key);
        (await Store.VerifyKeyAsync(second.Secret)).Should().Be(second.Key);
        var stored = await DumpAsync();
        stored.Should().NotContain(first.Secret).And.NotContain(first.Secret[4..]).And.NotContain(second.Secret[4..]).And.NotContain(Password);
    }

    [Fact]
    public async Task CreateKey_UnknownOwnerRoleOrPastExpiry_IsRefused()
    {
        await Store.AddUserAsync("alice", Password, "user");

        var owner = async () => await Store.CreateKeyAsync("bob");
        var role = async () => await Store.CreateKeyAsync("alice", "superuser");
        var past = async () => await Store.CreateKeyAsync("alice", expiresAt: Time.GetUtcNow());

        (await owner.Should().ThrowAsync<LuminaIdentityException>()).WithMessage("There is no user 'bob'.");
        (await role.Should().ThrowAsync<LuminaIdentityException>()).WithMessage("Unknown role 'superuser'*");
        (await past.Should().ThrowAsync<LuminaIdentityException>()).WithMessage("*expiry must be in the future*");
        (await Store.ListKeysAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task VerifyKey_RevokedExpiredTamperedOrUnknown_IsRefused()
    {
        await Store.AddUserAsync("alice", Password, "user");
        var revoked = await Store.CreateKeyAsync("alice");
        var expiring = await Store.CreateKeyAsync("alice", expiresAt: Time.GetUtcNow().AddSeconds(1));
        await Store.RevokeKeyAsync(revoked.Key.Id);
        (await Store.VerifyKeyAsync(expiring.Secret)).Id.Should().Be(expiring.Key.Id);
        Time.Advance(TimeSpan.FromSeconds(1));

        async Task<string> Refusal(string secret)
        {
            var verify = async () => await Store.VerifyKeyAsync(secret);
            return (await verify.Should().ThrowAsync<LuminaIdentityException>()).Which.Message;
        }

        var tampered = new StringBuilder(expiring.Secret);
        tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
        (await Refusal(revoked.Secret)).Should().Be($"The API key {revoked.Key.Id} was revoked.");
        (await Refusal(expiring.Secret)).Should().StartWith($"The API key {expiring.Key.Id} expired at");
        (await Refusal(tampered.ToString())).Should().Be("The API key is not valid.");
        (await Refusal("lum_" + new string('x', 43))).Should().Be("The API key is not valid.");
        (await Refusal("not a key")).Should().Be("The API key is not valid.");
        (await Refusal(string.Empty)).Should().Be("The API key is not valid.");
        (await Store.ListKeysAsync()).Single(k => k.Id == revoked.Key.Id).Revoked.Should().BeTrue();
    }

    [Fact]
    public async Task RevokeKey_UnknownId_IsRefused()
    {
        var revoke = async () => await Store.RevokeKeyAsync("key_0000");

        (await revoke.Should().ThrowAsync<LuminaIdentityException>()).WithMessage("There is no API key 'key_0000'.");
    }

    [Fact]
    public async Task ToolSets_BindUsersAndKeys_AndNoneUnbinds()
    {
        await Store.AddUserAsync("alice", Password, "user");
        var created = await Store.CreateKeyAsync("alice");

        var user = await Store.SetUserToolSetAsync("Alice", " coding ");
        var key = await Store.SetKeyToolSetAsync(created.Key.Id, "readonly");

        user.ToolSet.Should().Be("coding");
        key.ToolSet.Should().Be("readonly");
        (await Store.GetUserAsync("alice"))!.ToolSet.Should().Be("coding");
        (await Store.VerifyKeyAsync(created.Secret)).ToolSet.Should().Be("readonly");
        (await Store.ListKeysAsync()).Single().ToolSet.Should().Be("readonly");
        (await Store.SetUserToolSetAsync("alice", "none")).ToolSet.Should().BeNull();
        (await Store.SetKeyToolSetAsync(created.Key.Id, null)).ToolSet.Should().BeNull();
        (await Store.GetKeyAsync(created.Key.Id))!.ToolSet.Should().BeNull();
    }

    [Fact]
    public async Task ToolSets_UnknownUserKeyOrBadName_AreRefused()
    {
        await Store.AddUserAsync("alice", Password, "user");

        var unknownUser = async () => await Store.SetUserToolSetAsync("bob", "coding");
        var unknownKey = async () => await Store.SetKeyToolSetAsync("key_0000", "coding");
        var badName = async () => await Store.SetUserToolSetAsync("alice", "../etc");

        (await unknownUser.Should().ThrowAsync<LuminaIdentityException>()).WithMessage("There is no user 'bob'.");
        (await unknownKey.Should().ThrowAsync<LuminaIdentityException>()).WithMessage("There is no API key 'key_0000'.");
        (await badName.Should().ThrowAsync<LuminaIdentityException>()).WithMessage("*not a tool set name*");
        (await Store.GetUserAsync("alice"))!.ToolSet.Should().BeNull();
    }

    [Theory]
    [InlineData("local")]
    [InlineData("anonymous")]
    [InlineData(" LOCAL ")]
    public async Task AddUser_ReservedName_IsRefused(string name)
    {
        var add = async () => await Store.AddUserAsync(name, Password, "user");

        (await add.Should().ThrowAsync<LuminaIdentityException>()).WithMessage("*is a reserved name*");
        (await Store.ListUsersAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task RemoveThenAddAgain_TheNameGetsANewId_SoNothingOfTheFormerUserIsInherited()
    {
        var first = await Store.AddUserAsync("alice", Password, "user");
        var other = await Store.AddUserAsync("bob", Password, "user");
        await Store.RemoveUserAsync("alice");

        var second = await Store.AddUserAsync("alice", Password, "user");

        second.Id.Should().NotBe(first.Id).And.StartWith("alice~");
        other.Id.Should().NotBe(first.Id);
        (await Store.GetUserAsync("alice"))!.Id.Should().Be(second.Id);
        (await Store.VerifyPasswordAsync("alice", Password))!.Id.Should().Be(second.Id);
        (await Store.SetRoleAsync("alice", "guest")).Id.Should().Be(second.Id, "a role change keeps the id");
    }

    [Fact]
    public async Task GetKey_ReturnsTheKeyByIdWhateverItsState_OrNull()
    {
        await Store.AddUserAsync("alice", Password, "user");
        var key = await Store.CreateKeyAsync("alice", "guest");
        await Store.RevokeKeyAsync(key.Key.Id);

        (await Store.GetKeyAsync(key.Key.Id)).Should().Be(key.Key with { Revoked = true });
        (await Store.GetKeyAsync("key_0000")).Should().BeNull();
    }

    [Fact]
    public async Task ReserveSignIn_SixtyAtOnceFromTwoStores_GrantsOnlyTheLimit_ThenLocksOut()
    {
        var limit = new SignInLimit(5, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(5));
        var other = await CreateAsync(FastOptions(), Time);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            Task.Run(() => (i % 2 == 0 ? Store : other).ReserveSignInAsync("u:alice", limit))));
        var after = await Store.ReserveSignInAsync("u:alice", limit);
        var elsewhere = await Store.ReserveSignInAsync("u:bob", limit);
        Time.Advance(TimeSpan.FromMinutes(5));
        var later = await Store.ReserveSignInAsync("u:alice", limit);

        attempts.Count(a => a.Granted).Should().Be(5, "every attempt is reserved atomically before anything is checked");
        attempts.Where(a => a.Granted).Select(a => a.Attempts).Should().BeEquivalentTo([1, 2, 3, 4, 5]);
        attempts.Where(a => !a.Granted).Should().OnlyContain(a => a.RetryAfter > TimeSpan.Zero && a.RetryAfter <= limit.Duration);
        after.Granted.Should().BeFalse();
        elsewhere.Should().Be(new SignInAttempt(true, 1, TimeSpan.Zero), "each key counts on its own");
        later.Should().Be(new SignInAttempt(true, 1, TimeSpan.Zero), "the lockout ended and counting starts again");
    }

    [Fact]
    public async Task ReleaseSignIn_GivesAnAttemptBack_OrForgetsThemAll()
    {
        var limit = new SignInLimit(3, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(5));
        await Store.ReserveSignInAsync("c:10.0.0.1", limit);
        await Store.ReserveSignInAsync("c:10.0.0.1", limit);
        (await Store.ReserveSignInAsync("c:10.0.0.1", limit)).Attempts.Should().Be(3, "the third reaches the limit and locks");

        await Store.ReleaseSignInAsync("c:10.0.0.1", limit, forget: false);
        var afterRelease = await Store.ReserveSignInAsync("c:10.0.0.1", limit);
        await Store.ReleaseSignInAsync("c:10.0.0.1", limit, forget: true);
        var afterForget = await Store.ReserveSignInAsync("c:10.0.0.1", limit);
        await Store.ReleaseSignInAsync("c:unknown", limit, forget: false);

        afterRelease.Should().Be(new SignInAttempt(true, 3, TimeSpan.Zero), "an attempt given back lifts the lockout it caused");
        afterForget.Should().Be(new SignInAttempt(true, 1, TimeSpan.Zero));
    }
}
