using System.Text.Json;
using Lumina.Abstractions.Memory;
using Lumina.Core.Auth;
using Lumina.Core.Invocation;
using Lumina.Core.Policy;
using Lumina.Plugins.Memory;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Host.Api;

/// <summary>
/// What Lumina remembers, over HTTP (<c>/v1/memory/…</c>): the caller's own facts and conversations through the memory
/// plugin's functions (<c>memory_facts</c>, <c>memory_forget</c>, <c>memory_list_conversations</c>,
/// <c>memory_get_conversation</c>, <c>memory_forget_conversation</c>), run as the caller so that authorization, policy,
/// audit and memory filters apply as over MCP; and, for administrators with <c>?user=NAME</c>, any user's, read from the
/// memory store behind <see cref="ConsoleAdministration"/>'s gate and ledger.
/// </summary>
/// <remarks>
/// A <c>DELETE</c> is the user's confirmation of the destructive call it makes (the console asks before it sends one),
/// so the policy guard does not ask again — it could not: the HTTP API has no way to ask its client.
/// </remarks>
internal static class ConsoleMemoryApi
{
    /// <summary>The most facts listed (what <c>memory_facts</c> lists).</summary>
    private const int MaxFacts = 1000;

    /// <summary>The most conversations listed (what <c>memory_list_conversations</c> allows).</summary>
    private const int MaxConversations = 100;

