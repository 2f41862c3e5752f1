using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Lumina.Host.Tests;

/// <summary>
/// Sends hostile items to one long-lived stdio host, one item at a time, and records every item that is not answered
/// as it should be: a missing reply (bounded wait), a wrong reply, an extra reply, or the host dying. A dead or hung
/// host is restarted so the rest of the corpus is still judged.
/// </summary>
internal sealed class StdioCorpusRunner : IAsyncDisposable
{
    /// <summary>The corpus is about protocol robustness: ~1,500 calls in seconds would otherwise meet the caller's rate limit.</summary>
    public const string NoRateLimit = "--Lumina:Policy:RateLimit:PermitsPerMinute=0";

    private const int MaxRestarts = 100;
    private readonly string _dataDirectory;
    private readonly List<string> _failures = [];
    private readonly Queue<string> _stderr = new();
    private Process _process = null!;
    private Channel<string> _stdout = null!;
    private int _restarts;
    private int _probes;

    private StdioCorpusRunner(string dataDirectory) => _dataDirectory = dataDirectory;

    /// <summary>How long one reply may take; big items get longer.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public IReadOnlyList<string> Failures => _failures;

    public Process Process => _process;

    public static Task<StdioCorpusRunner> StartAsync(string dataDirectory)
    {
        var runner = new StdioCorpusRunner(dataDirectory);
        runner.StartProcess();
        return Task.FromResult(runner);
    }

