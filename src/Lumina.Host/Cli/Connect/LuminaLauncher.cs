namespace Lumina.Host.Cli.Connect;

/// <summary>How the lumina a configuration starts was found.</summary>
internal enum LaunchKind
{
    /// <summary>The installed .NET tool (<c>dotnet tool install -g Lumina</c>, or a tool path): its shim, by absolute path.</summary>
    Tool,

    /// <summary>The package run by the .NET SDK's tool runner (<c>dnx Lumina@version --yes</c>), each start from the NuGet cache.</summary>
    Dnx,

    /// <summary>A build output (<c>bin/Release/…</c>): works on this machine until the next clean, hence a warning.</summary>
    Build,
}

/// <summary>The command and leading arguments that start lumina, and a warning to show when they are a stopgap.</summary>
internal sealed record LuminaLaunch(LaunchKind Kind, string Command, IReadOnlyList<string> Arguments, string? Warning);

/// <summary>
/// What the running process knows about itself. <paramref name="ProcessPath"/> is <see cref="Environment.ProcessPath"/>
/// (the tool's shim, the <c>dotnet</c> muxer, or the build's apphost); <paramref name="BaseDirectory"/> is where
/// <c>lumina.dll</c> is; <paramref name="GlobalToolsFolder"/> is where <c>dotnet tool install -g</c> puts shims
/// (<c>~/.dotnet/tools</c>, or under <c>DOTNET_CLI_HOME</c>).
/// </summary>
internal sealed record LaunchFacts(string? ProcessPath, string BaseDirectory, string Version, string GlobalToolsFolder, bool Windows, Func<string, bool> FileExists)
{
    /// <summary>This process.</summary>
    public static LaunchFacts Current(ClientPlatform platform) => new(
        Environment.ProcessPath,
        AppContext.BaseDirectory,
        Lumina.Core.LuminaVersion.Value,
        Path.Combine(platform.Environment("DOTNET_CLI_HOME") is { Length: > 0 } cliHome ? cliHome : platform.Home, ".dotnet", "tools"),
        OperatingSystem.IsWindows(),
        File.Exists);
}

/// <summary>
/// The rule for what a client configuration runs. Clients such as Claude Desktop do not inherit a shell's PATH, so
/// the command is an absolute path whenever one is known:
/// <list type="number">
/// <item>running as an installed tool (the program lives under a tool store, <c>…/.store/lumina/…</c>): that tool's shim;</item>
/// <item>running through <c>dnx</c> (the program lives in the NuGet cache, <c>…/lumina/&lt;version&gt;/tools/…</c>):
/// <c>dotnet dnx Lumina@&lt;version&gt; --yes --</c> with the absolute <c>dotnet</c>, pinned to the version that runs now
/// (no feed lookup at each start, no unasked upgrade);</item>
/// <item>running from a build output while the tool is installed (<c>~/.dotnet/tools/lumina</c>): the tool, with a warning;</item>
/// <item>otherwise the build output itself (its apphost, else <c>dotnet lumina.dll</c>), with a warning that it is a stopgap.</item>
/// </list>
/// </summary>
internal static class LuminaLauncher
{
    /// <summary>The package id of the tool (<c>dotnet tool install -g Lumina</c>).</summary>
    public const string PackageId = "Lumina";

    public static LuminaLaunch Resolve(LaunchFacts facts)
    {
        var shimName = facts.Windows ? "lumina.exe" : "lumina";
        var directory = facts.BaseDirectory.Replace('\\', '/');
        var store = directory.IndexOf("/.store/", StringComparison.OrdinalIgnoreCase);
        if (store >= 0)
        {
            var shim = Path.Combine(facts.BaseDirectory[..store], shimName);
            return new(LaunchKind.Tool, IsNamed(facts.ProcessPath, shimName) ? facts.ProcessPath! : shim, [], null);
        }

        if (IsInNuGetCache(directory))
        {
            var dotnet = IsDotnet(facts.ProcessPath, facts.Windows) ? facts.ProcessPath! : "dotnet";
            return new(LaunchKind.Dnx, dotnet, ["dnx", $"{PackageId}@{facts.Version}", "--yes", "--"], null);
        }

        var installed = Path.Combine(facts.GlobalToolsFolder, shimName);
        if (facts.FileExists(installed))
        {
            return new(LaunchKind.Tool, installed, [], $"this lumina runs from a build output ({facts.BaseDirectory}); the configuration uses the installed tool {installed}.");
        }

        var warning = $"this lumina runs from a build output ({facts.BaseDirectory}), so the configuration points there: it breaks when that folder is cleaned or moved. "
            + $"Install the tool ('dotnet tool install -g {PackageId}') and run 'lumina connect' again from it.";
        var apphost = Path.Combine(facts.BaseDirectory, shimName);
        if (facts.FileExists(apphost))
        {
            return new(LaunchKind.Build, apphost, [], warning);
        }

        return new(LaunchKind.Build, IsDotnet(facts.ProcessPath, facts.Windows) ? facts.ProcessPath! : "dotnet", [Path.Combine(facts.BaseDirectory, "lumina.dll")], warning);
    }

    /// <summary><c>…/lumina/&lt;version&gt;/tools/&lt;tfm&gt;/any/</c>: the layout of a tool package in the NuGet cache.</summary>
    private static bool IsInNuGetCache(string directory)
    {
        var parts = directory.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i + 2 < parts.Length; i++)
        {
            if (parts[i].Equals(PackageId, StringComparison.OrdinalIgnoreCase) && parts[i + 2].Equals("tools", StringComparison.OrdinalIgnoreCase) && char.IsAsciiDigit(parts[i + 1][0]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsNamed(string? path, string name) =>
        path is not null && Path.GetFileName(path.Replace('\\', '/')).Equals(name, StringComparison.OrdinalIgnoreCase);

    private static bool IsDotnet(string? path, bool windows) => IsNamed(path, windows ? "dotnet.exe" : "dotnet");
}
