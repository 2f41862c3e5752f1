using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Lumina.Testing;

/// <summary>
/// A real, throwaway <c>redis-server</c> on a free loopback port (installed by ./test.sh when missing), which a test
/// can stop and start again on the same port.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lumina-redis-").FullName;
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePort());
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _directory })
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start; ./test.sh installs it (apt-get install redis-server).");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // Ready when it answers PING; bounded, then a clear failure.
        var options = ConfigurationOptions.Parse(ConnectionString);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 1000;
        if (!await Eventually.WaitAsync(() => AnswersAsync(options)))
        {
            throw new InvalidOperationException($"redis-server on port {Port} did not answer.");
        }
    }

    /// <summary>Stops the server abruptly, as a crash or a network cut would.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<bool> AnswersAsync(ConfigurationOptions options)
    {
        try
        {
            await using var probe = await ConnectionMultiplexer.ConnectAsync(options);
            if (probe.IsConnected)
            {
                await probe.GetDatabase().PingAsync();
                return true;
            }
        }
        catch (RedisException)
        {
        }

        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
