using System.Diagnostics;
using System.Text;
using Lumina.Abstractions;
using Lumina.Providers.Budgets;
using Lumina.Core.Telemetry;
using Microsoft.Extensions.AI;

namespace Lumina.Providers;

// Usage, cost, budgets and telemetry of routed calls.
public sealed partial class ProviderRouter
{
    private static ProviderCall Account(RoutedProvider provider, UsageDetails? usage, RouteRequest request, IEnumerable<ChatMessage> answer, string? model, int attempts)
    {
        var input = usage?.InputTokenCount;
        var output = usage?.OutputTokenCount;
        var estimated = input is null || output is null;
        input ??= request.InputTokens;
        output ??= UsageMeter.EstimateTokens([.. answer]) - answer.Count() * 4;
        output = Math.Max(0, output.Value);
        return new(provider.Name, model ?? provider.Options.Model, input.Value, output.Value, estimated, UsageMeter.Cost(provider.Options, input.Value, output.Value), attempts);
    }

    /// <summary>Accounts for a stream, finished or not: what the provider sent is what it will bill.</summary>
    private decimal Charge(Activity? activity, string caller, RoutedProvider provider, RouteRequest request, List<ChatResponseUpdate> received, int attempts)
    {
        var usage = received.SelectMany(u => u.Contents).OfType<UsageContent>().LastOrDefault()?.Details;
        var text = new StringBuilder();
        foreach (var update in received)
        {
            text.Append(update.Text);
        }

        var model = received.Select(u => u.ModelId).LastOrDefault(m => m is not null);
        var call = Account(provider, usage, request, [new ChatMessage(ChatRole.Assistant, text.ToString())], model, attempts);
        Record(activity, caller, call);
        return call.Cost;
    }

    private async Task<BudgetReservation> ReserveAsync(string caller, RoutedProvider first, RouteRequest request, CancellationToken cancellationToken) =>
        _budgets is null
            ? BudgetReservation.None
            : await _budgets.ReserveAsync(caller, UsageMeter.Cost(first.Options, request.InputTokens, 0), cancellationToken).ConfigureAwait(false);

    private async Task SettleAsync(BudgetReservation reservation, decimal cost)
    {
        if (_budgets is null || reservation.Keys.Count == 0)
        {
            return;
        }

        try
        {
            // Settled even when the caller has gone: the money was spent either way.
            await _budgets.SettleAsync(reservation, cost, CancellationToken.None).ConfigureAwait(false);
        }
        catch (LuminaException ex)
        {
            LogSettleFailed(ex.Message);
        }
    }

    private Activity? StartChat(bool streaming)
    {
        var activity = LuminaTelemetry.Source.StartActivity("lumina.chat");
        activity?.SetTag("gen_ai.operation.name", "chat");
        activity?.SetTag("lumina.routing.strategy", _strategy.Name);
        activity?.SetTag("lumina.streaming", streaming);
        return activity;
    }

    private void Record(Activity? activity, string caller, ProviderCall call)
    {
        _usage.Record(caller, call);
        activity?.SetTag("lumina.provider", call.Provider);
        activity?.SetTag("gen_ai.response.model", call.Model);
        activity?.SetTag("gen_ai.usage.input_tokens", call.InputTokens);
        activity?.SetTag("gen_ai.usage.output_tokens", call.OutputTokens);
        activity?.SetTag("lumina.cost", (double)call.Cost);
        activity?.SetTag("lumina.attempts", call.Attempts);
        if (_telemetry is { } telemetry)
        {
            var provider = new KeyValuePair<string, object?>("lumina.provider", call.Provider);
            telemetry.Tokens.Add(call.InputTokens, provider, new("gen_ai.token.type", "input"));
            telemetry.Tokens.Add(call.OutputTokens, provider, new("gen_ai.token.type", "output"));
            telemetry.Cost.Add((double)call.Cost, provider);
        }
    }

    private void RecordAttempt(RoutedProvider provider, string outcome, TimeSpan elapsed)
    {
        if (_telemetry is { } telemetry)
        {
            telemetry.ProviderCalls.Add(1, new("lumina.provider", provider.Name), new("lumina.outcome", outcome));
            telemetry.ProviderDuration.Record(elapsed.TotalSeconds, new("lumina.provider", provider.Name), new("lumina.outcome", outcome));
        }
    }
}
