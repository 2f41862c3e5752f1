using System.Collections.Concurrent;
using Lumina.Providers.Budgets;
using Microsoft.Extensions.AI;

namespace Lumina.Providers;

/// <summary>
/// Counts tokens and cost per provider and per caller since this host started. Budgets, which must hold across hosts
/// and restarts, live in the <see cref="BudgetGuard"/>'s store; these totals are for looking at.
/// </summary>
public sealed class UsageMeter
{
    private readonly ConcurrentDictionary<string, Totals> _providers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Totals> _callers = new(StringComparer.Ordinal);

    /// <summary>Adds a call to its provider's and its caller's totals.</summary>
    public void Record(string callerId, ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        _providers.GetOrAdd(call.Provider, _ => new Totals()).Add(call);
        _callers.GetOrAdd(callerId, _ => new Totals()).Add(call);
    }

    /// <summary>A provider's totals.</summary>
    public UsageTotals ForProvider(string provider) => _providers.TryGetValue(provider, out var totals) ? totals.Read() : new(0, 0, 0, 0m);

    /// <summary>A caller's totals.</summary>
    public UsageTotals ForCaller(string callerId) => _callers.TryGetValue(callerId, out var totals) ? totals.Read() : new(0, 0, 0, 0m);

    /// <summary>Every caller's totals.</summary>
    public IReadOnlyDictionary<string, UsageTotals> Callers() => _callers.ToDictionary(p => p.Key, p => p.Value.Read(), StringComparer.Ordinal);

    /// <summary>The cost of a number of tokens at a provider's prices (per million).</summary>
    public static decimal Cost(ProviderOptions options, long inputTokens, long outputTokens) =>
        (inputTokens * options.InputPricePerMillion + outputTokens * options.OutputPricePerMillion) / 1_000_000m;

    /// <summary>
    /// A rough token count for text (about four characters a token in English, never less than one per word), used
    /// when a provider reports no usage and to pick providers by cost and context window before a call.
    /// </summary>
    public static long EstimateTokens(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        var words = 1;
        foreach (var c in text)
        {
            if (c == ' ' || c == '\n')
            {
                words++;
            }
        }

        return Math.Max((text.Length + 3) / 4, words);
    }

    /// <summary>The estimated input tokens of a conversation: its text, tool calls and results, and a few tokens per message.</summary>
    public static long EstimateTokens(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        long total = 0;
        foreach (var message in messages)
        {
            total += 4;
            foreach (var content in message.Contents)
            {
                total += content switch
                {
                    TextContent text => EstimateTokens(text.Text),
                    FunctionCallContent call => EstimateTokens(call.Name) + EstimateTokens(call.Arguments is null ? null : System.Text.Json.JsonSerializer.Serialize(call.Arguments)),
                    FunctionResultContent result => EstimateTokens(result.Result?.ToString()),
                    DataContent => 1_000,
                    _ => 0,
                };
            }
        }

        foreach (var tool in options?.Tools ?? [])
        {
            total += EstimateTokens(tool.Name) + EstimateTokens(tool.Description) + (tool is AIFunctionDeclaration function ? EstimateTokens(function.JsonSchema.GetRawText()) : 0);
        }

        return total;
    }

    private sealed class Totals
    {
        private long _calls;
        private long _input;
        private long _output;
        private long _costMicros;

        public void Add(ProviderCall call)
        {
            Interlocked.Increment(ref _calls);
            Interlocked.Add(ref _input, call.InputTokens);
            Interlocked.Add(ref _output, call.OutputTokens);
            Interlocked.Add(ref _costMicros, BudgetGuard.ToMicros(call.Cost));
        }

        public UsageTotals Read() => new(Volatile.Read(ref _calls), Volatile.Read(ref _input), Volatile.Read(ref _output), BudgetGuard.FromMicros(Volatile.Read(ref _costMicros)));
    }
}
