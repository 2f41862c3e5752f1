using Lumina.Core.Configuration;
using Microsoft.Extensions.Options;

namespace Lumina.Host;

/// <summary>What every host the <c>lumina</c> program builds shares: logging to stderr, the data directory, the exit code.</summary>
internal static class LuminaHosting
{
    /// <summary>A host builder with the server's configuration: appsettings.json beside the program, environment, <paramref name="args"/>.</summary>
    public static HostApplicationBuilder CreateBuilder(string[] args) =>
        Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

    /// <summary>
    /// 1 when the host stopped because a background service failed, else 0. The host stops the application when one
    /// fails (<see cref="BackgroundServiceExceptionBehavior.StopHost"/>) but its run returns as after a normal stop, so
    /// the failure is found here, said on stderr, and not reported as success.
    /// </summary>
    public static async Task<int> ExitCodeAsync(IServiceProvider services)
    {
        var failed = services.GetServices<IHostedService>().OfType<BackgroundService>().Where(s => s.ExecuteTask is { IsFaulted: true }).ToList();
        foreach (var service in failed)
        {
            var error = service.ExecuteTask!.Exception!.GetBaseException();
            await Console.Error.WriteLineAsync($"lumina: stopped because a background service failed: {service.GetType().Name}: {error.GetType().Name}: {error.Message}").ConfigureAwait(false);
        }

        return failed.Count == 0 ? 0 : 1;
    }

    /// <summary>Sends every log line to stderr, in every mode alike: stdout is the MCP channel in stdio mode.</summary>
    public static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    /// <summary>Creates the data directory the options name, so the stores can open their files in it.</summary>
    public static void PrepareDataDirectory(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<LuminaOptions>>().Value;
        Directory.CreateDirectory(options.DataDirectory);
    }
}
