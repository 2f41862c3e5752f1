using Lumina.Bench.BareSdk;
using ModelContextProtocol.AspNetCore;

// The baseline Lumina is measured against: the SDK's own hosting with nothing added. It mirrors the lumina command's
// shape (stdio by default, `--http --urls URL` for streamable HTTP at /mcp, every log on stderr) so the benchmark
// starts both the same way. `--event-store` adds the SDK's own store for resumable streams (every SSE event kept
// in an in-memory distributed cache; what Lumina used before its own store), to measure what such a store costs.
var http = args.Contains("--http");
var eventStore = args.Contains("--event-store");
var rest = args.Where(a => a is not "--http" and not "--event-store").ToArray();

if (http)
{
    var builder = WebApplication.CreateBuilder(rest);
    ConfigureLogging(builder.Logging);
#pragma warning disable MCP9006 // Sessions: the same mode as Lumina, so both serve 2025-11-25 clients the same way
    // (a session per initialize) and 2026-07-28 requests the same way (stateless: no initialize, no session).
    var mcp = builder.Services.AddMcpServer()
        .WithHttpTransport(o => o.SessionMode = HttpServerSessionMode.StatefulForInitializeClients)
        .WithTools<EchoTool>();
    if (eventStore)
    {
        mcp.WithDistributedCacheEventStreamStore();
        builder.Services.AddDistributedMemoryCache();
    }
#pragma warning restore MCP9006
    var app = builder.Build();
    app.MapMcp("/mcp");
    await app.RunAsync();
}
else
{
    var builder = Host.CreateApplicationBuilder(rest);
    ConfigureLogging(builder.Logging);
    builder.Services.AddMcpServer()
        .WithStdioServerTransport()
        .WithTools<EchoTool>();
    await builder.Build().RunAsync();
}

static void ConfigureLogging(ILoggingBuilder logging)
{
    // stdout is the MCP channel over stdio: logs go to stderr, at the same levels as the lumina host.
    logging.ClearProviders();
    logging.AddSimpleConsole();
    logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
    logging.AddFilter("ModelContextProtocol", LogLevel.Warning);
    logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
}
