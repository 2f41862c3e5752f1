using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>What the federation tests share: the reference server, clients, waiting, and the processes below a host.</summary>
internal static class Federation
{
    /// <summary>The reference server over stdio, as the upstream <c>everything</c>.</summary>
    internal static readonly string[] Everything = ["--Lumina:Servers:everything:Command=node", $"--Lumina:Servers:everything:Args:0={LuminaProcess.ReferenceServer}", "--Lumina:Servers:everything:Args:1=stdio"];

    internal static bool IsUpstream(int pid, string name)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").EndsWith($"\0{name}\0", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    internal static ElicitResult Accepted() => new()
    {
        Action = "accept",
        Content = new Dictionary<string, JsonElement>
        {
            ["confirm"] = JsonSerializer.SerializeToElement(true),
            ["name"] = JsonSerializer.SerializeToElement("Ada"),
            ["color"] = JsonSerializer.SerializeToElement("green"),
        },
    };

    internal static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    /// <summary>Collects progress as it is reported (not posted to a synchronization context, as <see cref="Progress{T}"/> would).</summary>
    internal sealed class SyncProgress(List<ProgressNotificationValue> values) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value)
        {
            lock (values)
            {
                values.Add(value);
            }
        }
    }

    /// <summary>Asks <paramref name="get"/> until its answer is <paramref name="good"/> (30 s at most).</summary>
    internal static async Task<T> UntilAsync<T>(Func<Task<T>> get, Func<T, bool> good)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var value = await get();
            if (good(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }

    internal static Task<McpClient> ConnectAsync(HttpHost host) => McpClient.CreateAsync(
        new HttpClientTransport(new HttpClientTransportOptions { Endpoint = host.McpEndpoint }),
        new McpClientOptions { ProtocolVersion = "2025-11-25" });

    /// <summary>The reference server without Lumina, declaring what Lumina declares to it (it relays all three).</summary>
    internal static Task<McpClient> DirectAsync() => McpClient.CreateAsync(
        new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = "node",
            Arguments = [LuminaProcess.ReferenceServer, "stdio"],
            Name = "everything-direct",
        }),
        new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                SamplingHandler = (_, _, _) => throw new McpException("not used"),
                ElicitationHandler = (_, _) => throw new McpException("not used"),
                RootsHandler = (_, _) => ValueTask.FromResult(new ListRootsResult { Roots = [] }),
            },
        });

    internal static string Json(JsonElement element) => JsonSerializer.Serialize(element);

    internal static Process StartReferenceServer(int port)
    {
        var start = new ProcessStartInfo("node", [LuminaProcess.ReferenceServer, "streamableHttp"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Every process below <paramref name="pid"/>, from /proc.</summary>
    internal static List<int> Descendants(int pid)
    {
        var found = new List<int>();
        var queue = new Queue<int>([pid]);
        while (queue.Count > 0)
        {
            var parent = queue.Dequeue();
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var child))
                {
                    continue;
                }

                try
                {
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    if (int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) == parent)
                    {
                        found.Add(child);
                        queue.Enqueue(child);
                    }
                }
                catch (IOException)
                {
                    // The process ended while we looked.
                }
            }
        }

        return found;
    }

    internal static bool IsReferenceServer(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("server-everything", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
