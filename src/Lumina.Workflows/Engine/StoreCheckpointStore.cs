using System.Text.Json;
using Lumina.Core.Workflows;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Agents.AI.Workflows.Checkpointing;

namespace Lumina.Workflows.Engine;

/// <summary>
/// The engine's checkpoints in Lumina's run store (SQLite or Redis, by the store switch): MAF's session id is the run
/// id, and every checkpoint is written durably before the next step starts.
/// </summary>
internal sealed class StoreCheckpointStore(IWorkflowRunStore store) : JsonCheckpointStore
{
    public override async ValueTask<CheckpointInfo> CreateCheckpointAsync(string sessionId, JsonElement value, CheckpointInfo? parent = null)
    {
        var info = new CheckpointInfo(sessionId, Guid.NewGuid().ToString("N"));
        await store.AddCheckpointAsync(sessionId, info.CheckpointId, parent?.CheckpointId, value.GetRawText()).ConfigureAwait(false);
        return info;
    }

    public override async ValueTask<JsonElement> RetrieveCheckpointAsync(string sessionId, CheckpointInfo key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var json = await store.GetCheckpointAsync(sessionId, key.CheckpointId).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Run {sessionId} has no checkpoint {key.CheckpointId}.");
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public override async ValueTask<IEnumerable<CheckpointInfo>> RetrieveIndexAsync(string sessionId, CheckpointInfo? withParent = null)
    {
        var ids = await store.ListCheckpointsAsync(sessionId, withParent?.CheckpointId).ConfigureAwait(false);
        return [.. ids.Select(id => new CheckpointInfo(sessionId, id))];
    }
}
