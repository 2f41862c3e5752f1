using System.ComponentModel;
using Lumina.Abstractions;
using Lumina.Abstractions.Memory;
using Microsoft.SemanticKernel;

namespace Lumina.Plugins.Memory;

/// <summary>
/// What Lumina remembers for the caller: facts to recall later, context values, and past conversations. Everything is
/// kept per caller; nobody sees another caller's memory, nor hears when it changes (changes to <c>memory://facts</c> and
/// <c>memory://context</c> are notified to the changing caller's subscribed sessions only).
/// </summary>
[LuminaRequires(LuminaPermission.Read)]
[LuminaPlugin("memory", Description = "Remembers facts, context values and conversations for the caller, across sessions and hosts.")]
public sealed class MemoryPlugin(ILuminaMemory memory, ILuminaCallContextAccessor context, ILuminaResourceNotifier notifier)
{
    /// <summary>The caller's facts, as a resource.</summary>
    public const string FactsUri = "memory://facts";

    /// <summary>The caller's context values, as a resource.</summary>
    public const string ContextUri = "memory://context";

    private string User => context.Current.Caller.Id;

    [LuminaRequires(LuminaPermission.Write)]
    [KernelFunction("remember"), Description("Remembers a fact for later (a preference, a decision, a detail about the user or project). Returns its id.")]
    [LuminaTool(Idempotent = false)]
    public async Task<MemoryFact> RememberAsync(
        [Description("The fact, as a self-contained sentence, e.g. 'The user prefers tabs over spaces'.")] string text,
        [Description("Optional labels to group facts by, e.g. ['project-x', 'preference'].")] string[]? tags = null,
        CancellationToken cancellationToken = default)
    {
        var fact = await memory.RememberAsync(User, text, tags ?? [], cancellationToken).ConfigureAwait(false);
        await notifier.NotifyCallerUpdatedAsync(FactsUri, User, cancellationToken).ConfigureAwait(false);
        return fact;
    }

    [KernelFunction("recall"), Description("Finds the remembered facts most relevant to a query, best first.")]
    [LuminaTool(ReadOnly = true, Idempotent = true)]
    public async Task<RecallResult> RecallAsync(
        [Description("What to look for, in words, e.g. 'indentation preference'.")] string query,
        [Description("How many facts at most (1 to 50).")] int limit = 5,
        [Description("Only facts carrying all of these tags.")] string[]? tags = null,
        CancellationToken cancellationToken = default) =>
        new(await memory.RecallAsync(User, query, Math.Clamp(limit, 1, 50), tags, cancellationToken).ConfigureAwait(false));

    [LuminaRequires(LuminaPermission.Write)]
    [KernelFunction("forget"), Description("Forgets one remembered fact by its id.")]
    [LuminaTool(Destructive = true, Idempotent = true)]
    public async Task<string> ForgetAsync([Description("The fact's id, as returned by remember or recall.")] string id, CancellationToken cancellationToken = default)
    {
        if (!await memory.ForgetAsync(User, id, cancellationToken).ConfigureAwait(false))
        {
            throw new LuminaRefusalException(LuminaRefusalKind.NotFound, $"There is no fact with id '{id}' to forget.");
        }

        await notifier.NotifyCallerUpdatedAsync(FactsUri, User, cancellationToken).ConfigureAwait(false);
        return $"Forgot fact {id}.";
    }

    [LuminaRequires(LuminaPermission.Write)]
    [KernelFunction("forget_all"), Description("Erases everything remembered for the caller: all facts, context values and conversations (right to erasure). Cannot be undone.")]
    [LuminaTool(Destructive = true, Idempotent = true)]
    public async Task<string> ForgetAllAsync(CancellationToken cancellationToken = default)
    {
        var erased = await memory.ForgetAllAsync(User, cancellationToken).ConfigureAwait(false);
        await notifier.NotifyCallerUpdatedAsync(FactsUri, User, cancellationToken).ConfigureAwait(false);
        await notifier.NotifyCallerUpdatedAsync(ContextUri, User, cancellationToken).ConfigureAwait(false);
        return $"Erased {erased} items.";
    }

