using Lumina.Core.Tasks;
using Lumina.Storage.Sqlite;
using Lumina.Testing;
using Lumina.Testing.Contracts;

namespace Lumina.Core.Tests.Tasks;

public sealed class SqliteTaskStoreTests : TaskStoreContractTests
{
    private readonly string _directory = TestData.NewDirectory();

    private string FilePath => Path.Combine(_directory, "tasks.db");

    public override Task InitializeAsync()
    {
        Store = new SqliteTaskStore(FilePath, Clock);
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TwoStoresOnOneFile_SeeEachOthersTasks()
    {
        // What "polled on another host" means for the embedded store: another process (or host instance) on the same file.
        var other = new SqliteTaskStore(FilePath, Clock);
        var created = await Store.CreateAsync(NewTask());

        var seen = await other.GetAsync(created.Id);
        var cancelled = await other.TryReplaceAsync(seen! with { CancelRequested = true });

        seen.Should().Be(created);
        (await Store.GetAsync(created.Id)).Should().Be(cancelled);
        (await Store.TryReplaceAsync(created with { Status = LuminaTaskStatus.Completed })).Should().BeNull("the other store changed it first");
        var duplicate = () => other.CreateAsync(created);
        await duplicate.Should().ThrowAsync<InvalidOperationException>();
    }
}
