using System.ComponentModel;
using System.Globalization;
using System.Text;
using Lumina.Abstractions;
using Lumina.Abstractions.Memory;
using Lumina.Core.Auth;
using Lumina.Core.Memory;
using Lumina.Core.Plugins;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using FunctionCallContent = Microsoft.Extensions.AI.FunctionCallContent;

namespace Lumina.Providers.Orchestration;

/// <summary>
/// Orchestration served as tools: <c>ask</c> (routed chat with automatic tool calling over the kernel's own plugins,
/// with memory) and <c>synthesize</c> (one question to several providers, merged).
/// </summary>
/// <remarks>The routed chat client is made at the first call, not with the plugin: the providers' clients and resilience pipelines are no part of a start.</remarks>
[LuminaPlugin(PluginName, Description = "Asks the configured AI providers, using Lumina's own tools and memory.")]
[LuminaRequires(LuminaPermission.Execute)]
public sealed class OrchestrationPlugin(
    Lazy<RoutedChatClient> chatWhenCalled,
    LuminaPluginRegistry registry,
    ILuminaMemory memory,
    ILuminaCallContextAccessor context,
    ILuminaAuthorizer authorizer,
    IOptions<MemoryOptions> memoryOptions,
    TimeProvider time)
{
    /// <summary>The plugin's name; its own functions are never offered to the model (no recursion).</summary>
    public const string PluginName = "orchestration";

    private const string DefaultConversation = "ask";

    private const string Instructions = """
        You are Lumina's assistant. Use the tools when they help you answer; their results are authoritative. When a
        tool returns an error, correct the call or explain the problem. Answer concisely.
        """;

    private RoutedChatClient Chat => chatWhenCalled.Value;

    [KernelFunction("ask"), Description("Asks an AI model, which may call Lumina's tools (files, time, memory, …) to answer. Remembers the conversation. Returns the answer with the provider, model, tool calls, tokens and cost.")]
    [LuminaTool(Name = "ask", Title = "Ask", OpenWorld = true)]
    public async Task<AskResult> AskAsync(
        Kernel kernel,
        [Description("The question or instruction.")] string message,
        [Description("Continue this conversation (any id you choose); omitted: your default conversation.")] string? conversationId = null,
        [Description("A provider name or model id to use first.")] string? provider = null,
        [Description("The most model calls to make while using tools (1 to 32).")] int maxSteps = 8,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (string.IsNullOrWhiteSpace(message))
        {
            throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, "The message is empty: say what to ask.");
        }

        if (maxSteps is < 1 or > 32)
        {
            throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"maxSteps must be between 1 and 32, not {maxSteps}.");
        }

        var call = context.Current;
        var user = call.Caller.Id;
        var conversation = string.IsNullOrWhiteSpace(conversationId) ? DefaultConversation : conversationId.Trim();
        MemoryRules.ConversationId(conversation);
        var settings = memoryOptions.Value;
        var loaded = await memory.LoadAsync(user, conversation, settings.Filter.HistoryTurns, message, settings.Filter.RelevantFacts, cancellationToken).ConfigureAwait(false);
        var messages = new List<ChatMessage> { new(ChatRole.System, WithFacts(Instructions, loaded.Facts)) };
        messages.AddRange((loaded.Conversation?.Turns ?? []).Select(t => new ChatMessage(t.Role switch
        {
            TurnRole.Assistant => ChatRole.Assistant,
            TurnRole.System => ChatRole.System,
            _ => ChatRole.User,
        }, t.Content)));
        messages.Add(new ChatMessage(ChatRole.User, message));

        // The model is offered only what the caller may use; the authorization filter refuses the rest anyway.
        var toolbox = new KernelToolbox(kernel, registry, f => f.PluginName != PluginName && authorizer.IsAllowed(call.Caller, f.Function));
        var useTools = toolbox.Tools.Count > 0 && Chat.Router.Providers.Any(p => p.Options.SupportsTools);
        var options = new ChatOptions { Tools = useTools ? [.. toolbox.Tools] : null };
        if (!string.IsNullOrWhiteSpace(provider))
        {
            options.AdditionalProperties = new() { [RoutingHints.Provider] = provider.Trim() };
        }

        var usage = new UsageTally();
        var toolCalls = new List<ToolCallSummary>();
        ChatResponse? response = null;
        var steps = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var last = steps == maxSteps;
            if (last)
            {
                // Out of steps: one more call, without tools, so the caller gets an answer from what was found.
                options.ToolMode = ChatToolMode.None;
                messages.Add(new ChatMessage(ChatRole.User, $"You have used all {maxSteps} steps. Answer now with what you have, and say what is missing."));
            }

            steps++;
            await call.ReportProgressAsync(steps, maxSteps + 1, steps == 1 ? "Asking the model" : $"Step {steps}: asking the model", cancellationToken).ConfigureAwait(false);
            response = await Chat.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            usage.Add(ProviderCall.From(response));
            messages.AddRange(response.Messages);
            var requested = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            if (requested.Count == 0 || last)
            {
                break;
            }

            var results = new List<AIContent>();
            foreach (var request in requested)
            {
                await call.ReportProgressAsync(steps, maxSteps + 1, $"Step {steps}: calling {request.Name}", cancellationToken).ConfigureAwait(false);
                var (result, failed) = await toolbox.InvokeAsync(request, cancellationToken).ConfigureAwait(false);
                toolCalls.Add(new ToolCallSummary(request.Name, failed));
                results.Add(result);
            }

            messages.Add(new ChatMessage(ChatRole.Tool, results));
        }

        var answer = response.Text;
        var now = time.GetUtcNow();
        await memory.AppendAsync(
            user,
            conversation,
            [new ConversationTurn(TurnRole.User, MemoryRules.FitTurn(message, settings), now), new ConversationTurn(TurnRole.Assistant, MemoryRules.FitTurn(answer, settings), now)],
            cancellationToken).ConfigureAwait(false);
        var final = ProviderCall.From(response);
        return new AskResult(answer, final?.Provider ?? "unknown", final?.Model ?? response.ModelId, steps, toolCalls, usage.Summary(), conversation);
    }

    [KernelFunction("synthesize"), Description("Asks several AI providers the same question in parallel and merges their answers into one, noting where they agree and disagree.")]
    [LuminaTool(Name = "synthesize", Title = "Synthesize", ReadOnly = true, OpenWorld = true)]
    public async Task<SynthesisResult> SynthesizeAsync(
        [Description("The question.")] string question,
        [Description("The providers to ask (names); omitted: every configured provider.")] string[]? providers = null,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(question))
        {
            throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, "The question is empty.");
        }

        var chosen = providers is { Length: > 0 }
            ? [.. providers.Distinct(StringComparer.OrdinalIgnoreCase).Select(name => Chat.Router.Providers.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"There is no provider named '{name}'. Configured: {string.Join(", ", Chat.Router.Providers.Select(p => p.Name))}."))]
            : Chat.Router.Providers.ToList();
        if (chosen.Count < 2)
        {
            throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"synthesize needs at least two providers to compare; {(providers is { Length: > 0 } ? "name two or more" : "configure two or more under Lumina:Providers")} (now: {string.Join(", ", chosen.Select(p => p.Name))}).");
        }

        var call = context.Current;
        await call.ReportProgressAsync(0, chosen.Count + 1, $"Asking {chosen.Count} providers", cancellationToken).ConfigureAwait(false);
        var usage = new UsageTally();
        var done = 0;
        var answers = await Task.WhenAll(chosen.Select(async provider =>
        {
            ProviderAnswer answer;
            try
            {
                var response = await Chat.GetResponseAsync(
                    [new ChatMessage(ChatRole.System, "Answer the question accurately and concisely."), new ChatMessage(ChatRole.User, question)],
                    new ChatOptions { AdditionalProperties = new() { [RoutingHints.Provider] = provider.Name, [RoutingHints.Only] = true } },
                    cancellationToken).ConfigureAwait(false);
                var routed = ProviderCall.From(response);
                usage.Add(routed);
                answer = new ProviderAnswer(provider.Name, routed?.Model ?? response.ModelId, response.Text, null);
            }
            catch (LuminaException ex)
            {
                answer = new ProviderAnswer(provider.Name, provider.Options.Model, null, ex.Message);
            }

            var count = Interlocked.Increment(ref done);
            await call.ReportProgressAsync(count, chosen.Count + 1, $"{provider.Name} {(answer.Error is null ? "answered" : "failed")}", cancellationToken).ConfigureAwait(false);
            return answer;
        })).ConfigureAwait(false);

        var answered = answers.Where(a => a.Answer is not null).ToList();
        if (answered.Count == 0)
        {
            throw new LuminaRefusalException(LuminaRefusalKind.Unavailable, $"No provider answered. {string.Join("; ", answers.Select(a => $"{a.Provider}: {a.Error}"))}");
        }

        if (answered.Count == 1)
        {
            return new SynthesisResult($"Only {answered[0].Provider} answered, so there is nothing to compare:\n\n{answered[0].Answer}", answers, usage.Summary());
        }

        var prompt = new StringBuilder().Append("Question: ").AppendLine(question).AppendLine();
        foreach (var answer in answered)
        {
            prompt.Append(CultureInfo.InvariantCulture, $"Answer from {answer.Provider} ({answer.Model}):").AppendLine().AppendLine(answer.Answer).AppendLine();
        }

        var merged = await Chat.GetResponseAsync(
            [
                new ChatMessage(ChatRole.System, "You merge several models' answers to one question. Write the single best answer. Then add a section 'Agreements' (what the answers share) and a section 'Disagreements' (where they differ, naming which provider said what). Do not invent facts none of them gave."),
                new ChatMessage(ChatRole.User, prompt.ToString()),
            ],
            cancellationToken: cancellationToken).ConfigureAwait(false);
        usage.Add(ProviderCall.From(merged));
        await call.ReportProgressAsync(chosen.Count + 1, chosen.Count + 1, "Merged", cancellationToken).ConfigureAwait(false);
        return new SynthesisResult(merged.Text, answers, usage.Summary());
    }

    private static string WithFacts(string instructions, IReadOnlyList<RecalledFact> facts) =>
        facts.Count == 0 ? instructions : $"{instructions}\nFacts remembered about the user (use them when relevant):\n{string.Join('\n', facts.Select(f => "- " + f.Fact.Text))}";

    /// <summary>Adds up the routed calls of one orchestration (thread-safe: synthesize asks in parallel).</summary>
    private sealed class UsageTally
    {
        private readonly Lock _lock = new();
        private long _input;
        private long _output;
        private bool _estimated;
        private decimal _cost;

        public void Add(ProviderCall? call)
        {
            if (call is null)
            {
                return;
            }

            lock (_lock)
            {
                _input += call.InputTokens;
                _output += call.OutputTokens;
                _estimated |= call.Estimated;
                _cost += call.Cost;
            }
        }

        public UsageSummary Summary()
        {
            lock (_lock)
            {
                return new(_input, _output, _estimated, _cost);
            }
        }
    }
}
