using System.ComponentModel;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Lumina.Bench.EchoPlugin;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Benchmarks;

/// <summary>
/// One <c>tools/call</c> of the same <c>echo</c> tool, client and server in one process over in-memory pipes: the bare
/// MCP SDK (baseline) against Lumina with its default filters, and Lumina with the audit ledger off. What is left between
/// the two is Lumina's per-call path: MCP ⇄ kernel mapping, <c>Kernel.InvokeAsync</c> and the filters.
/// </summary>
[MemoryDiagnoser]
public class ToolCallBenchmarks
{
    private static readonly Dictionary<string, object?> s_arguments = new() { ["message"] = "hi" };

    private Server _bare = null!;
    private Server _lumina = null!;
    private Server _luminaNoAudit = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _bare = await Server.StartAsync(services => services.AddMcpServer().WithStreamServerTransport(Server.In, Server.Out).WithTools<BareEcho>());
        _lumina = await StartLuminaAsync(new());
        _luminaNoAudit = await StartLuminaAsync(new() { ["Lumina:Audit:Enabled"] = "false" });
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _bare.DisposeAsync();
        await _lumina.DisposeAsync();
        await _luminaNoAudit.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "bare MCP SDK")]
    public Task<string> Bare() => _bare.EchoAsync();

    [Benchmark(Description = "Lumina, default filters")]
    public Task<string> Lumina() => _lumina.EchoAsync();

    [Benchmark(Description = "Lumina, audit ledger off")]
    public Task<string> LuminaWithoutAudit() => _luminaNoAudit.EchoAsync();

    private static Task<Server> StartLuminaAsync(Dictionary<string, string?> settings) => Server.StartAsync(services =>
    {
        var data = Directory.CreateTempSubdirectory("lumina-bench-").FullName;
        settings["Lumina:DataDirectory"] = data;
        settings["Lumina:Policy:RateLimit:PermitsPerMinute"] = "0";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        services.AddLumina(configuration).AddSqliteStores().AddPlugin<EchoPlugin>();
        services.AddMcpServer().WithStreamServerTransport(Server.In, Server.Out).WithLumina();
    });

    [McpServerToolType]
    private sealed class BareEcho
    {
        [McpServerTool(Name = "echo", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false), Description("Echoes back the input string.")]
        public static string Echo([Description("Message to echo")] string message) => "Echo: " + message;
    }

    private sealed class Server : IAsyncDisposable
    {
        // The pipes of the server being built; StartAsync is called for one server at a time.
        [ThreadStatic]
        private static Pipe? t_toServer;
        [ThreadStatic]
        private static Pipe? t_toClient;

        private readonly ServiceProvider _services;
        private readonly McpClient _client;
        private readonly CancellationTokenSource _stop;
        private readonly Task _running;

        private Server(ServiceProvider services, McpClient client, CancellationTokenSource stop, Task running)
        {
            _services = services;
            _client = client;
            _stop = stop;
            _running = running;
        }

        public static Stream In => t_toServer!.Reader.AsStream();

        public static Stream Out => t_toClient!.Writer.AsStream();

        public static async Task<Server> StartAsync(Action<IServiceCollection> configure)
        {
            var toServer = t_toServer = new Pipe();
            var toClient = t_toClient = new Pipe();
            var services = new ServiceCollection();
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
            configure(services);
            var provider = services.BuildServiceProvider();
            var stop = new CancellationTokenSource();
            var running = provider.GetRequiredService<McpServer>().RunAsync(stop.Token);
            var client = await McpClient.CreateAsync(
                new StreamClientTransport(toServer.Writer.AsStream(), toClient.Reader.AsStream()),
                new McpClientOptions { ClientInfo = new() { Name = "bench", Version = "1.0" }, ProtocolVersion = "2025-11-25" });
            return new Server(provider, client, stop, running);
        }

        public async Task<string> EchoAsync()
        {
            var result = await _client.CallToolAsync("echo", s_arguments);
            return result.Content[0] is TextContentBlock { Text: var text } && text == "Echo: hi"
                ? text
                : throw new InvalidOperationException("Not the echo: " + System.Text.Json.JsonSerializer.Serialize(result.Content));
        }

        public async ValueTask DisposeAsync()
        {
            await _client.DisposeAsync();
            await _stop.CancelAsync();
            try
            {
                await _running;
            }
            catch (OperationCanceledException)
            {
            }

            await _services.DisposeAsync();
            _stop.Dispose();
        }
    }
}
