namespace Lumina.Host.Cli.Connect;

/// <summary>The operating systems whose client configuration folders <see cref="ClientConfigLocation"/> knows.</summary>
internal enum ClientOs
{
    Linux,
    MacOS,
    Windows,
}

/// <summary>
/// What <c>lumina connect</c> asks of the machine: the operating system, the home folder, the current folder and the
/// environment (APPDATA, XDG_CONFIG_HOME). Passed in rather than read where used, so the path rules of every OS can be
/// tested on any one of them.
/// </summary>
internal sealed record ClientPlatform(ClientOs Os, string Home, string CurrentDirectory, Func<string, string?> Environment)
{
    /// <summary>This machine, as the running process sees it.</summary>
    public static ClientPlatform Current { get; } = new(
        OperatingSystem.IsWindows() ? ClientOs.Windows : OperatingSystem.IsMacOS() ? ClientOs.MacOS : ClientOs.Linux,
        System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile, System.Environment.SpecialFolderOption.DoNotVerify),
        System.Environment.CurrentDirectory,
        System.Environment.GetEnvironmentVariable);

    /// <summary>Joins path parts with this platform's separator (a Windows path built on Linux keeps its backslashes).</summary>
    public string Combine(string first, params string[] more)
    {
        var separator = Os == ClientOs.Windows ? '\\' : '/';
        var path = first.TrimEnd('/', '\\');
        foreach (var part in more)
        {
            path = path + separator + part.Trim('/', '\\');
        }

        return path;
    }
}
