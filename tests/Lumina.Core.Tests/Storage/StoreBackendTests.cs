using Lumina.Abstractions;
using Lumina.Abstractions.Memory;
using Lumina.Core.Audit;
using Lumina.Core.Auth;
using Lumina.Core.Budgets;
using Lumina.Core.Policy;
using Lumina.Core.Storage;
using Lumina.Storage.Redis;
using Lumina.Storage.Sqlite;
using Lumina.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Lumina.Core.Tests.Storage;

/// <summary>One call registers every store of a backend; a host has exactly one backend.</summary>
public sealed class StoreBackendTests
{
    [Fact]
    public async Task NoBackend_StopsTheHostAtStart_SayingWhatToAdd()
    {
        using var provider = Build(builder => { });

        var start = () => new StoreStartupCheck(provider).StartAsync(CancellationToken.None);

        (await start.Should().ThrowAsync<LuminaStartupException>()).Which.Message.Should()
            .Contain("No store is registered").And.Contain("AddSqliteStores()").And.Contain("AddRedisStores(configuration)");
    }

    [Fact]
    public async Task TwoBackends_StopTheHostAtStart_NamingBoth()
    {
        var configuration = Configuration(new() { ["ConnectionStrings:redis"] = "127.0.0.1:1" });
        using var provider = Build(builder => builder.AddSqliteStores().AddRedisStores(configuration), configuration);

        var start = () => new StoreStartupCheck(provider).StartAsync(CancellationToken.None);

        (await start.Should().ThrowAsync<LuminaStartupException>()).Which.Message.Should().Contain("2 stores are registered (sqlite, redis)");
    }

    [Fact]
    public void Sqlite_RegistersEveryStore_InFilesUnderTheDataDirectory()
    {
        var configuration = Configuration();
        using var provider = Build(builder => builder.AddSqliteStores().AddSqliteStores(), configuration);

        provider.GetServices<LuminaStoreBackend>().Should().ContainSingle("calling it twice adds nothing twice");
        provider.GetRequiredKeyedService<ILuminaMemory>(LuminaStoreKeys.Memory).Should().BeOfType<SqliteMemory>();
        provider.GetRequiredKeyedService<IAuditLedger>(LuminaStoreKeys.Audit).Should().BeOfType<SqliteAuditLedger>();
        provider.GetRequiredService<ILuminaIdentityStore>().Should().BeOfType<SqliteIdentityStore>();
        provider.GetRequiredService<IBudgetStore>().Should().BeOfType<SqliteBudgetStore>();
        provider.GetRequiredService<IRateLimitStore>().Should().BeOfType<InMemoryRateLimitStore>();
        provider.GetRequiredService<ILuminaResourceNotifier>().Should().BeOfType<LuminaResourceChangeHub>();
        Directory.EnumerateFiles(configuration["Lumina:DataDirectory"]!, "*.db").Select(Path.GetFileName)
            .Should().BeEquivalentTo(["memory.db", "audit.db", "auth.db", "usage.db"]);
    }

    [Fact]
    public async Task Redis_RegistersEveryStore_UnderTheKeyPrefix()
    {
        await using var redis = await RedisServer.StartAsync();
        var configuration = Configuration(new() { ["ConnectionStrings:redis"] = redis.ConnectionString, ["Lumina:Redis:KeyPrefix"] = "alpha" });
        using var provider = Build(builder => builder.AddRedisStores(configuration), configuration);

        await provider.GetRequiredService<ILuminaMemory>().RememberAsync("ada", "Ada likes tea.", []);
        await provider.GetRequiredService<ILuminaIdentityStore>().AddUserAsync("ada", "correct horse battery", "user");

        provider.GetRequiredKeyedService<IAuditLedger>(LuminaStoreKeys.Audit).Should().BeOfType<RedisAuditLedger>();
        provider.GetRequiredService<IBudgetStore>().Should().BeOfType<RedisBudgetStore>();
        provider.GetRequiredService<IRateLimitStore>().Should().BeOfType<RedisRateLimitStore>();
        provider.GetRequiredService<ILuminaResourceNotifier>().Should().BeOfType<RedisResourceNotifier>();
        var keys = Keys(provider);
        keys.Should().NotBeEmpty().And.OnlyContain(k => k.StartsWith("alpha:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Redis_OlderKeyPrefixSetting_StillWorks_AndTheNewOneWins()
    {
        await using var redis = await RedisServer.StartAsync();
        var older = Configuration(new() { ["ConnectionStrings:redis"] = redis.ConnectionString, ["Lumina:Memory:KeyPrefix"] = "beta" });
        var both = Configuration(new() { ["ConnectionStrings:redis"] = redis.ConnectionString, ["Lumina:Memory:KeyPrefix"] = "beta", ["Lumina:Redis:KeyPrefix"] = "gamma" });
        using var olderProvider = Build(builder => builder.AddRedisStores(older), older);
        using var bothProvider = Build(builder => builder.AddRedisStores(both), both);

        olderProvider.GetRequiredService<IOptions<RedisStoreOptions>>().Value.KeyPrefix.Should().Be("beta");
        bothProvider.GetRequiredService<IOptions<RedisStoreOptions>>().Value.KeyPrefix.Should().Be("gamma");
    }

    [Theory]
    [InlineData("Lumina:Redis:KeyPrefix", "a{b}")]
    [InlineData("Lumina:Memory:KeyPrefix", " ")]
    public void Redis_BadKeyPrefix_IsRefusedNamingTheSetting(string setting, string value)
    {
        var configuration = Configuration(new() { ["ConnectionStrings:redis"] = "127.0.0.1:1", [setting] = value });
        using var provider = Build(builder => builder.AddRedisStores(configuration), configuration);

        var read = () => provider.GetRequiredService<IOptions<RedisStoreOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain($"{setting} must be a non-empty string without '{{'");
    }

    [Fact]
    public void Redis_WithoutAConnectionString_IsRefusedNamingIt()
    {
        var configuration = Configuration();
        using var provider = Build(builder => builder.AddRedisStores(configuration), configuration);

        var read = () => provider.GetRequiredService<IOptions<RedisStoreOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("ConnectionStrings:redis is not set");
    }

    [Fact]
    public void Sqlite_AFileThatCannotBeMade_IsAStartupErrorNamingTheStoreAndThePath()
    {
        // The data directory is a file: nothing can be made under it.
        var blocked = Path.Combine(TestData.NewDirectory(), "not-a-folder");
        File.WriteAllText(blocked, "x");

        var open = () => new SqliteBudgetStore(Path.Combine(blocked, "usage.db"));

        open.Should().Throw<LuminaStartupException>().Which.Message.Should().Contain("The budget store cannot be opened at").And.Contain(blocked);
    }

    private static IConfiguration Configuration(Dictionary<string, string?>? settings = null) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Lumina:DataDirectory"] = TestData.NewDirectory() })
            .AddInMemoryCollection(settings ?? [])
            .Build();

    private static ServiceProvider Build(Action<ILuminaBuilder> stores, IConfiguration? configuration = null)
    {
        var services = new ServiceCollection();
        stores(services.AddLumina(configuration ?? Configuration()));
        return services.BuildServiceProvider();
    }

    private static List<string> Keys(IServiceProvider provider)
    {
        var redis = provider.GetRequiredService<RedisConnection>().Multiplexer;
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        return [.. server.Keys(pattern: "*").Select(k => (string)k!)];
    }
}
