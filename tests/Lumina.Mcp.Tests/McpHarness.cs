using System.IO.Pipelines;
using Lumina.Core;
using Lumina.Core.Plugins;
using Lumina.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp.Tests;

/// <summary>A Lumina MCP server and a client, connected in memory.</summary>
internal sealed class McpHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serverTask;

    private McpHarness(ServiceProvider services, McpClient client, Task serverTask)
    {
        Services = services;
        Client = client;
        _serverTask = serverTask;
    }

    public ServiceProvider Services { get; }

    public McpClient Client { get; }

    public LuminaPluginRegistry Registry => Services.GetRequiredService<LuminaPluginRegistry>();

    public static async Task<McpHarness> StartAsync(
        Action<McpClientOptions>? configureClient = null,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var data = Directory.CreateTempSubdirectory("lumina-mcp-data-").FullName;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Lumina:DataDirectory"] = data })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddLumina(configuration).AddSqliteStores().AddBuiltInPlugins(configuration).AddProviders(configuration).AddPlugin<SamplePlugin>();
        configureServices?.Invoke(services);
        services.AddMcpServer()
            .WithStreamServerTransport(toServer.Reader.AsStream(), toClient.Writer.AsStream())
            .WithLumina();
        var provider = services.BuildServiceProvider();
        var server = provider.GetRequiredService<McpServer>();
        var stop = new CancellationTokenSource();
        var serverTask = server.RunAsync(stop.Token);

        // IDE clients today speak 2025-11-25, with a session: subscriptions, setLevel and list-changed notifications.
        var options = new McpClientOptions { ClientInfo = new() { Name = "harness", Version = "1.0" }, ProtocolVersion = "2025-11-25" };
        configureClient?.Invoke(options);
        var client = await McpClient.CreateAsync(new StreamClientTransport(toServer.Writer.AsStream(), toClient.Reader.AsStream()), options);
        var harness = new McpHarness(provider, client, serverTask);
        harness._stop.Token.Register(stop.Cancel);
        return harness;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _stop.CancelAsync();
        try
        {
            await _serverTask;
        }
        catch (OperationCanceledException)
        {
        }

        await Services.DisposeAsync();
        _stop.Dispose();
    }
}

/// <summary>Counts invocations, to prove served tools pass through the kernel's filters.</summary>
internal sealed class CountingFilter : IFunctionInvocationFilter
{
    private int _count;

    public int Count => _count;

    public List<string> Functions { get; } = [];

    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        Interlocked.Increment(ref _count);
        lock (Functions)
        {
            Functions.Add($"{context.Function.PluginName}.{context.Function.Name}");
        }

        await next(context);
    }
}
