using System.CommandLine;
using System.Globalization;
using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Lumina.Core.Workflows;
using Lumina.Workflows.Engine;
using Lumina.Workflows.Serving;

namespace Lumina.Host.Cli;

/// <summary>
/// <c>lumina workflows list | show | cancel | resume</c>: the workflow runs in the store the server uses, every
/// caller's. <c>resume</c> runs an interrupted run on to its end in this process. Exit codes: 0 done, 1 a usage error,
/// an unknown run or a run that did not complete, 2 a configuration or store error.
/// </summary>
internal static class WorkflowCommands
{
    public static Command Create(Func<string[]> configuration)
    {
        var workflows = new Command("workflows", "Workflow runs in the store: list them, show one, cancel one, resume an interrupted one.");
        workflows.Subcommands.Add(List(configuration));
        workflows.Subcommands.Add(Show(configuration));
        workflows.Subcommands.Add(Cancel(configuration));
        workflows.Subcommands.Add(Resume(configuration));
        return workflows;
    }

    private static Command List(Func<string[]> configuration)
    {
        var unfinished = new Option<bool>("--unfinished") { Description = "Only the runs still going on (or interrupted)." };
        var limit = new Option<int>("--limit") { Description = "How many runs, newest first (default 50).", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "The workflow runs, newest first: id, workflow, status, steps done, owner, when started and last changed.") { unfinished, limit };
        list.SetAction((result, cancellationToken) => RunAsync(result, configuration(), async (services, output, token) =>
        {
            var runs = await services.GetRequiredService<IWorkflowRunStore>().ListAsync(null, result.GetValue(unfinished), Math.Clamp(result.GetValue(limit), 1, 1000), token).ConfigureAwait(false);
            await output.WriteAsync(AdminCommands.Table(
                ["RUN", "WORKFLOW", "STATUS", "STEPS", "OWNER", "STARTED", "UPDATED", "RUNNER"],
                runs.Select(r => new[]
                {
                    r.Id, r.Workflow, r.Status.ToString().ToLowerInvariant(), string.Create(CultureInfo.InvariantCulture, $"{r.StepsDone}/{r.StepsTotal}"),
                    r.OwnerId, AdminCommands.Time(r.CreatedAt), AdminCommands.Time(r.LastUpdatedAt), r.IsTerminal ? "" : r.Runner ?? "",
                }))).ConfigureAwait(false);
            return 0;
        }, cancellationToken));
        return list;
    }

    private static Command Show(Func<string[]> configuration)
    {
        var run = new Argument<string>("run") { Description = "The run id (wr_…)." };
        var show = new Command("show", "One run as JSON: its status, inputs, finished steps, and outputs or error.") { run };
        show.SetAction((result, cancellationToken) => RunAsync(result, configuration(), async (services, output, token) =>
        {
            var id = result.GetRequiredValue(run);
            var store = services.GetRequiredService<IWorkflowRunStore>();
            var found = await store.GetAsync(id, token).ConfigureAwait(false)
                ?? throw new LuminaRefusalException(LuminaRefusalKind.NotFound, $"There is no workflow run '{id}'.");
            await output.WriteLineAsync(await WorkflowsPlugin.DescribeAsync(store, found, token).ConfigureAwait(false)).ConfigureAwait(false);
            return 0;
        }, cancellationToken));
        return show;
    }

    private static Command Cancel(Func<string[]> configuration)
    {
        var run = new Argument<string>("run") { Description = "The run id (wr_…)." };
        var cancel = new Command("cancel", "Cancel a run: the host running it stops it at its next heartbeat; a run no host runs is cancelled at once.") { run };
        cancel.SetAction((result, cancellationToken) => RunAsync(result, configuration(), async (services, output, token) =>
        {
            var id = result.GetRequiredValue(run);
            var after = await services.GetRequiredService<WorkflowEngine>().CancelAsync(id, token).ConfigureAwait(false)
                ?? throw new LuminaRefusalException(LuminaRefusalKind.NotFound, $"There is no workflow run '{id}'.");
            await output.WriteLineAsync(after.IsTerminal
                ? $"Run {id} is {after.Status.ToString().ToLowerInvariant()}."
                : $"Asked the host running {id} ({after.Runner}) to cancel it.").ConfigureAwait(false);
            return 0;
        }, cancellationToken));
        return cancel;
    }

    private static Command Resume(Func<string[]> configuration)
    {
        var run = new Argument<string>("run") { Description = "The run id (wr_…)." };
        var force = new Option<bool>("--force") { Description = "Take the run over even though its host still says it runs it." };
        var resume = new Command("resume", "Run an interrupted run on from its last checkpoint, in this process, to its end (finished steps are not run again).") { run, force };
        resume.SetAction((result, cancellationToken) => RunAsync(result, configuration(), async (services, output, token) =>
        {
            var id = result.GetRequiredValue(run);
            foreach (var source in services.GetServices<ILuminaPluginSource>())
            {
                await source.EnsureStartedAsync(token).ConfigureAwait(false);
            }

            var engine = services.GetRequiredService<WorkflowEngine>();
            var handle = await engine.ResumeAsync(id, result.GetValue(force), cancellationToken: token).ConfigureAwait(false);
            if (handle is null)
            {
                var stored = await services.GetRequiredService<IWorkflowRunStore>().GetAsync(id, token).ConfigureAwait(false);
                throw new LuminaRefusalException(LuminaRefusalKind.NotFound, stored switch
                {
                    null => $"There is no workflow run '{id}'.",
                    { IsTerminal: true } => $"Run {id} has ended ({stored.Status.ToString().ToLowerInvariant()}).",
                    _ => $"Run {id} is run by {stored.Runner}, which still says so; use --force to take it over.",
                });
            }

            await output.WriteLineAsync($"Resuming {id} ({handle.Run.Workflow}) from step {handle.Run.StepsDone} of {handle.Run.StepsTotal}.").ConfigureAwait(false);
            var done = await handle.Completion.WaitAsync(token).ConfigureAwait(false);
            await output.WriteLineAsync(done.Status == WorkflowRunStatus.Completed
                ? $"Run {id} completed: {done.Result}"
                : $"Run {id} {done.Status.ToString().ToLowerInvariant()}: {done.Error}").ConfigureAwait(false);
            return done.Status == WorkflowRunStatus.Completed ? 0 : 1;
        }, cancellationToken));
        return resume;
    }

    // Exit 1 for a refusal (no such run, a run still owned), 2 for a store that fails.
    private static Task<int> RunAsync(ParseResult result, string[] configuration, Func<IServiceProvider, TextWriter, CancellationToken, Task<int>> command, CancellationToken cancellationToken) =>
        AdminCommands.RunOnServerAsync(result, configuration, command, ex => ex is LuminaRefusalException ? 1 : 2, cancellationToken);
}
