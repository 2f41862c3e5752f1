using System.Diagnostics;
using System.Text;
using Lumina.Core.Telemetry;
using Microsoft.Extensions.AI;

namespace Lumina.Providers;

// What a routed call took, attached to its answer; the usage and budget decorators above the router count it.
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

    /// <summary>The last update of a stream, finished or not: what the provider sent is what it will bill.</summary>
    private static ChatResponseUpdate Charge(Activity? activity, RoutedProvider provider, RouteRequest request, List<ChatResponseUpdate> received, int attempts)
    {
        var usage = received.SelectMany(u => u.Contents).OfType<UsageContent>().LastOrDefault()?.Details;
        var text = new StringBuilder();
        foreach (var update in received)
        {
            text.Append(update.Text);
        }

        var model = received.Select(u => u.ModelId).LastOrDefault(m => m is not null);
        var call = Account(provider, usage, request, [new ChatMessage(ChatRole.Assistant, text.ToString())], model, attempts);
        Record(activity, call);
        return new ChatResponseUpdate
        {
            AdditionalProperties = new() { [RoutingHints.Provider] = provider.Name, [ProviderCall.PropertyName] = call },
        };
    }

    /// <summary>The estimated cost of a request's input at the prices of the provider that would take it first.</summary>
    /// <exception cref="ProviderUnavailableException">No configured provider can take the request.</exception>
    internal decimal EstimateCost(IList<ChatMessage> history, ChatOptions? options)
    {
        var request = Analyze(history, options);
        return UsageMeter.Cost(Candidates(request)[0].Options, request.InputTokens, 0);
    }

    private Activity? StartChat(bool streaming)
    {
        var activity = LuminaTelemetry.Source.StartActivity("lumina.chat");
        activity?.SetTag("gen_ai.operation.name", "chat");
        activity?.SetTag("lumina.routing.strategy", _strategy.Name);
        activity?.SetTag("lumina.streaming", streaming);
        return activity;
    }

    private static void Record(Activity? activity, ProviderCall call)
    {
        activity?.SetTag("lumina.provider", call.Provider);
        activity?.SetTag("gen_ai.response.model", call.Model);
        activity?.SetTag("gen_ai.usage.input_tokens", call.InputTokens);
        activity?.SetTag("gen_ai.usage.output_tokens", call.OutputTokens);
        activity?.SetTag("lumina.cost", (double)call.Cost);
        activity?.SetTag("lumina.attempts", call.Attempts);
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
