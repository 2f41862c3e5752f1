using Lumina.Abstractions;
using Lumina.Workflows.Engine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lumina.Workflows.Serving;

/// <summary>
/// Takes over interrupted runs — those whose host stopped saying it runs them, this host before a restart included —
/// at start and then every <see cref="WorkflowOptions.StaleAfter"/>, and runs them on from their last checkpoint.
/// </summary>
internal sealed partial class WorkflowResumer(WorkflowEngine engine, TimeProvider time, ILogger<WorkflowResumer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!engine.Options.AutoResume)
        {
            return;
        }

        using var timer = new PeriodicTimer(engine.Options.StaleAfter, time);
        do
        {
            try
            {
                foreach (var run in await engine.FindInterruptedAsync(stoppingToken).ConfigureAwait(false))
                {
                    if (await engine.ResumeAsync(run.Id, cancellationToken: stoppingToken).ConfigureAwait(false) is { } handle)
                    {
                        LogTakenOver(run.Id, run.Workflow, run.Runner ?? "no host");
                        _ = handle.Completion;
                    }
                }
            }
            catch (LuminaException ex)
            {
                LogStoreUnavailable(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Took over workflow run {RunId} of {Workflow} from {Runner}, which stopped running it.")]
    private partial void LogTakenOver(string runId, string workflow, string runner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interrupted workflow runs could not be looked for: the store is unavailable.")]
    private partial void LogStoreUnavailable(Exception exception);
}
