using System.Security;
using System.Text;
using Lumina.Abstractions;
using Lumina.Abstractions.Memory;
using Lumina.Core.Plugins;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using FunctionInvocationContext = Microsoft.SemanticKernel.FunctionInvocationContext;

namespace Lumina.Core.Memory;

/// <summary>
/// Memory as a kernel filter: a prompt function sees the caller's earlier turns with it and the facts most relevant to
/// the request, and the exchange is stored afterwards. Because it is a kernel filter it works the same for MCP, HTTP
/// and in-process callers.
/// </summary>
/// <remarks>
/// It is the innermost of Lumina's filters (telemetry → audit → authorization → memory): only a call that was
/// allowed and recorded reads or writes memory. Each prompt function keeps one conversation per caller, named
/// <c>plugin.function</c>. History stays bounded: past <see cref="MemoryFilterOptions.SummarizeAfterTurns"/> turns the
/// oldest are summarised by the chat service, and when none can answer the store simply drops them; either way a tool
/// call is never separated from its result.
/// </remarks>
internal sealed partial class MemoryFilter(
    ILuminaMemory memory,
    ILuminaCallContextAccessor context,
    IOptions<MemoryOptions> options,
    IServiceProvider services,
    TimeProvider time,
    ILogger<MemoryFilter> logger) : IFunctionInvocationFilter, IPromptRenderFilter
{
    private static readonly AsyncLocal<Exchange?> s_exchange = new();
    private readonly ILogger _logger = logger;

    public async Task OnFunctionInvocationAsync(FunctionInvocationContext invocation, Func<FunctionInvocationContext, Task> next)
    {
        var settings = options.Value.Filter;
        if (!settings.Enabled || invocation.Function.UnderlyingMethod is not null || LuminaDescribed.Of(invocation.Function) is not null)
        {
            // Native functions (and upstream servers' tools) have no prompt to remember; they run untouched.
            await next(invocation).ConfigureAwait(false);
            return;
        }

        var exchange = new Exchange(context.Current.Caller.Id, FunctionNames.Dotted(invocation.Function));
        s_exchange.Value = exchange;
        try
        {
            await next(invocation).ConfigureAwait(false);
        }
        finally
        {
            s_exchange.Value = null;
        }

        if (exchange.Prompt is not { } prompt)
        {
            return;
        }

        var answer = invocation.Result.ToString();
        var now = time.GetUtcNow();
        var stored = await memory.AppendAsync(
            exchange.UserId,
            exchange.ConversationId,
            [new ConversationTurn(TurnRole.User, Fit(prompt), now), new ConversationTurn(TurnRole.Assistant, Fit(answer), now)],
            invocation.CancellationToken).ConfigureAwait(false);
        if (stored.TurnCount > settings.SummarizeAfterTurns)
        {
            await SummarizeAsync(exchange, stored.TurnCount - settings.KeepRecentTurns, invocation.CancellationToken).ConfigureAwait(false);
        }
    }

    public async Task OnPromptRenderAsync(PromptRenderContext render, Func<PromptRenderContext, Task> next)
    {
        await next(render).ConfigureAwait(false);
        if (s_exchange.Value is not { } exchange || exchange.Prompt is not null || render.RenderedPrompt is not { } prompt)
        {
            return;
        }

        exchange.Prompt = prompt;
        var settings = options.Value.Filter;
        var loaded = await memory.LoadAsync(exchange.UserId, exchange.ConversationId, settings.HistoryTurns, prompt, settings.RelevantFacts, render.CancellationToken).ConfigureAwait(false);
        var (history, facts) = (loaded.Conversation, loaded.Facts);
        if ((history is null || history.Turns.Count == 0) && facts.Count == 0)
        {
            return;
        }

        // Semantic Kernel reads <message> tags in a rendered prompt as a chat history: earlier turns and facts go in as
        // messages of their own, and the request itself stays the last user message.
        var chat = new StringBuilder();
        if (facts.Count > 0)
        {
            chat.Append("<message role=\"system\">").Append(Escape("Facts remembered about the user (use them when relevant):\n" + string.Join('\n', facts.Select(f => "- " + f.Fact.Text)))).Append("</message>\n");
        }

        foreach (var turn in history?.Turns ?? [])
        {
            var role = turn.Role switch { TurnRole.Assistant => "assistant", TurnRole.System => "system", _ => "user" };
            chat.Append("<message role=\"").Append(role).Append("\">").Append(Escape(turn.Content)).Append("</message>\n");
        }

        chat.Append("<message role=\"user\">").Append(Escape(prompt)).Append("</message>");
        render.RenderedPrompt = chat.ToString();
    }

    /// <summary>Replaces the oldest turns with a summary from the chat service; when none can answer, leaves trimming to the store.</summary>
    private async Task SummarizeAsync(Exchange exchange, int count, CancellationToken cancellationToken)
    {
        var conversation = await memory.GetConversationAsync(exchange.UserId, exchange.ConversationId, int.MaxValue, cancellationToken).ConfigureAwait(false);
        if (conversation is null || count <= 0)
        {
            return;
        }

        var oldest = conversation.Turns.Take(count).Select(t => $"{t.Role}: {t.Content}");
        try
        {
            var chat = (IChatClient?)services.GetService(typeof(IChatClient));
            if (chat is null)
            {
                return;
            }

            var response = await chat.GetResponseAsync(
                [
                    new ChatMessage(ChatRole.System, "Summarise this conversation so far in at most 10 short bullet points. Keep names, numbers, decisions and open questions."),
                    new ChatMessage(ChatRole.User, string.Join('\n', oldest)),
                ],
                new ChatOptions { MaxOutputTokens = 400 },
                cancellationToken).ConfigureAwait(false);
            await memory.ReplaceOldestAsync(
                exchange.UserId,
                exchange.ConversationId,
                count,
                new ConversationTurn(TurnRole.System, Fit("Summary of the earlier conversation:\n" + response.Text), time.GetUtcNow()),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LuminaException or HttpRequestException or InvalidOperationException)
        {
            LogSummaryFailed(exchange.ConversationId, ex.Message);
        }
    }

    private string Fit(string text) => MemoryRules.FitTurn(text, options.Value);

    private static string Escape(string text) => SecurityElement.Escape(text);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not summarise conversation {Conversation}; its oldest turns are dropped instead: {Reason}")]
    private partial void LogSummaryFailed(string conversation, string reason);

    /// <summary>What one prompt-function call carries from the render filter to the invocation filter.</summary>
    private sealed class Exchange(string userId, string conversationId)
    {
        public string UserId { get; } = userId;

        public string ConversationId { get; } = conversationId;

        public string? Prompt { get; set; }
    }
}
