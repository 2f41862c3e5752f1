using Lumina.Core.Budgets;
using Lumina.Storage.Sqlite;
using Lumina.Testing;
using Lumina.Testing.Contracts;

namespace Lumina.Core.Tests.Budgets;

public sealed class SqliteBudgetStoreTests : BudgetStoreContractTests
{
    private readonly string _directory = TestData.NewDirectory();

    public override Task InitializeAsync()
    {
        Store = new SqliteBudgetStore(Path.Combine(_directory, "usage.db"));
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
