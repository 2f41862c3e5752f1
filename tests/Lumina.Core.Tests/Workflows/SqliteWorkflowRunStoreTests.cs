using Lumina.Core.Workflows;
using Lumina.Storage.Sqlite;
using Lumina.Testing;
using Lumina.Testing.Contracts;
using Microsoft.Data.Sqlite;

namespace Lumina.Core.Tests.Workflows;

public sealed class SqliteWorkflowRunStoreTests : WorkflowRunStoreContractTests
{
    private readonly string _directory = TestData.NewDirectory();

    private string FilePath => Path.Combine(_directory, "workflows.db");

    public override Task InitializeAsync()
    {
        Store = new SqliteWorkflowRunStore(FilePath, Clock);
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AnotherStoreOnTheFile_SeesTheRuns_TheirCheckpoints_AndTheirSteps()
    {
        // A host restarted (or a second process on the machine) opens the same file and picks the run up.
        var created = await Store.CreateAsync(NewRun());
        await Store.AddCheckpointAsync(created.Id, "c1", null, """{"at":1}""");
        await Store.RecordStepAsync(created.Id, "a", """{"ok":true}""");
        SqliteConnection.ClearAllPools();

        var restarted = new SqliteWorkflowRunStore(FilePath, Clock);
        var seen = await restarted.GetAsync(created.Id);
        var taken = await restarted.TryReplaceAsync(seen! with { Runner = "host-b", Resumes = 1 });

        seen.Should().Be(created);
        (await restarted.ListAsync(created.OwnerId)).Should().Equal(taken!);
        (await restarted.GetCheckpointAsync(created.Id, "c1")).Should().Be("""{"at":1}""");
        (await restarted.RecordStepAsync(created.Id, "a", """{"ok":false}""")).Should().Be("""{"ok":true}""", "the step was recorded before the restart");
        (await Store.GetAsync(created.Id)).Should().Be(taken);
        (await Store.TryReplaceAsync(created with { Runner = "host-c" })).Should().BeNull("the other store took it first");
        var duplicate = () => restarted.CreateAsync(created);
        await duplicate.Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task ExpiredRuns_ArePurgedFromTheFile_WithTheirCheckpointsAndSteps()
    {
        var finished = await Store.CreateAsync(NewRun() with { Status = WorkflowRunStatus.Completed, Ttl = TimeSpan.FromMinutes(1) });
        var running = await Store.CreateAsync(NewRun());
        foreach (var run in new[] { finished, running })
        {
            await Store.AddCheckpointAsync(run.Id, "c1", null, "{}");
            await Store.RecordStepAsync(run.Id, "a", "{}");
        }

        Clock.Advance(TimeSpan.FromMinutes(1));
        (await CountAsync("runs", finished.Id)).Should().Be(1, "nothing purges before a listing or a creation");

        await Store.ListAsync();

        (await CountAsync("runs", finished.Id)).Should().Be(0);
        (await CountAsync("checkpoints", finished.Id)).Should().Be(0);
        (await CountAsync("steps", finished.Id)).Should().Be(0);
        (await CountAsync("runs", running.Id)).Should().Be(1);
        (await CountAsync("checkpoints", running.Id)).Should().Be(1);
        (await CountAsync("steps", running.Id)).Should().Be(1);
    }

    private async Task<long> CountAsync(string table, string runId)
    {
        await using var connection = new SqliteConnection($"Data Source={FilePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table} WHERE {(table == "runs" ? "id" : "run")}=$id";
        command.Parameters.AddWithValue("$id", runId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
