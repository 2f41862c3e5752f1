using System.Runtime.CompilerServices;
using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Core.Configuration;
using Lumina.Host.Api;
using Lumina.Host.Auth;
using Lumina.Mcp;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore;

namespace Lumina.Host;

/// <summary>The <c>lumina</c> command: parses the command line and runs the stdio or HTTP server.</summary>
internal static partial class LuminaProgram
{
    /// <summary>The address served when neither <c>--urls</c> nor <c>urls</c> configuration says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5100";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = CommandLine.Parse(args);
        switch (options.Command)
        {
            case CommandLine.Kind.Help:
                await Console.Out.WriteAsync(CommandLine.Help).ConfigureAwait(false);
                return 0;
            case CommandLine.Kind.Version:
                await Console.Out.WriteLineAsync($"lumina {LuminaVersion.Value}").ConfigureAwait(false);
                return 0;
            case CommandLine.Kind.Admin:
                return await AdminCommands.RunAsync(options.Rest, Console.In, Console.Out, Console.Error).ConfigureAwait(false);
            case CommandLine.Kind.Error:
                await Console.Error.WriteLineAsync($"lumina: {options.Error}\nRun 'lumina --help' for usage.").ConfigureAwait(false);
                return 2;
        }

        try
        {
            if (options.Command == CommandLine.Kind.Audit)
            {
                return await AuditCommand.RunAsync(options.Rest).ConfigureAwait(false);
            }

            return await (options.Command == CommandLine.Kind.Http ? RunHttpAsync(options.Rest) : RunStdioAsync(options.Rest)).ConfigureAwait(false);
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync($"lumina: configuration error: {failure}").ConfigureAwait(false);
            }

