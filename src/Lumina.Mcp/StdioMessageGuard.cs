using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Lumina.Core;
using Lumina.Core.Tools;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace Lumina.Mcp;

/// <summary>
/// Stands between stdin and the MCP server: passes on each well-formed JSON-RPC line and answers every other line
/// itself with a JSON-RPC error (parse error, invalid request, too large), so a client that sends garbage learns
/// why and the server keeps serving. The SDK's own stream transport skips such lines without a word.
/// </summary>
internal sealed partial class StdioMessageGuard(
    Stream input,
    PipeWriter forward,
    ModelContextProtocol.Protocol.ITransport transport,
    long maxMessageBytes,
    IHostApplicationLifetime? lifetime,
    ILogger<StdioMessageGuard> logger)
    : BackgroundService
{
    private static readonly JsonDocumentOptions s_parse = new() { MaxDepth = 64 };
    private readonly ILogger _logger = logger;

    // Read and written by the guard's thread only.
    private bool _initialized;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The guard waits for stdin on a thread of its own and hands each line on from it (the transport's read runs
        // inline on the flush), so a message reaches the server without a trip through the thread pool. A read that
        // blocks cannot be cancelled: on stop the host stops waiting for it, and the thread (a background one) ends
        // with stdin or the process.
        return DedicatedThread.Start("Lumina stdin guard", () => GuardAsync(stoppingToken).GetAwaiter().GetResult())
            .WaitAsync(stoppingToken);
    }

    private async Task GuardAsync(CancellationToken stoppingToken)
    {
        var reader = PipeReader.Create(input, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
        var discarding = false;
        var failed = true;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(stoppingToken).ConfigureAwait(false);
                var buffer = read.Buffer;
                while (TryTakeLine(ref buffer, out var line))
                {
                    if (discarding)
                    {
                        // The tail of an oversize line: already answered.
                        discarding = false;
                        continue;
                    }

                    await HandleAsync(line, stoppingToken).ConfigureAwait(false);
                }

                if (!discarding && buffer.Length > maxMessageBytes)
                {
                    // Answer as soon as the limit is passed, without holding the rest of the line in memory.
                    discarding = true;
                    await RefuseAsync(default, -32600, $"Message too large: more than {maxMessageBytes} bytes (see Lumina:Stdio:MaxMessageBytes).", stoppingToken).ConfigureAwait(false);
                }

                if (discarding)
                {
                    buffer = buffer.Slice(buffer.End);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted)
                {
                    if (!discarding && buffer.Length > 0)
                    {
                        await HandleAsync(buffer, stoppingToken).ConfigureAwait(false);
                    }

                    break;
                }
            }

            failed = false;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            failed = false;
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);

            // End of input ends the session, as it would with the plain stdio transport. A call still waiting on the
            // client (a sampling answer that will never come) would hold the session open, so the host stops too:
            // stopping cancels every call in flight. A guard that failed (stdin or stdout broke) leaves both alone: its
            // task fails first, so the host stops for the failure and the program exits non-zero.
            if (!failed)
            {
                await forward.CompleteAsync().ConfigureAwait(false);
                if (!stoppingToken.IsCancellationRequested)
                {
                    LogEndOfInput();
                    lifetime?.StopApplication();
                }
            }
        }
    }

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    private async Task HandleAsync(ReadOnlySequence<byte> line, CancellationToken cancellationToken)
    {
        if (line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r')
        {
            line = line.Slice(0, line.Length - 1);
        }

        if (IsBlank(line))
        {
            return;
        }

        if (line.Length > maxMessageBytes)
        {
            await RefuseAsync(default, -32600, $"Message too large: more than {maxMessageBytes} bytes (see Lumina:Stdio:MaxMessageBytes).", cancellationToken).ConfigureAwait(false);
            return;
        }

        var (error, id) = Check(line, out var unexpected, out var method, out var stateless);
        if (unexpected is not null)
        {
            LogUnexpected(unexpected);
        }

        if (error is not null)
        {
            await RefuseAsync(id, error.Value.Code, error.Value.Message, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!_initialized && method is not null && !stateless)
        {
            // The handshake comes first (MCP lifecycle up to 2025-11-25): until the client has sent initialize, only
            // initialize and ping are requests; anything else is refused and runs nothing. Notifications and responses
            // pass, and so does a request of 2026-07-28 or later, which carries its revision, client and capabilities
            // itself (server/discover, and every request of a client that never initializes).
            if (method is not ("initialize" or "ping"))
            {
                await RefuseAsync(id, -32600, $"Invalid request: the server is not initialized; send 'initialize' first (then 'notifications/initialized'), and '{Shown(method)}' after it.", cancellationToken).ConfigureAwait(false);
                return;
            }

            _initialized = method == "initialize";
        }

        // The line and its newline in one buffer and one flush: the transport's reader wakes once per message.
        var length = checked((int)line.Length);
        var span = forward.GetSpan(length + 1);
        line.CopyTo(span);
        span[length] = (byte)'\n';
        forward.Advance(length + 1);
        await forward.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static bool IsUtf8(ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            return System.Text.Unicode.Utf8.IsValid(line.FirstSpan);
        }

        // Rare (a line spanning buffer segments): validate a copy.
        return System.Text.Unicode.Utf8.IsValid(line.ToArray());
    }

    /// <summary>
    /// Whether the line is a JSON-RPC 2.0 message the server can take; if not, the error to answer and the id to answer
    /// to. Total: whatever the line holds, it answers and never throws (the last resort answers -32600).
    /// </summary>
    /// <param name="line">The message.</param>
    /// <param name="unexpected">An exception no check foresaw (then the answer is the last resort's), for the log.</param>
    /// <param name="method">The request's method, when the line is a request (not a notification) the server can take.</param>
    /// <param name="stateless">Whether the request carries its own protocol revision, 2026-07-28 or later (<c>_meta</c>, SEP-2575).</param>
    internal static ((int Code, string Message)? Error, RequestId Id) Check(ReadOnlySequence<byte> line, out Exception? unexpected, out string? method, out bool stateless)
    {
        unexpected = null;
        method = null;
        stateless = false;
        try
        {
            return CheckMessage(line, out method, out stateless);
        }
        catch (Exception ex)
        {
            // Nothing a client sends may stop the guard: whatever the checks above did not foresee is refused here.
            unexpected = ex;
            method = null;
            stateless = false;
            return ((-32600, "Invalid request: the message could not be read (one JSON-RPC object per line, UTF-8)."), default);
        }
    }

    private static ((int Code, string Message)? Error, RequestId Id) CheckMessage(ReadOnlySequence<byte> line, out string? requestMethod, out bool stateless)
    {
        requestMethod = null;
        stateless = false;
        if (!IsUtf8(line))
        {
            return ((-32700, "Parse error: the message is not valid UTF-8 (one JSON-RPC object per line, UTF-8)."), default);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, s_parse);
        }
        catch (JsonException)
        {
            return ((-32700, "Parse error: the message is not valid JSON (one JSON-RPC object per line, UTF-8)."), default);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                return ((-32600, "Invalid request: JSON-RPC batches are not supported; send one message per line."), default);
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return ((-32600, "Invalid request: a JSON-RPC message is a JSON object."), default);
            }

            if (JsonText.HasUnpairedSurrogate(line) && CheckText(root) is { } refusal)
            {
                return refusal;
            }

            RequestId id = default;
            var hasId = root.TryGetProperty("id", out var idElement);
            if (hasId)
            {
                if (idElement.ValueKind == JsonValueKind.String)
                {
                    id = new RequestId(idElement.GetString()!);
                }
                else if (idElement.ValueKind == JsonValueKind.Number && idElement.TryGetInt64(out var number))
                {
                    id = new RequestId(number);
                }
                else if (idElement.ValueKind != JsonValueKind.Null)
                {
                    return ((-32600, "Invalid request: 'id' must be a string or an integer."), default);
                }
            }

            if (!root.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || !version.ValueEquals("2.0"))
            {
                return ((-32600, "Invalid request: 'jsonrpc' must be \"2.0\"."), id);
            }

            if (root.TryGetProperty("method", out var method))
            {
                if (method.ValueKind != JsonValueKind.String || method.GetString() is not { Length: > 0 } name)
                {
                    return ((-32600, "Invalid request: 'method' must be a non-empty string."), id);
                }

                if (hasId && idElement.ValueKind == JsonValueKind.Null)
                {
                    return ((-32600, "Invalid request: 'id' must not be null."), default);
                }

                if (root.TryGetProperty("params", out var parameters) && parameters.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                {
                    return ((-32602, "Invalid params: 'params' must be an object."), id);
                }

                requestMethod = hasId ? name : null;
                stateless = parameters.ValueKind == JsonValueKind.Object
                    && parameters.TryGetProperty("_meta", out var meta) && meta.ValueKind == JsonValueKind.Object
                    && meta.TryGetProperty("io.modelcontextprotocol/protocolVersion", out var revision) && revision.ValueKind == JsonValueKind.String
                    && string.CompareOrdinal(revision.GetString(), "2026-07-28") >= 0;
                return (null, id);
            }

            var isResponse = hasId && (root.TryGetProperty("result", out _) || root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object);
            return isResponse ? (null, id) : ((-32600, "Invalid request: a message needs a 'method' (request or notification) or an 'id' with 'result' or 'error' (response)."), id);
        }
    }

    /// <summary>The answer to a message with a string that is not text (see <see cref="JsonText.Refuse"/>).</summary>
    private static ((int Code, string Message)? Error, RequestId Id)? CheckText(JsonElement root)
    {
        if (JsonText.Refuse(root) is not { } refusal)
        {
            return null;
        }

        RequestId id = refusal.Id.ValueKind switch
        {
            JsonValueKind.String => new RequestId(refusal.Id.GetString()!),
            JsonValueKind.Number => new RequestId(refusal.Id.GetInt64()),
            _ => default,
        };
        return ((refusal.Code, refusal.Message), id);
    }

    private async Task RefuseAsync(RequestId id, int code, string message, CancellationToken cancellationToken)
    {
        LogRefused(code, message);
        await transport.SendMessageAsync(new JsonRpcError { Id = id, Error = new JsonRpcErrorDetail { Code = code, Message = message } }, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static string Shown(string method) => method.Length > 64 ? method[..64] + "…" : method;

    [LoggerMessage(Level = LogLevel.Error, Message = "A stdin message could not be read; refused it and kept serving.")]
    private partial void LogUnexpected(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The client closed stdin; stopping.")]
    private partial void LogEndOfInput();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a stdin message ({Code}): {Reason}")]
    private partial void LogRefused(int code, string reason);
}
