using System.Diagnostics;
using Lumina.Abstractions.Memory;

namespace Lumina.Core.Telemetry;

/// <summary>The memory store with a <c>lumina.store</c> span and a duration measurement around every operation.</summary>
internal sealed class InstrumentedMemory(ILuminaMemory inner, string store, LuminaTelemetry telemetry, TimeProvider time) : ILuminaMemory
{
    public Task<MemoryFact> RememberAsync(string userId, string text, IReadOnlyList<string> tags, CancellationToken cancellationToken = default) =>
        Measure("remember", () => inner.RememberAsync(userId, text, tags, cancellationToken));

    public Task<IReadOnlyList<RecalledFact>> RecallAsync(string userId, string query, int limit, IReadOnlyList<string>? tags = null, CancellationToken cancellationToken = default) =>
        Measure("recall", () => inner.RecallAsync(userId, query, limit, tags, cancellationToken));

    public Task<bool> ForgetAsync(string userId, string factId, CancellationToken cancellationToken = default) =>
        Measure("forget", () => inner.ForgetAsync(userId, factId, cancellationToken));

    public Task<IReadOnlyList<MemoryFact>> ListFactsAsync(string userId, int limit, CancellationToken cancellationToken = default) =>
        Measure("list_facts", () => inner.ListFactsAsync(userId, limit, cancellationToken));

    public Task<ContextValue?> GetContextAsync(string userId, string key, CancellationToken cancellationToken = default) =>
        Measure("get_context", () => inner.GetContextAsync(userId, key, cancellationToken));

    public Task<ContextValue> SetContextAsync(string userId, string key, string value, CancellationToken cancellationToken = default) =>
        Measure("set_context", () => inner.SetContextAsync(userId, key, value, cancellationToken));

    public Task<bool> DeleteContextAsync(string userId, string key, CancellationToken cancellationToken = default) =>
        Measure("delete_context", () => inner.DeleteContextAsync(userId, key, cancellationToken));

    public Task<IReadOnlyList<ContextValue>> ListContextAsync(string userId, CancellationToken cancellationToken = default) =>
        Measure("list_context", () => inner.ListContextAsync(userId, cancellationToken));

    public Task<ConversationInfo> AppendAsync(string userId, string conversationId, IReadOnlyList<ConversationTurn> turns, CancellationToken cancellationToken = default) =>
        Measure("append", () => inner.AppendAsync(userId, conversationId, turns, cancellationToken));

    public Task<Conversation?> GetConversationAsync(string userId, string conversationId, int maxTurns, CancellationToken cancellationToken = default) =>
        Measure("get_conversation", () => inner.GetConversationAsync(userId, conversationId, maxTurns, cancellationToken));

    public Task<IReadOnlyList<ConversationInfo>> ListConversationsAsync(string userId, int limit, CancellationToken cancellationToken = default) =>
        Measure("list_conversations", () => inner.ListConversationsAsync(userId, limit, cancellationToken));

    public Task<bool> DeleteConversationAsync(string userId, string conversationId, CancellationToken cancellationToken = default) =>
        Measure("delete_conversation", () => inner.DeleteConversationAsync(userId, conversationId, cancellationToken));

    public Task ReplaceOldestAsync(string userId, string conversationId, int count, ConversationTurn summary, CancellationToken cancellationToken = default) =>
        Measure("replace_oldest", async () =>
        {
            await inner.ReplaceOldestAsync(userId, conversationId, count, summary, cancellationToken).ConfigureAwait(false);
            return true;
        });

    public Task<MemoryRecall> LoadAsync(string userId, string conversationId, int maxTurns, string query, int factLimit, CancellationToken cancellationToken = default) =>
        Measure("load", () => inner.LoadAsync(userId, conversationId, maxTurns, query, factLimit, cancellationToken));

    public Task<int> ForgetAllAsync(string userId, CancellationToken cancellationToken = default) =>
        Measure("forget_all", () => inner.ForgetAllAsync(userId, cancellationToken));

    private async Task<T> Measure<T>(string operation, Func<Task<T>> run)
    {
        using var activity = LuminaTelemetry.Source.StartActivity($"lumina.store {operation}", ActivityKind.Client);
        activity?.SetTag("db.system.name", store);
        activity?.SetTag("db.operation.name", operation);
        var started = time.GetTimestamp();
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            telemetry.StoreDuration.Record(time.GetElapsedTime(started).TotalSeconds, new("db.system.name", store), new("db.operation.name", operation));
        }
    }
}
