using Lumina.Core.Federation;
using Lumina.Storage.Sqlite;
using Lumina.Testing;
using Lumina.Testing.Contracts;

namespace Lumina.Core.Tests.Federation;

public sealed class SqliteToolPinStoreTests : ToolPinStoreContractTests
{
    private readonly string _directory = TestData.NewDirectory();

    public override Task InitializeAsync()
    {
        Store = new SqliteToolPinStore(Path.Combine(_directory, "pins.db"));
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
        var other = new SqliteToolPinStore(Path.Combine(_directory, "pins.db"));

        await Store.PinIfAbsentAsync(new ToolPin("srv", "weather", "first", "{}", DateTimeOffset.UnixEpoch, null));

        (await other.PinIfAbsentAsync(new ToolPin("srv", "weather", "second", "{}", DateTimeOffset.UnixEpoch, null))).Hash.Should().Be("first");
    }
}
