using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lumina.Plugins.Exec;

/// <summary>Says at start why <c>exec_run</c> is not served, or — loudly — that it runs without a sandbox.</summary>
internal sealed partial class ExecStartupReport(ExecSandbox sandbox, ILogger<ExecStartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!sandbox.Available)
        {
            NotServed(logger, sandbox.Reason ?? "unknown");
        }
        else if (sandbox.Unsandboxed)
        {
            Unsandboxed(logger, sandbox.Reason ?? string.Empty);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "exec_run is not served: {Reason}")]
    private static partial void NotServed(ILogger logger, string reason);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Critical, Message = "UNSANDBOXED: {Reason}")]
    private static partial void Unsandboxed(ILogger logger, string reason);
}