    [LuminaRequires(LuminaPermission.Write)]
    [KernelFunction("set_context"), Description("Sets a named context value for the caller (e.g. current_project = lumina), replacing any earlier value.")]
    [LuminaTool(Idempotent = true)]
    public async Task<ContextValue> SetContextAsync(
        [Description("The name, e.g. current_project.")] string key,
        [Description("The value.")] string value,
        CancellationToken cancellationToken = default)
    {
        var result = await memory.SetContextAsync(User, key, value, cancellationToken).ConfigureAwait(false);
        await notifier.NotifyCallerUpdatedAsync(ContextUri, User, cancellationToken).ConfigureAwait(false);
        return result;
    }

    [KernelFunction("get_context"), Description("Gets a named context value of the caller.")]
    [LuminaTool(ReadOnly = true, Idempotent = true)]
    public async Task<ContextValue> GetContextAsync([Description("The name, e.g. current_project.")] string key, CancellationToken cancellationToken = default) =>
        await memory.GetContextAsync(User, key, cancellationToken).ConfigureAwait(false)
        ?? throw new LuminaException($"No context value named '{key}' is set.");

    [KernelFunction("list_conversations"), Description("Lists the caller's conversations, most recent first.")]
    [LuminaTool(ReadOnly = true, Idempotent = true)]
    public async Task<ConversationList> ListConversationsAsync([Description("How many at most (1 to 100).")] int limit = 20, CancellationToken cancellationToken = default) =>
        new(await memory.ListConversationsAsync(User, Math.Clamp(limit, 1, 100), cancellationToken).ConfigureAwait(false));

    [KernelFunction("get_conversation"), Description("Gets one of the caller's conversations with its most recent turns.")]
    [LuminaTool(ReadOnly = true, Idempotent = true)]
    public async Task<Conversation> GetConversationAsync(
        [Description("The conversation's id.")] string id,
        [Description("How many recent turns at most (1 to 200).")] int maxTurns = 50,
        CancellationToken cancellationToken = default) =>
        await memory.GetConversationAsync(User, id, Math.Clamp(maxTurns, 1, 200), cancellationToken).ConfigureAwait(false)
        ?? throw new LuminaRefusalException(LuminaRefusalKind.NotFound, $"You have no conversation with id '{id}'.");

    [LuminaRequires(LuminaPermission.Write)]
    [KernelFunction("forget_conversation"), Description("Deletes one of the caller's conversations with all its turns.")]
    [LuminaTool(Destructive = true, Idempotent = true)]
    public async Task<string> ForgetConversationAsync([Description("The conversation's id, as list_conversations shows it.")] string id, CancellationToken cancellationToken = default) =>
        await memory.DeleteConversationAsync(User, id, cancellationToken).ConfigureAwait(false)
            ? $"Forgot conversation {id}."
            : throw new LuminaRefusalException(LuminaRefusalKind.NotFound, $"You have no conversation with id '{id}'.");

    [KernelFunction("facts"), Description("The caller's remembered facts, newest first.")]
    [LuminaResource(FactsUri, Name = "facts", Title = "Remembered facts", MimeType = "application/json")]
    public async Task<IReadOnlyList<MemoryFact>> FactsAsync(CancellationToken cancellationToken = default) =>
        await memory.ListFactsAsync(User, 1000, cancellationToken).ConfigureAwait(false);

    [KernelFunction("context"), Description("The caller's context values.")]
    [LuminaResource(ContextUri, Name = "context", Title = "Context values", MimeType = "application/json")]
    public async Task<IReadOnlyList<ContextValue>> ContextAsync(CancellationToken cancellationToken = default) =>
        await memory.ListContextAsync(User, cancellationToken).ConfigureAwait(false);

    [KernelFunction("conversation"), Description("One of the caller's conversations with its turns.")]
    [LuminaResource("memory://conversations/{id}", Name = "conversation", Title = "Conversation", MimeType = "application/json")]
    public Task<Conversation> ConversationAsync([Description("The conversation's id.")] string id, CancellationToken cancellationToken = default) =>
        GetConversationAsync(id, 200, cancellationToken);
}
