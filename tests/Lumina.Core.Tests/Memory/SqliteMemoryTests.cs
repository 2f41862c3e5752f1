using Lumina.Abstractions.Memory;
using Lumina.Core.Memory;
using Lumina.Storage.Sqlite;
using Lumina.Testing;
using Lumina.Testing.Contracts;

namespace Lumina.Core.Tests.Memory;

public sealed class SqliteMemoryTests : MemoryContractTests
{
    private readonly string _folder = TestData.NewDirectory();

    protected override Task<ILuminaMemory> CreateAsync(MemoryOptions options, TimeProvider time, FactEmbedder? embedder = null) =>
        Task.FromResult<ILuminaMemory>(new SqliteMemory(Path.Combine(_folder, embedder is null ? "memory.db" : "embedded.db"), options, time, embedder));

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Facts_SurviveARestart()
    {
        var fact = await Memory.RememberAsync("ada", "remember me after a restart", []);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var reopened = await CreateAsync(SmallLimits(), Time);

        (await reopened.ListFactsAsync("ada", 10)).Should().ContainSingle().Which.Should().BeEquivalentTo(fact);
    }
}