    /// <summary>The most recent turns of a conversation shown (what <c>memory_get_conversation</c> allows).</summary>
    private const int MaxTurns = 200;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static void MapConsoleMemoryApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/memory/facts", FactsAsync);
        endpoints.MapDelete("/memory/facts/{id}", ForgetFactAsync).DisableAntiforgery();
        endpoints.MapGet("/memory/conversations", ConversationsAsync);
        endpoints.MapGet("/memory/conversations/{id}", ConversationAsync);
        endpoints.MapDelete("/memory/conversations/{id}", ForgetConversationAsync).DisableAntiforgery();
    }

    private static Task<IResult> FactsAsync(HttpContext context, LuminaInvoker invoker, IOptions<LuminaAuthOptions> auth, ILoggerFactory loggers, ILuminaIdentityStore users, ILuminaMemory memory) =>
        User(context) is not { } user
            ? LuminaHttpApi.InvokeAsync<IReadOnlyList<MemoryFact>>(context, invoker, auth, loggers, "memory", "facts", [], Facts)
            : ForUserAsync(context, users, user, "console_memory_facts", null, async id => Facts(await memory.ListFactsAsync(id, MaxFacts, context.RequestAborted).ConfigureAwait(false)));

    private static Task<IResult> ForgetFactAsync(string id, HttpContext context, LuminaInvoker invoker, IOptions<LuminaAuthOptions> auth, ILoggerFactory loggers, ILuminaIdentityStore users, ILuminaMemory memory) =>
        ForgetAsync(context, invoker, auth, loggers, users, id, "forget", "fact", (owner, ct) => memory.ForgetAsync(owner, id, ct));

    private static Task<IResult> ConversationsAsync(HttpContext context, LuminaInvoker invoker, IOptions<LuminaAuthOptions> auth, ILoggerFactory loggers, ILuminaIdentityStore users, ILuminaMemory memory) =>
        User(context) is not { } user
            ? LuminaHttpApi.InvokeAsync<ConversationList>(context, invoker, auth, loggers, "memory", "list_conversations", new KernelArguments { ["limit"] = MaxConversations }, list => Conversations(list.Conversations))
            : ForUserAsync(context, users, user, "console_memory_conversations", null, async id => Conversations(await memory.ListConversationsAsync(id, MaxConversations, context.RequestAborted).ConfigureAwait(false)));

    private static Task<IResult> ConversationAsync(string id, HttpContext context, LuminaInvoker invoker, IOptions<LuminaAuthOptions> auth, ILoggerFactory loggers, ILuminaIdentityStore users, ILuminaMemory memory) =>
        User(context) is not { } user
            ? LuminaHttpApi.InvokeAsync<Conversation>(context, invoker, auth, loggers, "memory", "get_conversation", new KernelArguments { ["id"] = id, ["maxTurns"] = MaxTurns }, ConversationView.Of)
            : ForUserAsync(context, users, user, "console_memory_conversation", id, async owner =>
                await memory.GetConversationAsync(owner, id, MaxTurns, context.RequestAborted).ConfigureAwait(false) is { } conversation
                    ? ConversationView.Of(conversation)
                    : LuminaHttpApi.Problem(404, "Not found", $"{user} has no conversation with id '{id}'."));

    private static Task<IResult> ForgetConversationAsync(string id, HttpContext context, LuminaInvoker invoker, IOptions<LuminaAuthOptions> auth, ILoggerFactory loggers, ILuminaIdentityStore users, ILuminaMemory memory) =>
        ForgetAsync(context, invoker, auth, loggers, users, id, "forget_conversation", "conversation", (owner, ct) => memory.DeleteConversationAsync(owner, id, ct));

    /// <summary>
    /// Forgets one item: the caller's own through the memory tool <paramref name="function"/> (the DELETE is the user's
    /// confirmation of that destructive call), another user's (<c>?user=</c>, administrators) in the store.
    /// </summary>
    private static async Task<IResult> ForgetAsync(
        HttpContext context, LuminaInvoker invoker, IOptions<LuminaAuthOptions> auth, ILoggerFactory loggers, ILuminaIdentityStore users,
        string id, string function, string noun, Func<string, CancellationToken, Task<bool>> forget)
    {
        if (User(context) is { } user)
        {
            return await ForUserAsync(context, users, user, $"console_memory_{function}", id, async owner =>
                await forget(owner, context.RequestAborted).ConfigureAwait(false)
                    ? Results.NoContent()
                    : LuminaHttpApi.Problem(404, "Not found", $"{user} has no {noun} with id '{id}'.")).ConfigureAwait(false);
        }

        using (LuminaConfirmations.Confirmed($"memory_{function}"))
        {
            return await LuminaHttpApi.InvokeAsync<string>(context, invoker, auth, loggers, "memory", function, new KernelArguments { ["id"] = id }, _ => Results.NoContent()).ConfigureAwait(false);
        }
    }

    /// <summary>The <c>user</c> query parameter; null when absent (the caller's own memory).</summary>
    private static string? User(HttpContext context) => context.Request.Query.TryGetValue("user", out var user) ? user.ToString() : null;

    /// <summary>
    /// Runs <paramref name="read"/> on the memory of the user named <paramref name="name"/> — by the user's id, which keys
    /// memory (<see cref="LuminaUser.Id"/>); the reserved callers <c>local</c> and <c>anonymous</c> by their own ids —
    /// for an administrator, recorded in the ledger.
    /// </summary>
    private static Task<IResult> ForUserAsync(HttpContext context, ILuminaIdentityStore users, string name, string function, string? item, Func<string, Task<IResult>> read)
    {
        var arguments = new KernelArguments { ["user"] = name };
        if (item is not null)
        {
            arguments["id"] = item;
        }

        return ConsoleAdministration.RunAsync(context, function, arguments, $"memory of {name}", async _ =>
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                return LuminaHttpApi.Problem(400, "Bad request", "'user' is empty: name a user, or leave it out for your own memory.");
            }

            if (ReservedUserNames.Contains(name))
            {
                return await read(name.Trim().ToLowerInvariant()).ConfigureAwait(false);
            }

            return await ConsoleAdminApi.FindUserAsync(users, name, context.RequestAborted).ConfigureAwait(false) is { } user
                ? await read(user.Id).ConfigureAwait(false)
                : LuminaHttpApi.Problem(404, "Not found", $"There is no user '{name}'.");
        });
    }

    private static IResult Facts(IReadOnlyList<MemoryFact> facts) =>
        Results.Json(new { facts = facts.Select(f => new { id = f.Id, text = f.Text, createdAt = f.CreatedAt, tags = f.Tags }) }, s_json);

    private static IResult Conversations(IReadOnlyList<ConversationInfo> conversations) =>
        Results.Json(new { conversations = conversations.Select(c => new { id = c.Id, title = c.Title, createdAt = c.CreatedAt, updatedAt = c.UpdatedAt, turns = c.TurnCount }) }, s_json);

    /// <summary>A conversation as the console shows it: its turns oldest first, roles in lower case.</summary>
    private static class ConversationView
    {
        public static IResult Of(Conversation conversation) => Results.Json(
            new
            {
                id = conversation.Info.Id,
                title = conversation.Info.Title,
                createdAt = conversation.Info.CreatedAt,
                updatedAt = conversation.Info.UpdatedAt,
                turns = conversation.Turns.Select(t => new { role = t.Role.ToString().ToLowerInvariant(), text = t.Content, at = t.At }),
            },
            s_json);
    }
}
