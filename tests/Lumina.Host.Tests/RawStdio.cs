using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumina.Host.Tests;

/// <summary>The host process spoken to line by line, to test what an SDK client would never send.</summary>
internal sealed class RawStdio : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private RawStdio(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public Process Process => _process;

    public static Task<RawStdio> StartAsync(string dataDirectory, params string[] arguments) => StartAsync(null, dataDirectory, arguments);

    public static async Task<RawStdio> StartAsync(IDictionary<string, string>? environment, string dataDirectory, params string[] arguments)
    {
        var raw = new RawStdio(LuminaProcess.Start(LuminaProcess.IsolatedArguments(dataDirectory, arguments), environment));
        await raw.SendAsync("""{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"sampling":{}},"clientInfo":{"name":"raw","version":"1"}}}""");
        var init = await raw.ReadAsync();
        init["result"]!["serverInfo"]!["name"]!.GetValue<string>().Should().Be("lumina");
        await raw.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        return raw;
    }

    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteAsync(line + "\n");
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>The next line of stdout, which must be a JSON-RPC message (stdout carries nothing else).</summary>
    public async Task<JsonNode> ReadAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await _process.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("stdout closed.");
        var node = JsonNode.Parse(line) ?? throw new JsonException("null line");
        node["jsonrpc"]!.GetValue<string>().Should().Be("2.0", "stdout carries only JSON-RPC frames");
        return node;
    }

    /// <summary>Reads until the response with <paramref name="id"/>, skipping notifications.</summary>
    public async Task<JsonNode> ReadResponseAsync(string id)
    {
        while (true)
        {
            var node = await ReadAsync();
            if (node["id"]?.ToJsonString() == JsonSerializer.Serialize(id))
            {
                return node;
            }
        }
    }

    public async Task<int> CloseAndWaitAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public Task<string> StderrAsync() => _stderr;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
