using System.Text;
using Lumina.Core.Auth;
using Lumina.Storage.Redis;
using Lumina.Testing;
using Lumina.Testing.Contracts;
using StackExchange.Redis;

namespace Lumina.Core.Tests.Auth;

public sealed class RedisIdentityStoreTests : IdentityStoreContractTests
{
    private RedisServer _server = null!;
    private ConnectionMultiplexer _redis = null!;

    public override async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        var configuration = ConfigurationOptions.Parse(_server.ConnectionString);
        configuration.AllowAdmin = true;
        _redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _server.DisposeAsync();
    }

    protected override Task<ILuminaIdentityStore> CreateAsync(LuminaAuthOptions options, TimeProvider time) =>
        Task.FromResult<ILuminaIdentityStore>(new RedisIdentityStore(_redis, "lumina", options, time));

    protected override async Task<string> DumpAsync()
    {
        var text = new StringBuilder();
        var db = _redis.GetDatabase();
        await foreach (var key in _redis.GetServer(_server.ConnectionString).KeysAsync(pattern: "*"))
        {
            text.Append(key).Append('\n');
            foreach (var entry in await db.HashGetAllAsync(key))
            {
                text.Append(entry.Name).Append('=').Append(entry.Value).Append('\n');
            }
        }

        return text.ToString();
    }

    protected override async Task<string> StoredHashAsync(string username)
    {
        var json = (string)(await _redis.GetDatabase().HashGetAsync("lumina:{auth}:users", username))!;
        return System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("passwordHash").GetString()!;
    }

    [Fact]
    public async Task AUserStoredBeforeUsersHadIds_KeepsTheNameAsItsId()
    {
        var json = $$"""{"role":"user","passwordHash":"{{PasswordHasher.Hash(Password, 1_000)}}","createdAt":"2026-01-01T00:00:00+00:00"}""";
        await _redis.GetDatabase().HashSetAsync("lumina:{auth}:users", "carol", json);

        (await Store.GetUserAsync("carol"))!.Id.Should().Be("carol");
        (await Store.SetRoleAsync("carol", "guest")).Id.Should().Be("carol");
        (await Store.VerifyPasswordAsync("carol", Password))!.Id.Should().Be("carol");
    }
}