            return 2;
        }
        catch (LuminaStartupException ex)
        {
            await Console.Error.WriteLineAsync($"lumina: cannot start: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && ex.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync($"lumina: cannot listen: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    // Each mode runs in a method of its own, never inlined: a local of ASP.NET Core's types in RunAsync's state machine
    // made every stdio start load ASP.NET Core's assemblies.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<int> RunHttpAsync(string[] args)
    {
        await using var app = BuildHttp(args);
        // Started and awaited rather than run: a run disposes the services, and the exit code is read from them.
        await app.StartAsync().ConfigureAwait(false);
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return await ExitCodeAsync(app.Services).ConfigureAwait(false);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<int> RunStdioAsync(string[] args)
    {
        using var host = BuildStdio(args);
        await host.StartAsync().ConfigureAwait(false);
        await host.WaitForShutdownAsync().ConfigureAwait(false);
        return await ExitCodeAsync(host.Services).ConfigureAwait(false);
    }

    /// <summary>
    /// 1 when the host stopped because a background service failed, else 0. The host stops the application when one
    /// fails (<see cref="BackgroundServiceExceptionBehavior.StopHost"/>) but its run returns as after a normal stop, so
    /// the failure is found here, said on stderr, and not reported as success.
    /// </summary>
    internal static async Task<int> ExitCodeAsync(IServiceProvider services)
    {
        var failed = services.GetServices<IHostedService>().OfType<BackgroundService>().Where(s => s.ExecuteTask is { IsFaulted: true }).ToList();
        foreach (var service in failed)
        {
            var error = service.ExecuteTask!.Exception!.GetBaseException();
            await Console.Error.WriteLineAsync($"lumina: stopped because a background service failed: {service.GetType().Name}: {error.GetType().Name}: {error.Message}").ConfigureAwait(false);
        }

        return failed.Count == 0 ? 0 : 1;
    }

    /// <summary>The stdio server: stdout carries only MCP frames, every log goes to stderr.</summary>
    public static IHost BuildStdio(string[] args)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        ConfigureLogging(builder.Logging);
        builder.Services.AddLuminaServer(builder.Configuration);
        builder.Services.AddLuminaOpenTelemetry(builder.Configuration, http: false);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddMcpServer()
            .WithLuminaStdioTransport(builder.Configuration.GetValue("Lumina:Stdio:MaxMessageBytes", 4L * 1024 * 1024))
            .WithLumina(o => o.Transport = LuminaTransport.Stdio);
        var host = builder.Build();
        PrepareDataDirectory(host.Services);
        return host;
    }

    /// <summary>The streamable HTTP server at <c>/mcp</c>.</summary>
    public static WebApplication BuildHttp(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        ConfigureLogging(builder.Logging);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddOptions<HttpHostOptions>().Bind(builder.Configuration.GetSection(HttpHostOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<HttpHostOptions>, HttpHostOptionsValidator>();
        var http = builder.Configuration.GetSection(HttpHostOptions.SectionName).Get<HttpHostOptions>() ?? new HttpHostOptions();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = http.MaxRequestBodyBytes;
            k.AddServerHeader = false;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddLuminaServer(builder.Configuration);
        builder.Services.AddLuminaOpenTelemetry(builder.Configuration, http: true);
        // MCP9006: sessions and resumable streams are the SDK's back-compat path for 2025-11-25 clients, which are
        // every IDE today; Lumina serves them beside stateless 2026-07-28 clients. Idle sessions expire (clients often
        // never DELETE theirs).
#pragma warning disable MCP9006
        builder.Services.AddMcpServer()
            .WithHttpTransport(o =>
            {
                // Sessions for clients that start with initialize (sampling, elicitation and client logging need one);
                // 2026-07-28 clients are served statelessly on the same endpoint.
                o.SessionMode = HttpServerSessionMode.StatefulForInitializeClients;
                o.IdleTimeout = http.SessionIdleTimeout;
                o.MaxIdleSessionCount = http.MaxIdleSessions;
#pragma warning disable MCPEXP002 // The session handler is how a subscription reaches its session after the subscribing request ended.
                o.RunSessionHandler = RunSessionAsync;
#pragma warning restore MCPEXP002
            })
            // Resumable streams: every SSE event gets an id, so a client that lost its stream (or was asked to poll
            // during a long call) reconnects with Last-Event-ID and misses nothing.
            // Kept for EventRetention and within MaxEventStoreBytes: unbounded (the SDK's store's default, 30 minutes) it
            // held every reply and grew ~86 MiB a minute under steady load (bench/results/soak-20261123-1152.md).
            .WithMemoryEventStreamStore(http.MaxEventStoreBytes, http.EventRetention, http.ResumeWait)
            .WithLumina(o => o.Transport = LuminaTransport.Http);
#pragma warning restore MCP9006
        builder.Services.AddLuminaHttpAuth(builder.Configuration);
        builder.Services.AddSingleton<StoreReadiness>();

        var app = builder.Build();
        PrepareDataDirectory(app.Services);
        // Made now, so a missing signing key is reported at start rather than on the first request.
        var authority = app.Services.GetRequiredService<TokenAuthority>();
        app.Lifetime.ApplicationStarted.Register(() => LogAuth(app.Logger, authority));
        // Host/Origin first: a rebinding page is refused before anything looks at its credentials.
        app.UseMiddleware<HostValidationMiddleware>();
        app.UseMiddleware<UnreadableMessageMiddleware>(new PathString("/mcp"));
        app.UseMiddleware<ProtocolVersionMiddleware>(new PathString("/mcp"));
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<SessionQuota.Middleware>(new PathString("/mcp"));
        app.MapLuminaHttpAuth();
        app.MapMcp("/mcp").RequireAuthorization(HttpAuthentication.Policy);
        app.MapLuminaHttpApi();
        app.MapGet("/healthz", () => Results.Text("ok")).AllowAnonymous();
        return app;
    }

    private static void LogAuth(ILogger logger, TokenAuthority authority)
    {
        if (authority.IsExternal)
        {
            LogExternalAuth(logger, authority.Issuer, authority.Audience);
        }
        else
        {
            LogOwnAuth(logger, authority.Issuer, authority.Resource);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP auth: tokens from POST /token, issuer {Issuer}, audience (resource) {Resource}.")]
    private static partial void LogOwnAuth(ILogger logger, string issuer, string resource);

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP auth: tokens of the OpenID Connect authority {Authority}, audience {Audience}.")]
    private static partial void LogExternalAuth(ILogger logger, string authority, string audience);

    private static Task RunSessionAsync(HttpContext context, ModelContextProtocol.Server.McpServer server, CancellationToken cancellationToken) =>
        context.RequestServices.GetRequiredService<SessionQuota>().RunAsync(context, server, cancellationToken);

    internal static void ConfigureLogging(ILoggingBuilder logging)
    {
        // stdout is the MCP channel in stdio mode: every log line goes to stderr, in both modes alike.
        logging.ClearProviders();
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    private static void PrepareDataDirectory(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<LuminaOptions>>().Value;
        Directory.CreateDirectory(options.DataDirectory);
    }
}
