using System.Diagnostics;
using System.Globalization;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

// The reference server's echo tool, called directly over stdio and through Lumina (a stdio client of Lumina, which
// serves the reference server over stdio), interleaved round by round so the noise of a shared machine falls on both.
// Prints calls per second, the median latency, their ratio and the latency Lumina adds per call.
var calls = Option("--calls", 1000);
var rounds = Option("--rounds", 5);
var root = FindRoot();
var everything = Path.Combine(root, "bench", "typescript", "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");
var lumina = Path.Combine(root, "src", "Lumina.Host", "bin", "Release", "net10.0", "lumina.dll");
if (!File.Exists(everything))
{
    Run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], Path.Combine(root, "bench", "typescript"));
}

if (!File.Exists(lumina))
{
    await Console.Error.WriteLineAsync($"bench: build the host first (dotnet build src/Lumina.Host -c Release): {lumina} is missing.");
    return 2;
}

var data = Directory.CreateTempSubdirectory("lumina-bench-federation-");
try
{
    await using var direct = await McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
    {
        Command = "node",
        Arguments = [everything, "stdio"],
        Name = "direct",
    }));
    await using var through = await McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
    {
        Command = "dotnet",
        Arguments =
        [
            // The rate limit is off: this measures the path, not the policy (600 calls a minute would stop it).
            lumina, $"--Lumina:DataDirectory={data.FullName}", "--Logging:LogLevel:Default=Warning", "--Lumina:Policy:RateLimit:PermitsPerMinute=0",
            "--Lumina:Servers:everything:Command=node", $"--Lumina:Servers:everything:Args:0={everything}", "--Lumina:Servers:everything:Args:1=stdio",
        ],
        Name = "lumina",
    }));

    var paths = new (string Name, McpClient Client, string Tool)[] { ("direct", direct, "echo"), ("through Lumina", through, "everything_echo") };
    foreach (var (_, client, tool) in paths)
    {
        await CallAsync(client, tool, 2000); // warm-up: JIT (tiered), connections, the lazy upstream
    }

    var samples = paths.ToDictionary(p => p.Name, _ => new List<(double PerSecond, double MedianMs)>());
    for (var round = 0; round < rounds; round++)
    {
        foreach (var (name, client, tool) in paths)
        {
            samples[name].Add(await CallAsync(client, tool, calls));
            await Console.Error.WriteLineAsync($"round {round + 1}/{rounds} {name}: {samples[name][^1].PerSecond:F0} calls/s");
        }
    }

    var baseline = Median(samples["direct"].Select(s => s.PerSecond));
    var baseLatency = Median(samples["direct"].Select(s => s.MedianMs));
    Console.WriteLine($"| path ({calls} sequential calls × {rounds} rounds, medians) | calls/s | latency p50 | ratio | added per call |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
    foreach (var (name, _, _) in paths)
    {
        var perSecond = Median(samples[name].Select(s => s.PerSecond));
        var latency = Median(samples[name].Select(s => s.MedianMs));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {perSecond:F0} | {latency:F3} ms | {perSecond / baseline:F2} | {(name == "direct" ? "—" : $"{latency - baseLatency:F3} ms")} |"));
    }

    return 0;
}
finally
{
    data.Delete(recursive: true);
}

static async Task<(double PerSecond, double MedianMs)> CallAsync(McpClient client, string tool, int count)
{
    var latencies = new double[count];
    var total = Stopwatch.StartNew();
    for (var i = 0; i < count; i++)
    {
        var one = Stopwatch.StartNew();
        var result = await client.CallToolAsync(tool, new Dictionary<string, object?> { ["message"] = "ping" });
        latencies[i] = one.Elapsed.TotalMilliseconds;
        if (result.IsError == true || result.Content.OfType<TextContentBlock>().FirstOrDefault()?.Text != "Echo: ping")
        {
            throw new InvalidOperationException($"{tool} answered wrongly: {string.Concat(result.Content.OfType<TextContentBlock>().Select(t => t.Text))}");
        }
    }

    return (count / total.Elapsed.TotalSeconds, Median(latencies));
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}

static string FindRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Lumina.sln")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("Run from inside the Lumina repository (Lumina.sln not found above the program).");
}

static void Run(string command, string[] arguments, string directory)
{
    using var process = Process.Start(new ProcessStartInfo(command, arguments) { WorkingDirectory = directory })!;
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed in {directory}.");
    }
}
