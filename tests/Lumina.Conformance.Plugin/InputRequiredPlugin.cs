using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Lumina.Conformance.Plugin;

/// <summary>
/// The fixtures of the conformance suite's input-required scenarios (MCP 2026-07-28, SEP-2322), written against
/// <see cref="ILuminaCallContext.RequestInputAsync"/> like any plugin: the same code asks a 2025-11-25 session with
/// server-to-client requests and a stateless 2026-07-28 request with input-required results.
/// </summary>
[LuminaPlugin("input_required", Description = "Fixtures of the conformance suite's multi-round-trip input scenarios.")]
public sealed class InputRequiredPlugin(ILuminaCallContextAccessor context)
{
    [KernelFunction("elicitation"), Description("Asks the user's name, then greets them.")]
    [LuminaTool(Name = "test_input_required_result_elicitation", ReadOnly = true)]
    public async Task<string> ElicitationAsync(CancellationToken cancellationToken)
    {
        var answers = await context.Current.RequestInputAsync(
            new Dictionary<string, LuminaInputRequest> { ["user_name"] = Ask("What is your name?", "name") }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return $"Hello, {Field(answers.Elicitation("user_name"), "name")}!";
    }

    [KernelFunction("sampling"), Description("Asks the client's model a question and returns its answer.")]
    [LuminaTool(Name = "test_input_required_result_sampling", ReadOnly = true, OpenWorld = true)]
    public async Task<string> SamplingAsync(CancellationToken cancellationToken)
    {
        var answers = await context.Current.RequestInputAsync(
            new Dictionary<string, LuminaInputRequest> { ["capital_question"] = Sample("What is the capital of France?", 100) }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return $"The model answered: {answers.Sampling("capital_question").Text}";
    }

    [KernelFunction("list_roots"), Description("Asks for the client's roots and lists them.")]
    [LuminaTool(Name = "test_input_required_result_list_roots", ReadOnly = true)]
    public async Task<string> ListRootsAsync(CancellationToken cancellationToken)
    {
        var answers = await context.Current.RequestInputAsync(
            new Dictionary<string, LuminaInputRequest> { ["client_roots"] = LuminaInputRequest.ListRoots() }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var roots = answers.Roots("client_roots");
        return $"The client has {roots.Count} root(s): {string.Join(", ", roots.Select(r => r.Uri))}";
    }

    [KernelFunction("request_state"), Description("Asks for a confirmation, carrying its own state through the round trip.")]
    [LuminaTool(Name = "test_input_required_result_request_state", ReadOnly = true)]
    public async Task<string> RequestStateAsync(CancellationToken cancellationToken)
    {
        var answers = await context.Current.RequestInputAsync(
            new Dictionary<string, LuminaInputRequest> { ["confirm"] = Confirm("Please confirm") },
            new JsonObject { ["step"] = "confirm" },
            cancellationToken).ConfigureAwait(false);
        var state = answers.State?["step"]?.GetValue<string>() == "confirm" ? "state-ok" : "state-missing";
        return $"{state}: confirmed={Field(answers.Elicitation("confirm"), "ok")}";
    }

    [KernelFunction("multiple_inputs"), Description("Asks for a name, a greeting from the client's model and the roots at once.")]
    [LuminaTool(Name = "test_input_required_result_multiple_inputs", ReadOnly = true, OpenWorld = true)]
    public async Task<string> MultipleInputsAsync(CancellationToken cancellationToken)
    {
        var answers = await context.Current.RequestInputAsync(
            new Dictionary<string, LuminaInputRequest>
            {
                ["user_name"] = Ask("What is your name?", "name"),
                ["greeting"] = Sample("Generate a greeting", 50),
                ["client_roots"] = LuminaInputRequest.ListRoots(),
            },
            new JsonObject { ["round"] = "all-at-once" },
            cancellationToken).ConfigureAwait(false);
        return $"{answers.Sampling("greeting").Text}, {Field(answers.Elicitation("user_name"), "name")} ({answers.Roots("client_roots").Count} root(s))";
    }

    [KernelFunction("multi_round"), Description("Asks two questions, one after the other.")]
    [LuminaTool(Name = "test_input_required_result_multi_round", ReadOnly = true)]
    public async Task<string> MultiRoundAsync(CancellationToken cancellationToken)
    {
        var first = await context.Current.RequestInputAsync(
            new Dictionary<string, LuminaInputRequest> { ["step1"] = Ask("Step 1: What is your name?", "name") }, new JsonObject { ["step"] = 1 }, cancellationToken).ConfigureAwait(false);
        var second = await context.Current.RequestInputAsync(
            new Dictionary<string, LuminaInputRequest> { ["step2"] = Ask("Step 2: What is your favorite color?", "color") }, new JsonObject { ["step"] = 2 }, cancellationToken).ConfigureAwait(false);
        return $"{Field(first.Elicitation("step1"), "name")} likes {Field(second.Elicitation("step2"), "color")}.";
    }

    [KernelFunction("tampered_state"), Description("Asks for a confirmation; its request state is signed, so a changed one is refused.")]
    [LuminaTool(Name = "test_input_required_result_tampered_state", ReadOnly = true)]
    public async Task<string> TamperedStateAsync(CancellationToken cancellationToken)
    {
        var answers = await context.Current.RequestInputAsync(
            new Dictionary<string, LuminaInputRequest> { ["confirm"] = Confirm("Please confirm") }, new JsonObject { ["step"] = "confirm" }, cancellationToken).ConfigureAwait(false);
        return $"confirmed={Field(answers.Elicitation("confirm"), "ok")}";
    }

    [KernelFunction("capabilities"), Description("Asks only for what the client said it can answer.")]
    [LuminaTool(Name = "test_input_required_result_capabilities", ReadOnly = true, OpenWorld = true)]
    public async Task<string> CapabilitiesAsync(CancellationToken cancellationToken)
    {
        var client = context.Current.Client;
        var requests = new Dictionary<string, LuminaInputRequest>();
        if (client.CanElicit)
        {
            requests["user_name"] = Ask("What is your name?", "name");
        }

        if (client.CanSample)
        {
            requests["greeting"] = Sample("Generate a greeting", 50);
        }

        if (client.CanListRoots)
        {
            requests["client_roots"] = LuminaInputRequest.ListRoots();
        }

        if (requests.Count == 0)
        {
            return "The client can answer nothing, so nothing was asked.";
        }

        var answers = await context.Current.RequestInputAsync(requests, cancellationToken: cancellationToken).ConfigureAwait(false);
        return $"Answered: {string.Join(", ", answers.Responses.Keys.Order(StringComparer.Ordinal))}";
    }

    [KernelFunction("prompt"), Description("A prompt that asks the user what context to use.")]
    [LuminaPrompt(Name = "test_input_required_result_prompt")]
    public async Task<string> PromptAsync(CancellationToken cancellationToken)
    {
        var answers = await context.Current.RequestInputAsync(
            new Dictionary<string, LuminaInputRequest> { ["user_context"] = Ask("What context should the prompt use?", "context") }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return $"Answer with this context in mind: {Field(answers.Elicitation("user_context"), "context")}";
    }

    private static LuminaInputRequest Ask(string message, string field) =>
        LuminaInputRequest.Elicit(new ElicitationRequest(message, new ElicitationSchema().Text(field, required: true).Build()));

    private static LuminaInputRequest Confirm(string message) =>
        LuminaInputRequest.Elicit(new ElicitationRequest(message, new ElicitationSchema().Boolean("ok", required: true).Build()));

    private static LuminaInputRequest Sample(string prompt, int maxTokens) =>
        LuminaInputRequest.Sample([new ChatMessage(ChatRole.User, prompt)], new ChatOptions { MaxOutputTokens = maxTokens });

    private static string Field(ElicitationResult result, string name) =>
        result.Content is { } content && content.TryGetValue(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : value.GetRawText()
            : $"({result.Action})";
}