    /// <summary>
    /// Waits (up to a minute) until the host answers a ping, which it may before initialize: the items sent before
    /// initialize are then judged by their own reply time, not by how long the host took to start.
    /// </summary>
    public async Task WaitReadyAsync()
    {
        await SendAsync(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":"ready","method":"ping"}"""));
        var ready = await NextResponseAsync(TimeSpan.FromSeconds(60)) ?? throw new InvalidOperationException("The host did not answer a ping.\n" + StderrTail());
        ready["result"].Should().NotBeNull();
    }

    public async Task InitializeAsync()
    {
        await SendAsync(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"corpus","version":"1"}}}"""));
        var init = await NextResponseAsync(TimeSpan.FromSeconds(60)) ?? throw new InvalidOperationException("The host did not answer initialize.\n" + StderrTail());
        init["result"]!["serverInfo"]!["name"]!.GetValue<string>().Should().Be("lumina");
        await SendAsync(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","method":"notifications/initialized"}"""));
    }

    /// <summary>Sends each item and judges its replies; every 100 items (and at the end) a real tool call must succeed.</summary>
    public async Task RunAsync(IEnumerable<HostileItem> items, bool initialized = true)
    {
        var count = 0;
        foreach (var item in items)
        {
            if (_restarts > MaxRestarts)
            {
                _failures.Add($"stopped after {MaxRestarts} restarts of the host; items from {item} on were not judged");
                return;
            }

            await RunItemAsync(item, initialized);
            if (++count % 100 == 0)
            {
                await CheckAliveAsync($"after {item}", initialized);
            }
        }

        await CheckAliveAsync("at the end", initialized);
    }

    private async Task RunItemAsync(HostileItem item, bool initialized)
    {
        var timeout = item.Lines.Any(l => l.Length > 256 * 1024) ? ReplyTimeout * 4 : ReplyTimeout;
        try
        {
            foreach (var line in item.Lines)
            {
                await SendAsync(line).WaitAsync(timeout);
            }
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or ObjectDisposedException)
        {
            await FailAndRestartAsync(item, $"could not write the item ({ex.GetType().Name}: {ex.Message})", initialized);
            return;
        }

        var owed = item.Replies.ToList();
        while (owed.Count > 0)
        {
            var reply = await NextResponseAsync(timeout);
            if (reply is null)
            {
                var why = _process.HasExited
                    ? $"the host exited (code {_process.ExitCode}) owing {owed.Count} reply(ies)"
                    : $"no reply within {timeout.TotalSeconds:0}s (hang), owing {string.Join(", ", owed.Select(o => $"{o.Kind} id {HostileReplies.Shorten(o.IdJson)}"))}";
                await FailAndRestartAsync(item, why, initialized);
                return;
            }

            var sameId = owed.FindIndex(o => HostileReplies.SameId(o.IdJson, reply["id"]));
            if (sameId < 0)
            {
                _failures.Add($"{item}: a reply it was not owed: {HostileReplies.Shorten(reply.ToJsonString())}");
                continue;
            }

            // Of the replies owed to this id, the first one this reply satisfies (duplicate ids may be answered in any order).
            var match = owed.FindIndex(o => HostileReplies.SameId(o.IdJson, reply["id"]) && HostileReplies.Mismatch(o, reply) is null);
            if (match < 0)
            {
                _failures.Add($"{item}: {HostileReplies.Mismatch(owed[sameId], reply)}; got {HostileReplies.Shorten(reply.ToJsonString())}");
                owed.RemoveAt(sameId);
            }
            else
            {
                owed.RemoveAt(match);
            }
        }

        // A ping behind the item: its answer must be the next reply, so a reply to a notification or a stray
        // response (or a second reply to one request) shows up here.
        var probe = $"probe-{++_probes}";
        await SendAsync(Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"id\":\"{probe}\",\"method\":\"ping\"}}"));
        while (true)
        {
            var reply = await NextResponseAsync(ReplyTimeout);
            if (reply is null)
            {
                await FailAndRestartAsync(item, _process.HasExited ? $"the host exited (code {_process.ExitCode}) after the item" : "the ping after the item was not answered (hang)", initialized);
                return;
            }

            if (reply["id"]?.GetValueKind() == JsonValueKind.String && reply["id"]!.GetValue<string>() == probe)
            {
                if (reply["result"] is null)
                {
                    _failures.Add($"{item}: the ping after it failed: {HostileReplies.Shorten(reply.ToJsonString())}");
                }

                return;
            }

            _failures.Add($"{item}: an extra reply: {HostileReplies.Shorten(reply.ToJsonString())}");
        }
    }

    /// <summary>A real tool call: the host must still serve after what it was sent (before initialize: refuse it).</summary>
    public async Task CheckAliveAsync(string when, bool initialized)
    {
        var id = $"alive-{++_probes}";
        await SendAsync(Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"id\":\"{id}\",\"method\":\"tools/call\",\"params\":{{\"name\":\"time_now\",\"arguments\":{{}}}}}}"));
        while (true)
        {
            var reply = await NextResponseAsync(ReplyTimeout);
            if (reply is null)
            {
                await FailAndRestartAsync(null, $"time_now {when} was not answered{(_process.HasExited ? $" (the host exited, code {_process.ExitCode})" : " (hang)")}", initialized);
                return;
            }

            if (reply["id"]?.GetValueKind() == JsonValueKind.String && reply["id"]!.GetValue<string>() == id)
            {
                if (!initialized)
                {
                    // Before initialize a tool call is refused and runs nothing (issue 13); the host answering at all
                    // is what shows it still serves.
                    if (reply["error"]?["code"]?.GetValue<int>() != HostileCorpus.InvalidRequest)
                    {
                        _failures.Add($"time_now {when}, before initialize, was not refused: {HostileReplies.Shorten(reply.ToJsonString())}");
                    }

                    return;
                }

                if (reply["result"]?["isError"]?.GetValue<bool>() == true || reply["result"]?["structuredContent"]?["dateTime"] is null)
                {
                    _failures.Add($"time_now {when} did not succeed: {HostileReplies.Shorten(reply.ToJsonString())}");
                }

                return;
            }

            _failures.Add($"an extra reply before time_now {when}: {HostileReplies.Shorten(reply.ToJsonString())}");
        }
    }

    private async Task FailAndRestartAsync(HostileItem? item, string why, bool initialized)
    {
        _failures.Add($"{item?.ToString() ?? "liveness"}: {why}\n  stderr tail:\n  {string.Join("\n  ", StderrTail().Split('\n').TakeLast(6))}");
        _restarts++;
        await StopProcessAsync();
        StartProcess();
        if (initialized)
        {
            await InitializeAsync();
        }
        else
        {
            await WaitReadyAsync();
        }
    }

    private void StartProcess()
    {
        lock (_stderr)
        {
            _stderr.Clear();
        }

        _process = LuminaProcess.Start(LuminaProcess.IsolatedArguments(_dataDirectory, $"--Lumina:Stdio:MaxMessageBytes={HostileCorpus.MaxMessageBytes}", NoRateLimit));
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_stderr)
            {
                _stderr.Enqueue(e.Data.Length > 600 ? e.Data[..600] : e.Data);
                if (_stderr.Count > 50)
                {
                    _stderr.Dequeue();
                }
            }
        };
        _process.BeginErrorReadLine();
        var stdout = Channel.CreateUnbounded<string>();
        var reader = _process.StandardOutput;
        _ = Task.Run(async () =>
        {
            try
            {
                while (await reader.ReadLineAsync() is { } line)
                {
                    await stdout.Writer.WriteAsync(line);
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The process went away: the channel completes below and the runner sees the end of output.
            }

            stdout.Writer.TryComplete();
        });
        _stdout = stdout;
    }

    private string StderrTail()
    {
        lock (_stderr)
        {
            return string.Join('\n', _stderr);
        }
    }

    private async Task SendAsync(byte[] line)
    {
        var stream = _process.StandardInput.BaseStream;
        await stream.WriteAsync(line);
        await stream.WriteAsync("\n"u8.ToArray());
        await stream.FlushAsync();
    }

    /// <summary>The next response (server notifications and requests skipped), or null after <paramref name="timeout"/> or at the end of output.</summary>
    private async Task<JsonNode?> NextResponseAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await _stdout.Reader.ReadAsync(cancel.Token);
                JsonNode? node;
                try
                {
                    node = JsonNode.Parse(line);
                }
                catch (JsonException)
                {
                    _failures.Add($"stdout carried a line that is not JSON: {HostileReplies.Shorten(line)}");
                    continue;
                }

                if (node is JsonObject message && message["method"] is null)
                {
                    return message;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    private async Task StopProcessAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopProcessAsync();
}
