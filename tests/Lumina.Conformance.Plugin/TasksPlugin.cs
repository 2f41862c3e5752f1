using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Lumina.Abstractions;
using Microsoft.SemanticKernel;

namespace Lumina.Conformance.Plugin;

/// <summary>
/// The fixtures of the conformance suite's tasks scenarios (the <c>io.modelcontextprotocol/tasks</c> extension),
/// written against Lumina.Abstractions like any plugin: a tool says whether it runs as a task, and asks its client
/// through the call context whether it runs as a task or not.
/// </summary>
[LuminaPlugin("task_fixtures", Description = "Fixtures of the conformance suite's tasks scenarios.")]
public sealed class TasksPlugin(ILuminaCallContextAccessor context)
{
    [KernelFunction("greet"), Description("Greets someone, at once.")]
    [LuminaTool(Name = "greet", ReadOnly = true, Idempotent = true)]
    public static string Greet([Description("Who to greet.")] string name) => $"Hello, {name}!";

    [KernelFunction("slow_compute"), Description("Works for the given number of seconds, then answers.")]
    [LuminaTool(Name = "slow_compute", ReadOnly = true, Idempotent = true, TaskSupport = LuminaTaskSupport.Optional)]
    public async Task<string> SlowComputeAsync(
        [Description("How long to work, in seconds (0 answers at once).")] double seconds,
        [Description("A label echoed in the answer.")] string? label = null,
        CancellationToken cancellationToken = default)
    {
        var whole = Math.Clamp(seconds, 0, 3600);
        for (var done = 0.0; done < whole; done += 0.5)
        {
            await context.Current.ReportProgressAsync(done, whole, $"{done.ToString(CultureInfo.InvariantCulture)} of {whole.ToString(CultureInfo.InvariantCulture)} seconds", cancellationToken).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(0.5, whole - done)), cancellationToken).ConfigureAwait(false);
        }

        return $"Computed {label ?? "the answer"} in {whole.ToString(CultureInfo.InvariantCulture)} s.";
    }

    [KernelFunction("failing_job"), Description("Works for a second, then reports that the job failed.")]
    [LuminaTool(Name = "failing_job", ReadOnly = true, TaskSupport = LuminaTaskSupport.Required)]
    public static async Task<string> FailingJobAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        throw new LuminaException("The job failed: its input was rejected.");
    }

    [KernelFunction("protocol_error_job"), Description("Breaks unexpectedly: the call cannot run to a result.")]
    [LuminaTool(Name = "protocol_error_job", ReadOnly = true, TaskSupport = LuminaTaskSupport.Optional)]
    public static async Task<string> ProtocolErrorJobAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        throw new InvalidOperationException("The job's worker crashed.");
    }

    /// <remarks>
    /// The one question is the policy guard's: a destructive tool is confirmed with the user before it runs, in a task
    /// through the task's questions like any other.
    /// </remarks>
    [KernelFunction("confirm_delete"), Description("Deletes a file once the user confirms (deletes nothing: a fixture).")]
    [LuminaTool(Name = "confirm_delete", Destructive = true, TaskSupport = LuminaTaskSupport.Optional)]
    public static string ConfirmDelete([Description("The file to delete.")] string filename) => $"Deleted {filename}.";

    [KernelFunction("multi_input"), Description("Asks two questions at once, then answers with both answers.")]
    [LuminaTool(Name = "multi_input", ReadOnly = true, TaskSupport = LuminaTaskSupport.Optional)]
    public async Task<string> MultiInputAsync(CancellationToken cancellationToken)
    {
        var answers = await context.Current.RequestInputAsync(new Dictionary<string, LuminaInputRequest>
        {
            ["name"] = LuminaInputRequest.Elicit(new ElicitationRequest("What is your name?", new ElicitationSchema().Text("name", required: true).Build())),
            ["confirm"] = LuminaInputRequest.Elicit(new ElicitationRequest("Go ahead?", new ElicitationSchema().Boolean("confirm", required: true).Build())),
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return $"name={Text(answers.Elicitation("name"), "name")}, confirm={Flag(answers.Elicitation("confirm"), "confirm")}";
    }

    [KernelFunction("tool_with_task"), Description("Asks the user's name in the request, then greets them as a task.")]
    [LuminaTool(Name = "test_tool_with_task", ReadOnly = true, TaskSupport = LuminaTaskSupport.Required, TaskStartsInCall = true)]
    public async Task<string> ToolWithTaskAsync(CancellationToken cancellationToken)
    {
        var answers = await context.Current.RequestInputAsync(new Dictionary<string, LuminaInputRequest>
        {
            ["user_name"] = LuminaInputRequest.Elicit(new ElicitationRequest("What is your name?", new ElicitationSchema().Text("name", required: true).Build())),
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var name = Text(answers.Elicitation("user_name"), "name");
        await context.Current.ContinueAsTaskAsync(cancellationToken).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken).ConfigureAwait(false);
        return $"Hello, {name}! (answered as a task)";
    }

    private static string Text(ElicitationResult result, string field) =>
        result.Content is { } content && content.TryGetValue(field, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() ?? string.Empty
            : $"({result.Action})";

    private static bool Flag(ElicitationResult result, string field) =>
        result.Content is { } content && content.TryGetValue(field, out var value) && value.ValueKind == JsonValueKind.True;
}
