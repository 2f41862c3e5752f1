using Lumina.Core.Federation;
using Lumina.Storage.Sqlite;
using Lumina.Testing;
using Lumina.Testing.Contracts;

namespace Lumina.Core.Tests.Federation;

public sealed class SqliteToolPinStoreTests : ToolPinStoreContractTests
{
    private readonly string _directory = TestData.NewDirectory();

    private string FilePath => Path.Combine(_directory, "pins.db");

    public override Task InitializeAsync()
    {
        Store = new SqliteToolPinStore(FilePath);
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TwoStoresOnOneFile_TrustTheSamePins()
    {
        // What "another host" means for the embedded store: another process (or host instance) on the same file.
        var other = new SqliteToolPinStore(FilePath);
        var first = Pin("weather", "first");

        await Store.PinIfAbsentAsync(first);

        (await other.PinIfAbsentAsync(Pin("weather", "second"))).Should().Be(first, "the other store's first sight won");
        (await other.GetAsync("srv", "weather")).Should().Be(first);

        var approved = Pin("weather", "approved") with { PinnedBy = "admin" };
        await other.SetAsync(approved);
        await other.SetAsync(Pin("news", "n"));
        (await Store.GetAsync("srv", "weather")).Should().Be(approved);
        (await Store.ListAsync("srv")).Should().Equal(Pin("news", "n"), approved);

        (await Store.RemoveAsync("srv", "weather")).Should().BeTrue();
        (await other.GetAsync("srv", "weather")).Should().BeNull();
        (await other.RemoveAsync("srv", "weather")).Should().BeFalse();
    }

    [Fact]
    public async Task TwoStoresOnOneFile_RacingFirstSights_AgreeOnOnePin()
    {
        var other = new SqliteToolPinStore(FilePath);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            (i % 2 == 0 ? Store : other).PinIfAbsentAsync(Pin("racy", $"hash-{i}")))));

        var stored = await other.GetAsync("srv", "racy");
        results.Should().AllSatisfy(r => r.Should().Be(stored));
    }
}
