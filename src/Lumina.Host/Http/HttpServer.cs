using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Lumina.Abstractions;
using Lumina.Core.Telemetry;
using Lumina.Host.Api;
using Lumina.Host.Auth;
using Lumina.Host.WebConsole;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore;

namespace Lumina.Host.Http;

/// <summary><c>lumina --http</c>: the streamable HTTP server at <c>/mcp</c>, with the HTTP API and the token endpoints.</summary>
internal static partial class HttpServer
{
    /// <summary>The address served when neither <c>--urls</c> nor <c>urls</c> configuration says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5100";

    /// <summary>Builds, starts and runs the server until it is stopped; the exit code says whether it stopped cleanly.</summary>
    /// <param name="args">The host builder's arguments: configuration overrides and <c>--urls</c>.</param>
    // Never inlined into the command line's code: a local of ASP.NET Core's types in a caller's state machine made every
    // stdio start load ASP.NET Core's assemblies.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> RunAsync(string[] args)
    {
        await using var app = Build(args);
        // Started and awaited rather than run: a run disposes the services, and the exit code is read from them.
        await app.StartAsync().ConfigureAwait(false);
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return await LuminaHosting.ExitCodeAsync(app.Services).ConfigureAwait(false);
    }

    /// <summary>The streamable HTTP server at <c>/mcp</c>.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        LuminaHosting.ConfigureLogging(builder.Logging);
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
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<Lumina.Mcp.ILuminaEndpointToolSet, ToolSetEndpoints.Current>();
        // The console's numbers: this host's own meter, read in process (with or without an OpenTelemetry exporter).
        builder.Services.AddSingleton(sp => new LuminaMetricsWindow(sp.GetService<IMeterFactory>(), sp.GetService<TimeProvider>()));

        var app = builder.Build();
        LuminaHosting.PrepareDataDirectory(app.Services);
        // Made now, so a missing signing key is reported at start rather than on the first request.
        var authority = app.Services.GetRequiredService<TokenAuthority>();
        // Counting from the start, not from the first look at the console.
        app.Services.GetRequiredService<LuminaMetricsWindow>();
        app.Lifetime.ApplicationStarted.Register(() => LogAuth(app.Logger, authority));
        // Host/Origin first: a rebinding page is refused before anything looks at its credentials.
        app.UseMiddleware<HostValidationMiddleware>();
        app.UseMiddleware<UnreadableMessageMiddleware>(new PathString("/mcp"));
        app.UseMiddleware<ProtocolVersionMiddleware>(new PathString("/mcp"));
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<ToolSetEndpoints>();
        app.UseMiddleware<SessionQuota.Middleware>(new PathString("/mcp"));
        app.MapLuminaHttpAuth();
        app.MapMcp("/mcp").RequireAuthorization(HttpAuthentication.Policy);

        // Each tool set (Lumina:ToolSets:<name>) as a virtual server of its own.
        app.MapMcp("/mcp/{" + ToolSetEndpoints.RouteValue + "}").RequireAuthorization(HttpAuthentication.Policy);
        app.MapLuminaHttpApi();
        app.MapLuminaConsole();
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
}
