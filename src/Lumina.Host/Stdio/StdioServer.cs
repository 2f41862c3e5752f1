using System.Runtime.CompilerServices;
using Lumina.Abstractions;

namespace Lumina.Host.Stdio;

/// <summary><c>lumina</c> without a command: the MCP server over stdio for the client that started it.</summary>
internal static class StdioServer
{
    /// <summary>Builds, starts and runs the server until stdin closes or it is stopped; the exit code says whether it stopped cleanly.</summary>
    /// <param name="args">The host builder's arguments: configuration overrides.</param>
    // Never inlined, as HttpServer.RunAsync is not: what one mode's code names must not be loaded by the other's.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> RunAsync(string[] args)
    {
        using var host = Build(args);
        await host.StartAsync().ConfigureAwait(false);
        await host.WaitForShutdownAsync().ConfigureAwait(false);
        return await LuminaHosting.ExitCodeAsync(host.Services).ConfigureAwait(false);
    }

    /// <summary>The stdio server: stdout carries only MCP frames, every log goes to stderr.</summary>
    public static IHost Build(string[] args)
    {
        var builder = LuminaHosting.CreateBuilder(args);
        LuminaHosting.ConfigureLogging(builder.Logging);
        builder.Services.AddLuminaServer(builder.Configuration);
        builder.Services.AddLuminaOpenTelemetry(builder.Configuration, http: false);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddMcpServer()
            .WithLuminaStdioTransport(builder.Configuration.GetValue("Lumina:Stdio:MaxMessageBytes", 4L * 1024 * 1024))
            .WithLumina(o => o.Transport = LuminaTransport.Stdio);
        var host = builder.Build();
        LuminaHosting.PrepareDataDirectory(host.Services);
        return host;
    }
}
