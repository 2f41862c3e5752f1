using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Lumina.Host.Tests;

/// <summary>Where the built host lives, and how to start it as a real process.</summary>
internal static class LuminaProcess
{
    public static string HostDirectory { get; } = Metadata("LuminaHostDirectory");

    public static string HostDll { get; } = Path.Combine(HostDirectory, "lumina.dll");

    public static string ConformancePluginDirectory { get; } = Metadata("ConformancePluginDirectory");

    /// <summary>tests/federation: the upstream MCP servers the federation tests use (npm, installed by the test command).</summary>
    public static string UpstreamsDirectory { get; } = Metadata("UpstreamsDirectory");

    /// <summary>The TypeScript reference server's entry point (<c>node … stdio | streamableHttp</c>).</summary>
    public static string ReferenceServer { get; } = Path.Combine(UpstreamsDirectory, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");

    /// <summary>A small upstream of our own whose first tool's description comes from <c>TOOL_DESCRIPTION</c> (<c>node …</c>).</summary>
    public static string RugPullServer { get; } = Path.Combine(UpstreamsDirectory, "rugpull-server.mjs");

    /// <summary>Arguments that keep a test's host away from the user's own data and configuration.</summary>
    public static List<string> IsolatedArguments(string dataDirectory, params string[] more) =>
        [HostDll, $"--Lumina:DataDirectory={dataDirectory}", .. more];

    public static Process Start(IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? string.Empty,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
    }

    /// <summary>Runs the host to completion (for --help, --version, bad configuration).</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments) => RunAsync(null, null, arguments);

    /// <summary>Runs the host to completion with <paramref name="stdin"/> piped in (for the users, keys and audit commands).</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string? stdin, IDictionary<string, string>? environment, params string[] arguments) =>
        RunAsync(stdin, environment, workingDirectory: null, arguments);

    /// <summary>Runs the host to completion in <paramref name="workingDirectory"/> (for commands that act on the current folder, such as <c>connect --scope workspace</c>).</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunInAsync(string workingDirectory, IDictionary<string, string>? environment, params string[] arguments) =>
        RunAsync(stdin: null, environment, workingDirectory, arguments);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string? stdin, IDictionary<string, string>? environment, string? workingDirectory, string[] arguments)
    {
        using var process = Start([HostDll, .. arguments], environment, workingDirectory);
        if (stdin is not null)
        {
            await process.StandardInput.WriteLineAsync(stdin);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string Metadata(string key) =>
        Path.GetFullPath(typeof(LuminaProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!);
}
