using System.Text.Json;

namespace Lumina.Bench.Compare;

/// <summary>A sequential MCP client over a server's stdin/stdout: one request, then its reply (newline-delimited JSON).</summary>
internal sealed class StdioClient(ServerProcess server)
{
    private static readonly TimeSpan ReplyLimit = TimeSpan.FromSeconds(30);
    private long _nextId;

    public async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        var init = await RequestAsync(JsonRpc.Initialize(++_nextId), _nextId, cancellationToken);
        JsonRpc.Result(init.RootElement, "initialize");
        init.Dispose();
        await SendAsync(JsonRpc.Initialized, cancellationToken);
    }

    public async Task ToolsListAsync(CancellationToken cancellationToken)
    {
        using var reply = await RequestAsync(JsonRpc.ToolsList(++_nextId), _nextId, cancellationToken);
        JsonRpc.CheckToolsList(reply.RootElement);
    }

    public async Task EchoAsync(string message, CancellationToken cancellationToken)
    {
        using var reply = await RequestAsync(JsonRpc.Echo(++_nextId, message), _nextId, cancellationToken);
        JsonRpc.CheckEcho(reply.RootElement, message);
    }

    private async Task SendAsync(string line, CancellationToken cancellationToken)
    {
        try
        {
            await server.Input.WriteAsync((line + "\n").AsMemory(), cancellationToken);
            await server.Input.FlushAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            throw server.Failure("stdin closed: " + ex.Message);
        }
    }

    private async Task<JsonDocument> RequestAsync(string line, long id, CancellationToken cancellationToken)
    {
        await SendAsync(line, cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(ReplyLimit);
        while (true)
        {
            string? text;
            try
            {
                text = await server.Output.ReadLineAsync(limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw server.Failure($"no reply to request {id} within {ReplyLimit.TotalSeconds:0} s");
            }

            if (text is null)
            {
                throw server.Failure($"stdout closed while waiting for request {id}");
            }

            if (text.Length == 0)
            {
                continue;
            }

            JsonDocument message;
            try
            {
                message = JsonDocument.Parse(text);
            }
            catch (JsonException ex)
            {
                throw server.Failure($"not JSON on stdout: {text[..Math.Min(200, text.Length)]} ({ex.Message})");
            }

            if (JsonRpc.IsRequestFromServer(message.RootElement))
            {
                // The benchmark's client declares no capabilities; a server request gets "method not found".
                var request = JsonRpc.Id(message.RootElement);
                message.Dispose();
                await SendAsync($$$$"""{"jsonrpc":"2.0","id":{{{{request}}}},"error":{"code":-32601,"message":"not supported by the benchmark client"}}""", cancellationToken);
                continue;
            }

            if (JsonRpc.Id(message.RootElement) == id)
            {
                return message;
            }

            // A notification (e.g. list_changed) or a stray reply: not ours.
            message.Dispose();
        }
    }
}
